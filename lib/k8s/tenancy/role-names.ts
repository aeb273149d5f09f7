/** Tenant roles that groups can be bound to. */
export const TENANT_ROLES = ['developer', 'viewer', 'deployer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];
