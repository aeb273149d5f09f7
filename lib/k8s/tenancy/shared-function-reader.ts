import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { LABELS } from '../common/labels';
import { assertLeastPrivilege, toPolicyRules, type RbacRule } from './rbac';

export interface SharedFunctionReaderProps {
  /** The shared namespace the backend runs every tenant's functions in (OpenFaaS: `openfaas-fn`). */
  readonly namespace: string;
  /** The tenant whose groups get access. */
  readonly tenant: string;
  /** API group and plural of the function kind. */
  readonly apiGroup: string;
  readonly resource: string;
  /** Further kinds named after each function that the tenant reads too (OpenFaaS CE: its Service). @default none */
  readonly alsoReads?: readonly { readonly apiGroup: string; readonly resource: string }[];
  /** The tenant's own functions: the only objects the Role names. */
  readonly functionNames: readonly string[];
  /** Groups bound (every role of the tenant). @default no binding */
  readonly groups?: readonly string[];
}

/**
 * Read access, by name, to a tenant's functions in a namespace all tenants share. OpenFaaS
 * runs every function in one namespace, so write access there would let a tenant point its
 * Function (Pro) or Deployment (CE) at another tenant's Secrets (they resolve in that namespace):
 * tenants change their OpenFaaS functions through the spec (GitOps), and only `get` their
 * own here. `create` cannot be restricted by name in RBAC, which rules it out as well.
 */
export class SharedFunctionReader extends Construct {
  readonly rules: readonly RbacRule[];

  constructor(scope: Construct, id: string, props: SharedFunctionReaderProps) {
    super(scope, id);
    const where = `SharedFunctionReader(${props.namespace}/${props.tenant})`;
    if (props.functionNames.length === 0) fail(`${where}.functionNames`, props.functionNames, 'must name at least one function (a Role naming none would grant nothing)');
    const name = `tenant-${props.tenant}-functions`;
    this.rules = [props, ...(props.alsoReads ?? [])].map((k) => ({ apiGroups: [k.apiGroup], resources: [k.resource], verbs: ['get'], resourceNames: [...props.functionNames] }));
    assertLeastPrivilege(where, this.rules);
    const labels = { [LABELS.tenant]: props.tenant };
    new k8s.KubeRole(this, 'Role', { metadata: { name, namespace: props.namespace, labels }, rules: toPolicyRules(this.rules) });
    const groups = [...new Set(props.groups ?? [])].sort();
    if (groups.length > 0) {
      new k8s.KubeRoleBinding(this, 'Binding', {
        metadata: { name, namespace: props.namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
      });
    }
  }
}
