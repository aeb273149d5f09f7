export { referenceSpec } from './reference';
