export * from './labels';
export * from './namespace';
export * from './namespaces';
export * from './security';
export * from './namespace-network-policies';
