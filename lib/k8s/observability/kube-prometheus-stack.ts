import { Construct } from 'constructs';
import { LABELS, MANAGED_BY } from '../common/labels';
import { RESTRICTED_CONTAINER_VALUES, RESTRICTED_POD_VALUES } from '../common/security';
import { HelmChartInstall, type HelmChartRef } from '../gitops/helm-chart-install';

/** kube-prometheus-stack, pinned (Prometheus Operator v0.93.1, grafana subchart 12.11.1). */
export const KUBE_PROMETHEUS_STACK_CHART: HelmChartRef = {
  repository: { name: 'prometheus-community', url: 'https://prometheus-community.github.io/helm-charts' },
  chart: 'kube-prometheus-stack',
  version: '88.5.3',
};

/** Label the Grafana dashboard sidecar looks for (the chart's `grafana.sidecar.dashboards.label`). */
export const GRAFANA_DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;
/** `app.kubernetes.io/managed-by` values Prometheus selects monitors and rules by. */
export const SELECTED_MANAGERS = ['Helm', MANAGED_BY] as const;

/** UID of the Prometheus datasource the chart provisions; dashboards refer to it. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/**
 * Value paths the chart's values.yaml cannot vouch for: they belong to subcharts whose
 * values.yaml is not in ../shared/upstream (grafana 12.11.1, kube-state-metrics 8.4.0,
 * prometheus-node-exporter 4.56.1), so tests check them only for shape, not existence.
 */
export const SUBCHART_VALUE_PATHS = [
  'grafana.replicas',
  'grafana.resources',
  'grafana.podDisruptionBudget',
  'grafana.affinity',
  'grafana.securityContext',
  'grafana.containerSecurityContext',
  'grafana.sidecar.resources',
  'grafana.sidecar.securityContext',
  'grafana.testFramework',
  'kube-state-metrics.resources',
  'kube-state-metrics.securityContext',
  'kube-state-metrics.containerSecurityContext',
  'prometheus-node-exporter.resources',
] as const;

type Resources = { requests: { cpu: string | number; memory: string | number }; limits: { cpu: string | number; memory: string | number } };
type Selector = { matchExpressions: { key: string; operator: 'In'; values: string[] }[] };
type NamespaceSelector = Selector;

/** The chart values the toolkit sets (a typed subset of the chart's values.yaml). */
export interface KubePrometheusStackValues {
  crds: { enabled: boolean };
  defaultRules: { create: boolean; rules: Partial<Record<'etcd' | 'kubeControllerManager' | 'kubeProxy' | 'kubeSchedulerAlerting' | 'kubeSchedulerRecording' | 'windows', boolean>> };
  kubeEtcd: { enabled: boolean };
  kubeControllerManager: { enabled: boolean };
  kubeScheduler: { enabled: boolean };
  kubeProxy: { enabled: boolean };
  windowsMonitoring: { enabled: boolean };
  nodeExporter: { enabled: boolean };
  prometheusOperator: { resources: Resources; prometheusConfigReloader: { resources: Resources } };
  prometheus: {
    podDisruptionBudget: { enabled: boolean; minAvailable: number };
    prometheusSpec: {
      replicas: number;
      resources: Resources;
      retention: string;
      retentionSize?: string;
      storageSpec: Record<string, unknown>;
      externalLabels: Record<string, string>;
      podAntiAffinity: '' | 'soft' | 'hard';
      ruleSelectorNilUsesHelmValues: boolean;
      ruleSelector: Selector;
      ruleNamespaceSelector: NamespaceSelector;
      serviceMonitorSelectorNilUsesHelmValues: boolean;
      serviceMonitorSelector: Selector;
      serviceMonitorNamespaceSelector: NamespaceSelector;
      podMonitorSelectorNilUsesHelmValues: boolean;
      podMonitorSelector: Selector;
      podMonitorNamespaceSelector: NamespaceSelector;
      securityContext: typeof RESTRICTED_POD_VALUES & { runAsUser: number; fsGroup: number };
    };
  };
  alertmanager: {
    podDisruptionBudget: { enabled: boolean; minAvailable: number };
    alertmanagerSpec: {
      replicas: number;
      resources: Resources;
      retention: string;
      podAntiAffinity: '' | 'soft' | 'hard';
      alertmanagerConfiguration: { name: string };
      alertmanagerConfigSelector: Selector;
      alertmanagerConfigNamespaceSelector: NamespaceSelector;
      securityContext: typeof RESTRICTED_POD_VALUES & { runAsUser: number; fsGroup: number };
    };
  };
  grafana: {
    enabled: boolean;
    defaultDashboardsEnabled: boolean;
    defaultDashboardsTimezone: string;
    replicas: number;
    resources: Resources;
    podDisruptionBudget?: { minAvailable: number };
    securityContext: typeof RESTRICTED_POD_VALUES & { runAsUser: number; runAsGroup: number; fsGroup: number };
    containerSecurityContext: typeof RESTRICTED_CONTAINER_VALUES;
    sidecar: {
      resources: Resources;
      securityContext: typeof RESTRICTED_CONTAINER_VALUES;
      dashboards: { enabled: boolean; label: string; labelValue: string; searchNamespace: string; provider: { allowUiUpdates: boolean } };
      datasources: { enabled: boolean; uid: string };
    };
  };
  'kube-state-metrics': { resources: Resources; securityContext: typeof RESTRICTED_POD_VALUES; containerSecurityContext: typeof RESTRICTED_CONTAINER_VALUES };
  'prometheus-node-exporter': { namespaceOverride: string; resources: Resources };
}

