export * from './strimzi-operator';
export * from './kafka-cluster';
export * from './kafka-cluster-topic';
export * from './kafka-client-user';
export * from './secret-reflector';
