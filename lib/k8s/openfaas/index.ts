export * from './chart-values';
export * from './openfaas-install';
export * from './openfaas-function';
export * from './function-profile';
export * from './cron-connector';
export * from './kafka-connector';
export * from './gateway-monitor';
export * from './openfaas-function-deployment';
