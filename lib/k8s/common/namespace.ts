import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from './labels';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface SystemNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /**
   * Pod Security Admission level enforced. Anything weaker than `restricted` must say why.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Why a weaker level is needed (recorded as an annotation). Required unless `restricted`. @default none */
  readonly podSecurityReason?: string;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A namespace with Pod Security Admission labels (`enforce`, `audit`, `warn`). Platform
 * components and tenants alike get one; `restricted` unless a reason is given.
 */
export class SystemNamespace extends Construct {
  readonly name: string;
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: SystemNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    if (level !== 'restricted' && !props.podSecurityReason) {
      fail(`SystemNamespace(${props.name}).podSecurityReason`, undefined, `is required when podSecurity is "${level}": say why the namespace cannot be "restricted"`);
    }
    this.name = props.name;
    this.apiObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          [LABELS.managedBy]: MANAGED_BY,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
          ...props.labels,
        },
        ...(props.podSecurityReason && { annotations: { 'hybrid-serverless.io/pod-security-reason': props.podSecurityReason } }),
      },
    });
  }
}
