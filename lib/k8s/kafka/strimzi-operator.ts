import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { HelmChartInstall, type HelmChartRef } from '../gitops/helm-chart-install';
import { RESTRICTED_CONTAINER_VALUES } from '../common/security';

/** Strimzi's official chart, pinned (SOURCES.md: oci://quay.io/strimzi-helm, 1.2.0). */
export const STRIMZI_CHART: HelmChartRef = {
  repository: { name: 'strimzi', url: 'oci://quay.io/strimzi-helm' },
  chart: 'strimzi-kafka-operator',
  version: '1.2.0',
};

type Quantity = string | number;
interface ChartResources {
  readonly requests: { readonly cpu: Quantity; readonly memory: Quantity };
  readonly limits: { readonly cpu: Quantity; readonly memory: Quantity };
}

/**
 * The values of strimzi-kafka-operator 1.2.0 the toolkit sets (a subset of its values.yaml;
 * the test checks every path against it).
 */
export interface StrimziOperatorValues {
  readonly replicas: number;
  /** Namespaces watched besides the release's own; empty: only the release namespace. */
  readonly watchNamespaces: readonly string[];
  readonly watchAnyNamespace: boolean;
  readonly resources: ChartResources;
  readonly securityContext: typeof RESTRICTED_CONTAINER_VALUES;
  readonly extraEnvs: readonly { readonly name: string; readonly value: string }[];
  readonly generatePodDisruptionBudget: boolean;
  readonly generateNetworkPolicy: boolean;
  readonly leaderElection: { readonly enable: boolean };
  readonly podDisruptionBudget: { readonly enabled: boolean };
}

export interface StrimziOperatorProps {
  /** Namespace of the operator and of the Kafka cluster it manages (it watches only this one). */
  readonly namespace: string;
  /** Operator replicas (leader election keeps one active). @default 1 */
  readonly replicas?: number;
  /** Operator pod resources. */
  readonly resources: ChartResources;
  /**
   * Let the operator create PodDisruptionBudgets for Kafka and its own PDB. Off for
   * single-node environments, where a budget would only block node drains.
   * @default true
   */
  readonly podDisruptionBudgets?: boolean;
}

/**
 * The Strimzi Cluster Operator from its official chart, watching only its own namespace.
 * Kafka, entity-operator and exporter pods get the `restricted` Pod Security provider, so the
 * namespace can enforce Pod Security `restricted`.
 */
export class StrimziOperator extends Construct {
  readonly install: HelmChartInstall<StrimziOperatorValues>;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: StrimziOperatorProps) {
    super(scope, id);
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) fail('StrimziOperator.replicas', replicas, 'must be an integer ≥ 1');
    this.namespace = props.namespace;
    const pdb = props.podDisruptionBudgets ?? true;
    this.install = new HelmChartInstall<StrimziOperatorValues>(this, 'Install', {
      chart: STRIMZI_CHART,
      releaseName: 'strimzi',
      namespace: props.namespace,
      values: {
        replicas,
        // The chart always watches the release namespace; nothing else.
        watchNamespaces: [],
        watchAnyNamespace: false,
        resources: props.resources,
        securityContext: RESTRICTED_CONTAINER_VALUES,
        // Operands (Kafka, entity operator, exporter) get restricted security contexts too.
        extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
        generatePodDisruptionBudget: pdb,
        generateNetworkPolicy: true,
        leaderElection: { enable: true },
        podDisruptionBudget: { enabled: pdb && replicas > 1 },
      },
    });
  }
}
