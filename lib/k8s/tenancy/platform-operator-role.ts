import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';
import { assertLeastPrivilege, READ_VERBS, toPolicyRules, type RbacRule } from './rbac';

export interface PlatformOperatorRoleProps {
  /** Name of the ClusterRole. @default 'hybrid-serverless-platform-operator' */
  readonly name?: string;
  /** The platform namespaces: the role is bound in each, and nowhere else. */
  readonly namespaces: readonly string[];
  /** Groups bound. @default none (the ClusterRole exists, unbound) */
  readonly groups?: readonly string[];
  /** Custom resources of the installed systems to read (operator CRs, releases, monitors). @default none */
  readonly customResources?: readonly { readonly apiGroup: string; readonly resources: readonly string[] }[];
}

/**
 * What on-call needs in the platform namespaces, bound there by RoleBindings (a ClusterRole
 * bound per namespace grants nothing elsewhere, not in tenant namespaces): read the
 * workloads, their logs and events, the operator CRs and Flux releases, and delete a pod to
 * restart it. No Secrets, no exec, no write to workloads or HelmReleases: patching one would
 * run arbitrary code with that component's (often cluster-wide) service account. Changes go
 * through Git.
 */
export class PlatformOperatorRole extends Construct {
  readonly name: string;
  readonly rules: readonly RbacRule[];

  constructor(scope: Construct, id: string, props: PlatformOperatorRoleProps) {
    super(scope, id);
    this.name = props.name ?? 'hybrid-serverless-platform-operator';
    const where = `PlatformOperatorRole(${this.name})`;
    if (props.namespaces.length === 0) fail(`${where}.namespaces`, props.namespaces, 'must name at least one platform namespace');
    const byGroup = new Map<string, Set<string>>();
    for (const cr of props.customResources ?? []) {
      const set = byGroup.get(cr.apiGroup) ?? new Set<string>();
      cr.resources.forEach((r) => set.add(r));
      byGroup.set(cr.apiGroup, set);
    }
    this.rules = [
      { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'persistentvolumeclaims', 'pods', 'serviceaccounts', 'services'], verbs: READ_VERBS },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ_VERBS },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ_VERBS },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ_VERBS },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ_VERBS },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ_VERBS },
      ...[...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([g, rs]) => ({ apiGroups: [g], resources: [...rs].sort(), verbs: READ_VERBS })),
    ];
    assertLeastPrivilege(where, this.rules);
    const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'platform-operator' };
    new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name: this.name, labels }, rules: toPolicyRules(this.rules) });
    const groups = [...new Set(props.groups ?? [])].sort();
    if (groups.length === 0) return;
    for (const ns of [...new Set(props.namespaces)].sort()) {
      new k8s.KubeRoleBinding(this, `binding-${ns}`, {
        metadata: { name: 'platform-operator', namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.name },
        subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
      });
    }
  }
}
