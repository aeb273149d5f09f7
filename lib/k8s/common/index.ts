export * from './labels';
export * from './namespace';
export * from './namespaces';
export * from './security';