/** Replicas and resources of one monitoring component. */
export interface MonitoringComponent {
  readonly replicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: string | number; readonly memory: string | number };
    readonly limits: { readonly cpu: string | number; readonly memory: string | number };
  };
}

/** What KubePrometheusStack reads of an environment profile. */
export interface MonitoringProfile {
  readonly components: { readonly prometheus: MonitoringComponent; readonly alertmanager: MonitoringComponent; readonly grafana: MonitoringComponent };
  readonly ha: {
    /** PodDisruptionBudgets for components with more than one replica. */
    readonly podDisruptionBudgets: boolean;
    /** Spread replicas across nodes. */
    readonly antiAffinity: boolean;
  };
  readonly retention: {
    readonly metricsDays: number;
    /** Prometheus volume; `null` means an emptyDir (lost on restart). */
    readonly metricsStorage: string | number | null;
  };
}

export interface KubePrometheusStackProps {
  /** Namespace of the release (Prometheus, Alertmanager, Grafana, operator). */
  readonly namespace: string;
  /**
   * Namespace of the node exporter: its DaemonSet needs host namespaces and host paths,
   * which Pod Security `restricted` forbids, so it runs apart from the rest.
   */
  readonly nodeExporterNamespace: string;
  /** Sizes, retention, storage and HA (the platform passes an environment profile). */
  readonly profile: MonitoringProfile;
  /**
   * Namespaces Prometheus reads monitors and rules from: the platform's own, never a
   * tenant's (a tenant's ServiceMonitor could otherwise scrape other tenants' pods).
   */
  readonly monitorNamespaces: readonly string[];
  /** AlertmanagerConfig that is Alertmanager's whole configuration (in `namespace`). */
  readonly alertmanagerConfigName: string;
  /** Put on every series (`external_labels`): tells environments apart in shared views. */
  readonly externalLabels: Record<string, string>;
  /** Install Grafana's stock Kubernetes dashboards too. @default true */
  readonly defaultDashboards?: boolean;
  /** Run the node exporter DaemonSet (node CPU, memory, disk and network metrics). @default true */
  readonly nodeExporter?: boolean;
  /** Helm release name. @default 'kube-prometheus-stack' */
  readonly releaseName?: string;
}

// Helpers the profile does not size: small and fixed.
const OPERATOR: Resources = { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } };
const KUBE_STATE_METRICS: Resources = { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '200m', memory: '256Mi' } };
const NODE_EXPORTER: Resources = { requests: { cpu: '10m', memory: '24Mi' }, limits: { cpu: '200m', memory: '64Mi' } };
// The operator adds a config-reloader container to every Prometheus and Alertmanager pod; the
// chart leaves its resources to the operator unless set, so set them and know the pods' requests.
const CONFIG_RELOADER: Resources = { requests: { cpu: '10m', memory: '25Mi' }, limits: { cpu: '100m', memory: '50Mi' } };
const GRAFANA_SIDECAR: Resources = { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '128Mi' } };

/**
 * Prometheus, Alertmanager and Grafana from kube-prometheus-stack, sized by the environment
 * profile: retention and volume from `profile.retention`, replicas and resources from
 * `profile.components.{prometheus,alertmanager,grafana}`, PodDisruptionBudgets and
 * anti-affinity from `profile.ha`. Prometheus selects monitors and rules managed by
 * Helm or the toolkit, only in the platform's own namespaces; Alertmanager takes its whole configuration from
 * the toolkit's AlertmanagerConfig; Grafana loads dashboards from ConfigMaps labelled
 * `grafana_dashboard: "1"` in the release namespace. Managed control planes (EKS, k3s)
 * expose no etcd/scheduler/controller-manager/kube-proxy metrics, so those scrapes and
 * their rules are off (they would only raise TargetDown).
 */
