import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { RESTRICTED_CONTAINER_VALUES, RESTRICTED_POD_VALUES } from '../common/security';
import { HelmChartInstall, type HelmChartRef } from '../gitops/helm-chart-install';
import { DNS_1123_LABEL } from '../../core/naming';

/**
 * emberstack Reflector (https://github.com/emberstack/kubernetes-reflector): copies a Secret
 * into the namespaces its annotations name, and keeps the copies in sync when the source
 * changes (Strimzi rotating a password or a certificate). Strimzi writes a KafkaUser's Secret
 * and the cluster CA certificate only in the Kafka namespace (KafkaUser
 * `spec.template.secret` sets labels and annotations, not a namespace), while KafkaSources
 * and the OpenFaaS connector read credentials from their own namespace.
 */
export const REFLECTOR_CHART: HelmChartRef = {
  repository: { name: 'emberstack', url: 'https://emberstack.github.io/helm-charts' },
  chart: 'reflector',
  version: '9.1.34',
};

const PREFIX = 'reflector.v1.k8s.emberstack.com';

/**
 * Annotations that let Reflector mirror a Secret into exactly `namespaces` (and no other:
 * Reflector matches each entry against the whole namespace name, and an empty list would
 * mean every namespace, so it is refused).
 */
export function reflectionAnnotations(namespaces: readonly string[]): Record<string, string> {
  const list = [...new Set(namespaces)].sort();
  if (list.length === 0) fail('reflectionAnnotations.namespaces', namespaces, 'must name at least one namespace (an empty list lets Reflector copy the Secret everywhere)');
  for (const ns of list) {
    if (!DNS_1123_LABEL.test(ns)) fail('reflectionAnnotations.namespaces', ns, 'must be a namespace name (Reflector reads entries as patterns; only plain names are allowed here)');
  }
  const joined = list.join(',');
  return {
    [`${PREFIX}/reflection-allowed`]: 'true',
    [`${PREFIX}/reflection-allowed-namespaces`]: joined,
    [`${PREFIX}/reflection-auto-enabled`]: 'true',
    [`${PREFIX}/reflection-auto-namespaces`]: joined,
  };
}

/** The values of the reflector chart the toolkit sets (keys of its values.yaml). */
export interface SecretReflectorValues {
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  readonly securityContext: typeof RESTRICTED_CONTAINER_VALUES;
  readonly podSecurityContext: typeof RESTRICTED_POD_VALUES;
}

export interface SecretReflectorProps {
  /** Namespace to install into. */
  readonly namespace: string;
}

/** Installs Reflector, pinned, with restricted security contexts and small fixed resources. */
export class SecretReflector extends Construct {
  readonly install: HelmChartInstall<SecretReflectorValues>;

  constructor(scope: Construct, id: string, props: SecretReflectorProps) {
    super(scope, id);
    this.install = new HelmChartInstall<SecretReflectorValues>(this, 'Install', {
      chart: REFLECTOR_CHART,
      releaseName: 'reflector',
      namespace: props.namespace,
      values: {
        resources: { requests: { cpu: '10m', memory: '96Mi' }, limits: { cpu: '200m', memory: '192Mi' } },
        // The chart's defaults lack seccomp and allowPrivilegeEscalation: Pod Security `restricted` needs both.
        securityContext: RESTRICTED_CONTAINER_VALUES,
        podSecurityContext: RESTRICTED_POD_VALUES,
      },
    });
  }
}
