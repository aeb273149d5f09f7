export * from './hybrid-platform';
export * from './layers';
export * from './bindings';
export * from './footprint';
export * from './synth';
export * from './synth-all';
export * from './load';
export type { PlatformModule } from './modules/module';
export { MODULES } from './modules';
