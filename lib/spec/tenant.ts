import { z } from 'zod';
import { dnsLabel, dnsSubdomain, quantity } from './common';

/** Group names as the cluster's authenticator sends them (OIDC groups, `system:` excluded). */
const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:/-]*$/, { message: 'must be a group name: letters, digits and "._@:/-", starting alphanumeric' })
  .refine((g) => !g.startsWith('system:'), { message: 'must not be a Kubernetes "system:" group' });

export const tenantSchema = z.strictObject({
  /** Tenant name: also its namespace. */
  name: dnsLabel(),
  /** Groups bound to the tenant's roles. @default no bindings */
  groups: z
    .strictObject({
      developer: z.array(groupName).optional(),
      viewer: z.array(groupName).optional(),
      deployer: z.array(groupName).optional(),
    })
    .optional(),
  /** ResourceQuota overrides. @default the environment profile's tenantQuota */
  quota: z
    .strictObject({
      requestsCpu: quantity.optional(),
      requestsMemory: quantity.optional(),
      limitsCpu: quantity.optional(),
      limitsMemory: quantity.optional(),
      pods: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Secrets the tenant's developers may read, by name. @default none */
  readableSecrets: z.array(dnsSubdomain).optional(),
});
export type TenantSpec = z.infer<typeof tenantSchema>;
