import { cpuCores, memoryBytes } from '../../core/quantity';
import { TENANT_ROLES } from '../../k8s/tenancy/role-names';
import type { Rule } from './context';

/**
 * Namespaces Kubernetes and GitOps reserve: a tenant there would get roles and quotas in a
 * system namespace. (Namespaces of the platform's own components are checked where they are
 * known, in the tenancy module.)
 */
const RESERVED = /^(kube-.*|default|flux-system)$/;

/** Tenant settings that are wrong whatever the environment. */
export const tenantRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  for (const tenant of spec.tenants) {
    const at = (...p: (string | number)[]) => ctx.at('tenants', tenant, ...p);
    if (RESERVED.test(tenant.name)) {
      issues.add(at('name'), tenant.name, 'is a namespace Kubernetes or Flux reserves (kube-*, default, flux-system); choose another tenant name');
    }
    // A group listed under two roles of one tenant gets the union: say which one is meant.
    const roleOf = new Map<string, string>();
    for (const role of TENANT_ROLES) {
      (tenant.groups?.[role] ?? []).forEach((group, i) => {
        const other = roleOf.get(group);
        if (other !== undefined) {
          issues.add(at('groups', role, i), group, `is already bound to role "${other}" of this tenant; list a group under one role (developer ⊃ deployer ⊃ viewer)`);
        } else roleOf.set(group, role);
      });
    }
    const q = tenant.quota;
    if (q?.requestsCpu !== undefined && q.limitsCpu !== undefined && cpuCores(q.requestsCpu) > cpuCores(q.limitsCpu)) {
      issues.add(at('quota', 'requestsCpu'), q.requestsCpu, `exceeds quota.limitsCpu (${q.limitsCpu}); a pod's requests never exceed its limits, so this quota could never be used`);
    }
    if (q?.requestsMemory !== undefined && q.limitsMemory !== undefined && memoryBytes(q.requestsMemory) > memoryBytes(q.limitsMemory)) {
      issues.add(at('quota', 'requestsMemory'), q.requestsMemory, `exceeds quota.limitsMemory (${q.limitsMemory}); a pod's requests never exceed its limits, so this quota could never be used`);
    }
    const seen = new Set<string>();
    (tenant.readableSecrets ?? []).forEach((s, i) => {
      if (seen.has(s)) issues.add(at('readableSecrets', i), s, 'is listed twice');
      seen.add(s);
    });
  }
};
