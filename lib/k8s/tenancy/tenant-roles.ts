import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { TENANT_ROLES, type TenantRole } from './role-names';
import { LABELS } from '../common/labels';
import type { FunctionApiResources } from './function-kinds';
import { assertLeastPrivilege, MANAGE_VERBS, READ_VERBS, toPolicyRules, type RbacRule } from './rbac';

export interface TenantRolesProps {
  /** The tenant's namespace (the Roles and RoleBindings live there). */
  readonly namespace: string;
  /** Function kinds of the backends in use: developers and deployers manage them, viewers read them. */
  readonly functionKinds: readonly FunctionApiResources[];
  /** Groups bound to each role. @default no bindings (the Roles still exist, to bind by hand) */
  readonly groups?: Partial<Record<TenantRole, readonly string[]>>;
  /** Secrets developers may read, by name. @default none */
  readonly readableSecrets?: readonly string[];
  /** Let developers `kubectl exec` into their pods (never deployers or viewers). @default false */
  readonly developerExec?: boolean;
}

const GROUP_RE = /^[A-Za-z0-9][A-Za-z0-9._@:/-]*$/;

/** Name of a tenant role's Role and RoleBinding. */
export const tenantRoleName = (role: TenantRole): string => `tenant-${role}`;

/**
 * The tenant's roles in its namespace, each bound to the tenant's groups:
 * - `developer`: manages the function kinds and configmaps, reads pods, logs and events,
 *   reads only the Secrets named in `readableSecrets`, may exec into pods when allowed;
 * - `deployer` (CI): the developer set without exec and without Secrets;
 * - `viewer`: get/list/watch on the same resources.
 * Every rule names its groups, resources and verbs (checked: no wildcards, no escalate/bind/
 * impersonate), so nothing a future API adds is granted implicitly.
 */
export class TenantRoles extends Construct {
  readonly namespace: string;
  /** The rules of each role, as written. */
  readonly rules: Readonly<Record<TenantRole, readonly RbacRule[]>>;
  private readonly bindings = new Map<TenantRole, { binding?: k8s.KubeRoleBinding; groups: string[] }>();

  constructor(scope: Construct, id: string, props: TenantRolesProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const where = `TenantRoles(${props.namespace})`;
    const manage = (a: FunctionApiResources['access']) => (a === 'manage' ? MANAGE_VERBS : READ_VERBS);
    const observe: RbacRule[] = [
      { apiGroups: [''], resources: ['events', 'pods'], verbs: READ_VERBS },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ_VERBS },
    ];
    const deployer: RbacRule[] = [
      ...props.functionKinds.map((k) => ({ apiGroups: [k.apiGroup], resources: k.resources, verbs: manage(k.access) })),
      { apiGroups: [''], resources: ['configmaps'], verbs: MANAGE_VERBS },
      ...observe,
    ];
    const secrets = [...new Set(props.readableSecrets ?? [])];
    const developer: RbacRule[] = [
      ...deployer,
      ...(props.developerExec ? [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] : []),
      ...(secrets.length > 0 ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: secrets }] : []),
    ];
    const viewer: RbacRule[] = [
      ...props.functionKinds.map((k) => ({ apiGroups: [k.apiGroup], resources: k.resources, verbs: READ_VERBS })),
      { apiGroups: [''], resources: ['configmaps'], verbs: READ_VERBS },
      ...observe,
    ];
    this.rules = { developer, viewer, deployer };

    for (const role of TENANT_ROLES) {
      assertLeastPrivilege(`${where}.${role}`, this.rules[role]);
      new k8s.KubeRole(this, `${role}-role`, {
        metadata: { name: tenantRoleName(role), namespace: props.namespace, labels: { [LABELS.tenant]: props.namespace } },
        rules: toPolicyRules(this.rules[role]),
      });
      this.bindings.set(role, { groups: [] });
      for (const g of props.groups?.[role] ?? []) this.addGroup(role, g);
    }
  }

  /** Binds a group to one of the tenant's roles. */
  addGroup(role: TenantRole, group: string): this {
    if (!GROUP_RE.test(group) || group.startsWith('system:')) {
      fail(`TenantRoles(${this.namespace}).groups.${role}`, group, 'must be a group name: letters, digits and "._@:/-", starting alphanumeric, not a "system:" group');
    }
    const entry = this.bindings.get(role)!;
    if (entry.groups.includes(group)) return this;
    entry.groups.push(group);
    if (!entry.binding) {
      // Subjects are read at synthesis, so groups added later land in the same binding.
      entry.binding = new k8s.KubeRoleBinding(this, `${role}-binding`, {
        metadata: { name: tenantRoleName(role), namespace: this.namespace, labels: { [LABELS.tenant]: this.namespace } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: tenantRoleName(role) },
        subjects: Lazy.any({ produce: () => entry.groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })) }),
      });
    }
    return this;
  }

  /** Groups bound to a role so far. */
  groupsOf(role: TenantRole): readonly string[] {
    return this.bindings.get(role)?.groups ?? [];
  }
}
