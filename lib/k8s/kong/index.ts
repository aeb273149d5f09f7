export * from './kong-values';
export * from './kong-install';
export * from './plugins';
export * from './kong-backend';
export * from './kong-route';
export * from './kong-consumer';
