import { z } from 'zod';
import { dnsLabel, dnsSubdomain, quantity } from './common';

/** Group names as the cluster's authenticator sends them (OIDC groups, `system:` excluded). */
export const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:/-]*$/, { message: 'must be a group name: letters, digits and "._@:/-", starting alphanumeric' })
  .refine((g) => !g.startsWith('system:'), { message: 'must not be a Kubernetes "system:" group' });

/** An IPv4 CIDR such as `10.20.0.0/16` (each octet ≤ 255, prefix ≤ 32). */
export const ipv4Cidr = z.string().refine(
  (c) => {
    const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\/([0-9]{1,2})$/.exec(c);
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  },
  { message: 'must be an IPv4 CIDR such as "203.0.113.0/24"' },
);

export const tenantSchema = z.strictObject({
  /** Tenant name: also its namespace. */
  name: dnsLabel(),
  /** Groups bound to the tenant's roles. @default no bindings */
  groups: z
    .strictObject({
      /** Groups that manage the tenant's functions and read its pods, logs and events. */
      developer: z.array(groupName).optional(),
      /** Groups that may only read (get, list, watch) the tenant's objects. */
      viewer: z.array(groupName).optional(),
      /** Groups of the tenant's CI/CD: the developer rights without exec and without Secrets. */
      deployer: z.array(groupName).optional(),
    })
    .optional(),
  /** ResourceQuota overrides. @default the environment profile's tenantQuota */
  quota: z
    .strictObject({
      /** Total CPU requests, e.g. "4". */
      requestsCpu: quantity.optional(),
      /** Total memory requests, e.g. "8Gi". */
      requestsMemory: quantity.optional(),
      /** Total CPU limits. */
      limitsCpu: quantity.optional(),
      /** Total memory limits. */
      limitsMemory: quantity.optional(),
      /** Largest number of pods. */
      pods: z.number().int().min(1).optional(),
    })
    .optional(),
  /**
   * Environments (names under `environments`) where the tenant's developers may `kubectl exec`
   * into their pods: exec reaches every file and Secret a pod holds, so it is granted per
   * environment, never by default. A name the spec has no environment of grants nothing (a
   * spec narrowed to some environments keeps its tenants as they are). @default none
   */
  developerExec: z.array(dnsLabel()).optional(),
  /** Secrets the tenant's developers may read, by name. @default none */
  readableSecrets: z.array(dnsSubdomain).optional(),
  /**
   * Destinations outside the cluster the tenant's pods may reach (egress is denied by
   * default). @default none
   */
  egress: z
    .array(
      z.strictObject({
        /** The destination as an IPv4 CIDR, e.g. "203.0.113.0/24". */
        cidr: ipv4Cidr,
        /** TCP ports. @default [443] */
        ports: z.array(z.number().int().min(1).max(65535)).min(1).optional(),
      }),
    )
    .optional(),
});
export type TenantSpec = z.infer<typeof tenantSchema>;

/** People who run the platform itself (bound to the platform-operator role in the platform namespaces). */
export const operatorsSchema = z.strictObject({
  /** Groups bound to the platform-operator role. */
  groups: z.array(groupName).min(1, { message: 'must list at least one group' }),
});
export type OperatorsSpec = z.infer<typeof operatorsSchema>;
