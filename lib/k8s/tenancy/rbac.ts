import { fail } from '../../core/errors';

/** An RBAC rule as the toolkit writes it: named groups, resources and verbs only. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Restricts the rule to these object names. @default every object of the resources */
  readonly resourceNames?: readonly string[];
}

export const READ_VERBS = ['get', 'list', 'watch'] as const;
export const MANAGE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

/** Verbs that let a subject gain permissions it does not hold: never granted. */
export const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'] as const;

/**
 * Checks that rules name exactly what they grant: no `*` anywhere, no escalating verb, no
 * empty lists (which grant nothing and hide a mistake). Throws a SpecError naming the rule.
 */
export function assertLeastPrivilege(where: string, rules: readonly RbacRule[]): void {
  rules.forEach((rule, i) => {
    for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'] as const) {
      const values = rule[field];
      if (values === undefined) continue;
      if (values.length === 0) fail(`${where}.rules[${i}].${field}`, values, 'must name at least one entry (an empty list grants nothing)');
      if (values.some((v) => v.includes('*'))) fail(`${where}.rules[${i}].${field}`, values, 'must name each entry: wildcards grant whatever a future API adds');
    }
    const bad = rule.verbs.filter((v) => (ESCALATING_VERBS as readonly string[]).includes(v));
    if (bad.length > 0) fail(`${where}.rules[${i}].verbs`, rule.verbs, `must not contain ${bad.join(', ')}: they let a subject grant itself more than it holds`);
    if (rule.resourceNames && rule.verbs.some((v) => v === 'create' || v === 'deletecollection')) {
      fail(`${where}.rules[${i}].verbs`, rule.verbs, 'create and deletecollection cannot be restricted by resourceNames; Kubernetes would grant them for any name');
    }
  });
}

/**
 * Rules in their Kubernetes shape: rules that differ only in resources are merged (in the
 * order first seen), name lists sorted — deterministic output.
 */
export function toPolicyRules(rules: readonly RbacRule[]): { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] {
  const merged = new Map<string, RbacRule>();
  for (const r of rules) {
    const key = JSON.stringify([r.apiGroups, r.verbs, r.resourceNames ?? null]);
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, resources: [...new Set([...prev.resources, ...r.resources])].sort() } : r);
  }
  return [...merged.values()].map((r) => ({
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
    ...(r.resourceNames && { resourceNames: [...r.resourceNames].sort() }),
  }));
}
