export * from './rbac';
export * from './function-kinds';
export * from './tenant-quota';
export * from './tenant-roles';
export * from './tenant-network-policies';
export * from './shared-function-reader';
export * from './platform-operator-role';
export * from './tenant';
