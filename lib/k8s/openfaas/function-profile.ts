import { Construct } from 'constructs';
import { Profile } from '../../imports/openfaas-profile-openfaas.com';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';

export interface FunctionSecurityProfileProps {
  /** Profile name, referenced by functions with `com.openfaas.profile`. @default 'hybrid-serverless-restricted' */
  readonly name?: string;
  /** The OpenFaaS control-plane namespace (Profiles live there). */
  readonly namespace: string;
  /** UID the function containers run as (the chart's `functions.setNonRootUser` uses 12000). @default 12000 */
  readonly runAsUser?: number;
}

/**
 * An OpenFaaS Profile that hardens function pods at pod level: non-root and seccomp
 * `RuntimeDefault`. The operator sets no container-level `capabilities.drop` or
 * `allowPrivilegeEscalation`, which Pod Security `restricted` also wants, so the function
 * namespace enforces `baseline` and this Profile adds what the pod level can.
 */
export class FunctionSecurityProfile extends Construct {
  readonly name: string;
  readonly resource: Profile;

  constructor(scope: Construct, id: string, props: FunctionSecurityProfileProps) {
    super(scope, id);
    this.name = props.name ?? 'hybrid-serverless-restricted';
    const uid = props.runAsUser ?? 12000;
    if (!Number.isInteger(uid) || uid < 1) fail('FunctionSecurityProfile.runAsUser', uid, 'must be a non-root UID (a whole number ≥ 1)');
    this.resource = new Profile(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
      spec: {
        podSecurityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
      },
    });
  }
}

export interface FunctionSpreadProfileProps {
  /** Profile name. @default 'hybrid-serverless-spread' */
  readonly name?: string;
  /** The OpenFaaS control-plane namespace (Profiles live there). */
  readonly namespace: string;
}

/**
 * An OpenFaaS Profile that prefers spreading each function's replicas across nodes: a soft pod
 * anti-affinity on the node's host name among pods of the same function (`matchLabelKeys` on
 * the `faas_function` label the operator sets), so one Profile serves every function that
 * composes it (`com.openfaas.profile: <security>,<this>`).
 */
export class FunctionSpreadProfile extends Construct {
  readonly name: string;
  readonly resource: Profile;

  constructor(scope: Construct, id: string, props: FunctionSpreadProfileProps) {
    super(scope, id);
    this.name = props.name ?? 'hybrid-serverless-spread';
    this.resource = new Profile(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
      spec: {
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'faas_function', operator: 'Exists' }] }, matchLabelKeys: ['faas_function'] },
              },
            ],
          },
        },
      },
    });
  }
}