export class KubePrometheusStack extends Construct {
  readonly install: HelmChartInstall<KubePrometheusStackValues>;
  readonly values: KubePrometheusStackValues;
  readonly releaseName: string;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps) {
    super(scope, id);
    const p = props.profile;
    const c = p.components;
    this.releaseName = props.releaseName ?? 'kube-prometheus-stack';
    // The toolkit's objects and the charts' own monitors (Helm-managed: kubelet,
    // kube-state-metrics, node exporter, …) are selected; nothing else.
    const selector: Selector = { matchExpressions: [{ key: LABELS.managedBy, operator: 'In', values: [...SELECTED_MANAGERS] }] };
    const inNamespaces = (ns: readonly string[]): NamespaceSelector => ({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...new Set(ns)].sort() }],
    });
    const antiAffinity = p.ha.antiAffinity ? 'hard' : '';
    const pdb = (replicas: number) => ({ enabled: p.ha.podDisruptionBudgets && replicas > 1, minAvailable: 1 });
    const storage = p.retention.metricsStorage;
    // The node exporter's chart puts its ServiceMonitor beside it.
    const ownNamespaces = inNamespaces([...props.monitorNamespaces, props.namespace, props.nodeExporterNamespace]);
    this.values = {
      crds: { enabled: true },
      defaultRules: { create: true, rules: { etcd: false, kubeControllerManager: false, kubeProxy: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, windows: false } },
      kubeEtcd: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeProxy: { enabled: false },
      windowsMonitoring: { enabled: false },
      nodeExporter: { enabled: props.nodeExporter ?? true },
      prometheusOperator: { resources: OPERATOR, prometheusConfigReloader: { resources: CONFIG_RELOADER } },
      prometheus: {
        podDisruptionBudget: pdb(c.prometheus.replicas),
        prometheusSpec: {
          replicas: c.prometheus.replicas,
          resources: c.prometheus.resources,
          retention: `${p.retention.metricsDays}d`,
          // Without a volume, cap the TSDB so an emptyDir cannot fill the node's disk.
          ...(storage === null && { retentionSize: '1GB' }),
          storageSpec: storage === null ? {} : { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: String(storage) } } } } },
          externalLabels: props.externalLabels,
          podAntiAffinity: antiAffinity,
          ruleSelectorNilUsesHelmValues: false,
          ruleSelector: selector,
          ruleNamespaceSelector: ownNamespaces,
          serviceMonitorSelectorNilUsesHelmValues: false,
          serviceMonitorSelector: selector,
          serviceMonitorNamespaceSelector: ownNamespaces,
          podMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelector: selector,
          podMonitorNamespaceSelector: ownNamespaces,
          securityContext: { ...RESTRICTED_POD_VALUES, runAsUser: 1000, fsGroup: 2000 },
        },
      },
      alertmanager: {
        podDisruptionBudget: pdb(c.alertmanager.replicas),
        alertmanagerSpec: {
          replicas: c.alertmanager.replicas,
          resources: c.alertmanager.resources,
          retention: `${Math.min(p.retention.metricsDays, 5) * 24}h`,
          podAntiAffinity: antiAffinity,
          alertmanagerConfiguration: { name: props.alertmanagerConfigName },
          alertmanagerConfigSelector: selector,
          alertmanagerConfigNamespaceSelector: inNamespaces([props.namespace]),
          securityContext: { ...RESTRICTED_POD_VALUES, runAsUser: 1000, fsGroup: 2000 },
        },
      },
      grafana: {
        enabled: true,
        defaultDashboardsEnabled: props.defaultDashboards ?? true,
        defaultDashboardsTimezone: 'utc',
        replicas: c.grafana.replicas,
        resources: c.grafana.resources,
        ...(p.ha.podDisruptionBudgets && c.grafana.replicas > 1 && { podDisruptionBudget: { minAvailable: 1 } }),
        // Soft: Grafana keeps serving from one node; spreading only helps when there are several.
        ...(p.ha.antiAffinity &&
          c.grafana.replicas > 1 && {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } } },
                ],
              },
            },
          }),
        securityContext: { ...RESTRICTED_POD_VALUES, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
        containerSecurityContext: RESTRICTED_CONTAINER_VALUES,
        sidecar: {
          resources: GRAFANA_SIDECAR,
          securityContext: RESTRICTED_CONTAINER_VALUES,
          dashboards: {
            enabled: true,
            label: GRAFANA_DASHBOARD_LABEL.key,
            labelValue: GRAFANA_DASHBOARD_LABEL.value,
            // Only the platform's own dashboards: tenants cannot inject into the shared Grafana.
            searchNamespace: props.namespace,
            provider: { allowUiUpdates: false },
          },
          datasources: { enabled: true, uid: PROMETHEUS_DATASOURCE_UID },
        },
      },
      'kube-state-metrics': { resources: KUBE_STATE_METRICS, securityContext: RESTRICTED_POD_VALUES, containerSecurityContext: RESTRICTED_CONTAINER_VALUES },
      'prometheus-node-exporter': { namespaceOverride: props.nodeExporterNamespace, resources: NODE_EXPORTER },
    };
    this.install = new HelmChartInstall(this, 'Install', {
      chart: KUBE_PROMETHEUS_STACK_CHART,
      releaseName: this.releaseName,
      namespace: props.namespace,
      values: this.values,
      // The chart ships the Prometheus Operator CRDs and an admission webhook: first installs are slow.
      timeout: '15m',
    });
  }
}
