import type { KubeObject } from '../../../lib/cluster/kubectl';

/**
 * The Deployments the backends' controllers would create for the toolkit's functions, so the
 * real API server admits (or refuses) the pods they create: Pod Security of the namespace,
 * LimitRanger, ResourceQuota and the ServiceAccount admission. Knative and the OpenFaaS
 * operator are not running here; what they add to a pod is modelled from their source:
 *
 * - Knative Serving: the revision Deployment runs the Service's pod spec plus the
 *   `queue-proxy` sidecar, with the KnativeServing `config.deployment` resources and the
 *   restricted security context Knative gives it; `max(min-scale, initial-scale)` pods, where
 *   initial-scale defaults to config-autoscaler's `initial-scale` (the toolkit sets 0; Knative's own default is 1).
 * - OpenFaaS (operator/faas-netes): one container with the Function's image, environment,
 *   requests and limits, a read-only root with allowPrivilegeEscalation false, the chart's
 *   non-root user 12000, the Profile's pod security context; `com.openfaas.scale.min` pods.
 */
export function controllerWorkloads(objects: readonly KubeObject[]): KubeObject[] {
  const serving = objects.find((o) => o.kind === 'KnativeServing');
  const deploymentConfig: Record<string, string> = serving?.spec?.config?.deployment ?? {};
  const autoscalerConfig: Record<string, string> = serving?.spec?.config?.autoscaler ?? {};
  const profiles = new Map(objects.filter((o) => o.kind === 'Profile' && o.apiVersion.startsWith('openfaas.com/')).map((p) => [p.metadata.name, p]));
  const out: KubeObject[] = [];
  for (const o of objects) {
    if (o.apiVersion === 'serving.knative.dev/v1' && o.kind === 'Service') out.push(knativeRevision(o, deploymentConfig, autoscalerConfig));
    if (o.apiVersion.startsWith('openfaas.com/') && o.kind === 'Function') out.push(openfaasFunction(o, profiles));
  }
  return out;
}

function deployment(name: string, namespace: string, replicas: number, labels: Record<string, string>, podSpec: any): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { 'hybrid-serverless.test/simulated': 'true' } },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

function knativeRevision(svc: KubeObject, config: Record<string, string>, autoscaler: Record<string, string>): KubeObject {
  const { containerConcurrency, timeoutSeconds, responseStartTimeoutSeconds, idleTimeoutSeconds, ...podSpec } = svc.spec.template.spec;
  const ann = svc.spec.template.metadata?.annotations ?? {};
  const min = Number(ann['autoscaling.knative.dev/min-scale'] ?? autoscaler['min-scale'] ?? 0);
  const initial = Number(ann['autoscaling.knative.dev/initial-scale'] ?? autoscaler['initial-scale'] ?? 1);
  const amounts = (kind: 'request' | 'limit') =>
    Object.fromEntries(
      (['cpu', 'memory'] as const).flatMap((r) => {
        const v = config[`queue-sidecar-${r}-${kind}`] ?? (kind === 'request' && r === 'cpu' ? '25m' : undefined);
        return v === undefined ? [] : [[r, v]];
      }),
    );
  const queueProxy = {
    name: 'queue-proxy',
    image: 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.23.0',
    ports: [
      { containerPort: 8012, name: 'http1' },
      { containerPort: 9090, name: 'http-usermetric' },
    ],
    resources: { requests: amounts('request'), ...(Object.keys(amounts('limit')).length > 0 && { limits: amounts('limit') }) },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  const containers = podSpec.containers.map((c: any, i: number) => ({ name: c.name ?? (i === 0 ? 'user-container' : `container-${i}`), ...c }));
  const labels = { 'serving.knative.dev/service': svc.metadata.name };
  return deployment(`${svc.metadata.name}-00001-deployment`, svc.metadata.namespace!, Math.max(min, initial), labels, {
    ...podSpec,
    enableServiceLinks: false,
    containers: [...containers, queueProxy],
  });
}

function openfaasFunction(fn: KubeObject, profiles: Map<string, KubeObject>): KubeObject {
  const s = fn.spec;
  const profile = profiles.get(s.annotations?.['com.openfaas.profile']);
  const min = Number(s.labels?.['com.openfaas.scale.min'] ?? 1);
  const container = {
    name: s.name,
    image: s.image,
    env: Object.entries(s.environment ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    resources: { ...(s.requests && { requests: s.requests }), ...(s.limits && { limits: s.limits }) },
    securityContext: { readOnlyRootFilesystem: s.readOnlyRootFilesystem === true, allowPrivilegeEscalation: false, runAsUser: 12000 },
    ...(s.readOnlyRootFilesystem && { volumeMounts: [{ name: 'temp', mountPath: '/tmp' }] }),
  };
  return deployment(
    s.name,
    fn.metadata.namespace!,
    min,
    { faas_function: s.name },
    {
      containers: [container],
      ...(s.readOnlyRootFilesystem && { volumes: [{ name: 'temp', emptyDir: {} }] }),
      ...(profile?.spec.podSecurityContext && { securityContext: profile.spec.podSecurityContext }),
      ...(profile?.spec.runtimeClassName && { runtimeClassName: profile.spec.runtimeClassName }),
      ...(profile?.spec.tolerations && { tolerations: profile.spec.tolerations }),
      ...(profile?.spec.affinity && { affinity: profile.spec.affinity }),
    },
  );
}
