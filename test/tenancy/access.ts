/**
 * RBAC access analysis over synthesized manifests: what a subject may do, computed from the
 * Roles, ClusterRoles and bindings in the output exactly as the API server's RBAC
 * authorizer decides (rules are unions; a RoleBinding grants only in its namespace; a rule
 * with resourceNames matches only requests that name an object, so never create/list).
 */

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

export interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
export interface Subject {
  kind: 'Group' | 'User' | 'ServiceAccount';
  name: string;
  namespace?: string;
}
export interface AccessRequest {
  verb: string;
  /** '' for the core group. */
  apiGroup: string;
  /** Plural, with the subresource after a slash: `pods/exec`. */
  resource: string;
  /** Absent for cluster-scoped requests. */
  namespace?: string;
  /** The object's name (absent for create and list). */
  name?: string;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const matches = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);

export class RbacModel {
  readonly roles = new Map<string, Rule[]>(); // `${ns}/${name}`
  readonly clusterRoles = new Map<string, Rule[]>();
  readonly bindings: { namespace?: string; roleRef: { kind: string; name: string }; subjects: Subject[]; name: string }[] = [];

  constructor(objects: readonly Obj[]) {
    for (const o of objects) {
      if (o.apiVersion !== RBAC) continue;
      if (o.kind === 'ClusterRole' && o.aggregationRule) throw new Error(`ClusterRole ${o.metadata.name} aggregates others: not modelled here`);
      if (o.kind === 'Role') this.roles.set(`${o.metadata.namespace}/${o.metadata.name}`, o.rules ?? []);
      else if (o.kind === 'ClusterRole') this.clusterRoles.set(o.metadata.name, o.rules ?? []);
      else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        this.bindings.push({ namespace: o.kind === 'RoleBinding' ? o.metadata.namespace : undefined, roleRef: o.roleRef, subjects: o.subjects ?? [], name: o.metadata.name });
      }
    }
  }

  /** Bindings whose role is not in the output (they grant nothing; usually a mistake). */
  dangling(): string[] {
    return this.bindings
      .filter((b) => (b.roleRef.kind === 'Role' ? !this.roles.has(`${b.namespace}/${b.roleRef.name}`) : !this.clusterRoles.has(b.roleRef.name)))
      .map((b) => `${b.namespace ?? '(cluster)'}/${b.name} → ${b.roleRef.kind} ${b.roleRef.name}`);
  }

  /** Rules in force for a subject, with the namespace each applies in (undefined: everywhere). */
  rulesFor(subject: Subject): { namespace?: string; rule: Rule; via: string }[] {
    const out: { namespace?: string; rule: Rule; via: string }[] = [];
    for (const b of this.bindings) {
      const bound = b.subjects.some((s) => s.kind === subject.kind && s.name === subject.name && (s.kind !== 'ServiceAccount' || s.namespace === subject.namespace));
      if (!bound) continue;
      const rules = b.roleRef.kind === 'Role' ? this.roles.get(`${b.namespace}/${b.roleRef.name}`) : this.clusterRoles.get(b.roleRef.name);
      for (const rule of rules ?? []) out.push({ namespace: b.namespace, rule, via: `${b.namespace ?? '(cluster)'}/${b.name}` });
    }
    return out;
  }

  allows(subject: Subject, req: AccessRequest): boolean {
    return this.rulesFor(subject).some(({ namespace, rule }) => {
      if (namespace !== undefined && namespace !== req.namespace) return false;
      if (!matches(rule.verbs, req.verb) || !matches(rule.apiGroups, req.apiGroup) || !matches(rule.resources, req.resource)) return false;
      if (rule.resourceNames && rule.resourceNames.length > 0) return req.name !== undefined && rule.resourceNames.includes(req.name);
      return true;
    });
  }
}

export const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** `group/resource` → verbs allowed in a namespace (`verb(name,…)` where only named objects). */
export function accessTable(model: RbacModel, subject: Subject, namespace: string, probes: readonly { apiGroup: string; resource: string }[] = []): Record<string, string[]> {
  const resources = new Map<string, { apiGroup: string; resource: string }>();
  const add = (apiGroup: string, resource: string) => resources.set(`${apiGroup || 'core'}/${resource}`, { apiGroup, resource });
  for (const { rule } of model.rulesFor(subject)) for (const g of rule.apiGroups ?? []) for (const r of rule.resources ?? []) add(g, r);
  for (const p of probes) add(p.apiGroup, p.resource);
  const table: Record<string, string[]> = {};
  for (const [key, { apiGroup, resource }] of [...resources.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const names = new Set<string>();
    for (const { namespace: ns, rule } of model.rulesFor(subject)) {
      if ((ns === undefined || ns === namespace) && matches(rule.apiGroups, apiGroup) && matches(rule.resources, resource)) (rule.resourceNames ?? []).forEach((n) => names.add(n));
    }
    const verbs: string[] = [];
    for (const verb of VERBS) {
      if (model.allows(subject, { verb, apiGroup, resource, namespace })) verbs.push(verb);
      else {
        const named = [...names].filter((name) => model.allows(subject, { verb, apiGroup, resource, namespace, name }));
        if (named.length > 0) verbs.push(`${verb}(${named.sort().join(',')})`);
      }
    }
    table[key] = verbs;
  }
  return table;
}

export const group = (name: string): Subject => ({ kind: 'Group', name });
