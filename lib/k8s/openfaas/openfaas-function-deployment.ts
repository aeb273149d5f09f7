import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';
import { OPENFAAS_CE_LIMITS, openfaasCeProblems, type CeProblem } from './limits';
import { OpenFaaSFunctionBase, type OpenFaaSFunctionProps, type OpenFaaSRetries } from './openfaas-function';
import { DNS_1123_LABEL } from '../../core/naming';

/*
 * The contract with faas-netes, OpenFaaS Community Edition's provider (read at faas-netes
 * 0.18.17, commit 662ce9ce, the provider of chart openfaas 15.0.6): what it writes for
 * `faas-cli deploy` (pkg/handlers/deploy.go, pkg/k8s/{secrets,securityContext,probes}.go) and
 * what it reads back (pkg/handlers/reader.go, pkg/k8s/function_status.go, pkg/k8s/proxy.go).
 * - A function is a Deployment in the function namespace whose pod template carries the label
 *   `faas_function: <name>`; the gateway lists exactly those (`faas_function` exists) and reads
 *   name, spec.replicas, the first container's image, env `fprocess`, requests/limits, the pod
 *   template's labels and annotations, and the secrets of the projected volume
 *   `<name>-projected-secrets`. Deployment labels and selector: `faas_function: <name>`.
 * - Invocations go to the Endpoints of the Service named `<name>` in the function namespace, on
 *   port 8080 (fixed in the provider): the container listens on 8080, port name `http`.
 * - Scaling labels on the pod template: `com.openfaas.scale.min` / `.max` (CE refuses
 *   `.zero`, `.zero-duration`, `.target`, `.type` and min/max above 5); annotations are copied
 *   to Deployment, pod template and Service, with `prometheus.io.scrape: "false"` unless set.
 * - Secrets: one projected volume `<name>-projected-secrets`, one secret source per Secret,
 *   mounted read-only at /var/openfaas/secrets (a file per key); read-only root filesystem with
 *   an emptyDir `temp` at /tmp; HTTP probes GET /_/health on 8080 (chart `functions` probe
 *   timings); rolling update with maxUnavailable 0, maxSurge 1; revisionHistoryLimit 10.
 * - Replicas: faas-netes creates the Deployment with `scale.min` replicas and from then on owns
 *   `spec.replicas` (the gateway's scaling alerts update it; its informer raises 0 to 1 and
 *   lowers more than 5 to 5). So the rendered Deployment sets no `replicas` when the function
 *   scales (min < max): the API server starts it at 1 and Flux or Pulumi never reset what the
 *   gateway scaled to. A fixed-size function (min = max) sets `replicas` itself: nothing else
 *   changes it.
 * Beyond what faas-netes writes, the pod runs as the tenant's ServiceAccount without an API
 * token and with the restricted security context (non-root, no privilege escalation, all
 * capabilities dropped, seccomp RuntimeDefault), and the objects carry the toolkit's labels.
 */

/** Port faas-netes sends invocations to (the watchdog's), fixed in the provider. */
export const OPENFAAS_WATCHDOG_PORT = 8080;
/** Where faas-netes mounts a function's secrets (a file per key). */
export const OPENFAAS_SECRETS_MOUNT = '/var/openfaas/secrets';
/** UID the chart's `functions.setNonRootUser` runs functions as. */
const FUNCTION_UID = 12000;
// Chart openfaas 15.0.6 values `functions.readinessProbe` / `livenessProbe`, which faas-netes uses.
const PROBE = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 2, successThreshold: 1, failureThreshold: 3 } as const;

export interface OpenFaaSFunctionDeploymentProps extends OpenFaaSFunctionProps {
  /** ServiceAccount in the function namespace the pods run as (no API token is mounted). */
  readonly serviceAccountName: string;
  /**
   * Keys of each Secret to mount (`/var/openfaas/secrets/<key>`), by Secret name; a Secret not
   * listed here has every key mounted, as faas-netes does. @default every key of every Secret
   */
  readonly secretKeys?: Readonly<Record<string, readonly string[]>>;
  /** Prefer nodes without another pod of this function (soft pod anti-affinity on the host name). @default false */
  readonly spreadAcrossNodes?: boolean;
}

/**
 * An OpenFaaS Community Edition function as faas-netes itself creates it for
 * `faas-cli deploy`: a Deployment and a Service named after the function in the function
 * namespace, with the labels, annotations, probes, secret volume and writable /tmp the
 * provider writes and reads (see the contract above), so the CE gateway lists, invokes (sync
 * and async) and scales it without the Pro operator or its Function CRD. Pro-only features
 * (scale to zero, scale target/type, retries, the kafka-connector, Profiles, more than 5
 * replicas) are refused.
 */
export class OpenFaaSFunctionDeployment extends OpenFaaSFunctionBase {
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;
  /** Replicas the function keeps while idle (`com.openfaas.scale.min`). */
  readonly minReplicas: number;

  constructor(scope: Construct, id: string, props: OpenFaaSFunctionDeploymentProps) {
    super(scope, id, props, 'OpenFaaSFunctionDeployment');
    const p = this.parts;
    if (!DNS_1123_LABEL.test(props.serviceAccountName)) fail(`${this.where}.serviceAccountName`, props.serviceAccountName, 'must be a ServiceAccount name (DNS-1123 label)');
    for (const s of Object.keys(props.secretKeys ?? {})) {
      if (!p.secrets.includes(s)) fail(`${this.where}.secretKeys.${s}`, props.secretKeys![s], `names a Secret the function does not use (secrets: ${p.secrets.join(', ') || 'none'})`);
    }
    const min = Number(p.labels['com.openfaas.scale.min']);
    const max = Number(p.labels['com.openfaas.scale.max']);
    this.minReplicas = min;

    // faas-netes' default; the same object addSchedule adds to, resolved at synth time.
    if (this.annotations['prometheus.io.scrape'] === undefined) this.annotations['prometheus.io.scrape'] = 'false';
    const annotations = this.annotations;
    const meta = (extra: Record<string, string> = {}) => ({
      name: this.name,
      namespace: this.namespace,
      labels: { faas_function: this.name, [LABELS.managedBy]: MANAGED_BY, [LABELS.function]: this.name, ...(p.tenant && { [LABELS.tenant]: p.tenant }), ...extra },
      annotations,
    });
    const quantities = (r?: { cpu?: string; memory?: string }) => r && Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (v === undefined ? [] : [[k, k8s.Quantity.fromString(v)]])));
    const secretVolume = `${this.name}-projected-secrets`;
    const probe: k8s.Probe = { httpGet: { path: '/_/health', port: k8s.IntOrString.fromNumber(OPENFAAS_WATCHDOG_PORT) }, ...PROBE };
    const env = Object.entries(p.environment)
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const nodeSelector = Object.fromEntries(p.constraints.map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta(),
      spec: {
        // Owned by faas-netes once the function scales (see above); fixed-size functions set it.
        ...(min === max && { replicas: min }),
        selector: { matchLabels: { faas_function: this.name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        revisionHistoryLimit: 10,
        template: {
          metadata: { name: this.name, labels: { faas_function: this.name, ...p.labels }, annotations },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: FUNCTION_UID, runAsGroup: FUNCTION_UID, fsGroup: FUNCTION_UID, seccompProfile: { type: 'RuntimeDefault' } },
            ...(Object.keys(nodeSelector).length > 0 && { nodeSelector }),
            ...(props.spreadAcrossNodes && {
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { faas_function: this.name } } } },
                  ],
                },
              },
            }),
            containers: [
              {
                name: this.name,
                image: p.image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: OPENFAAS_WATCHDOG_PORT, protocol: 'TCP' }],
                env,
                ...((p.requests || p.limits) && { resources: { ...(p.requests && { requests: quantities(p.requests) }), ...(p.limits && { limits: quantities(p.limits) }) } }),
                livenessProbe: probe,
                readinessProbe: probe,
                securityContext: {
                  readOnlyRootFilesystem: p.readOnlyRootFilesystem,
                  allowPrivilegeEscalation: false,
                  runAsNonRoot: true,
                  runAsUser: FUNCTION_UID,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  ...(p.readOnlyRootFilesystem ? [{ name: 'temp', mountPath: '/tmp', readOnly: false }] : []),
                  ...(p.secrets.length > 0 ? [{ name: secretVolume, mountPath: OPENFAAS_SECRETS_MOUNT, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              ...(p.readOnlyRootFilesystem ? [{ name: 'temp', emptyDir: {} }] : []),
              ...(p.secrets.length > 0
                ? [
                    {
                      name: secretVolume,
                      projected: {
                        sources: p.secrets.map((name) => {
                          const keys = props.secretKeys && Object.hasOwn(props.secretKeys, name) ? props.secretKeys[name] : undefined;
                          return { secret: { name, ...(keys && { items: [...new Set(keys)].sort().map((key) => ({ key, path: key })) }) } };
                        }),
                      },
                    },
                  ]
                : []),
            ],
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta(),
      spec: {
        type: 'ClusterIP',
        selector: { faas_function: this.name },
        ports: [{ name: 'http', protocol: 'TCP', port: OPENFAAS_WATCHDOG_PORT, targetPort: k8s.IntOrString.fromNumber(OPENFAAS_WATCHDOG_PORT) }],
      },
    });
  }

  protected defaultMaxReplicas(): number {
    return OPENFAAS_CE_LIMITS.maxReplicas;
  }

  protected editionProblems(props: OpenFaaSFunctionProps): CeProblem[] {
    return openfaasCeProblems({ scaling: props.scaling, retries: props.retries, annotations: props.annotations, profile: props.profile });
  }

  /** Invoke on a cron schedule (UTC) through the cron-connector, which is Community Edition too. */
  addSchedule(cron: string): this {
    super.addSchedule(cron);
    // The pod template shares the annotations object; object metadata keeps its own copy.
    for (const o of [this.deployment, this.service]) for (const k of ['topic', 'schedule']) o.metadata.addAnnotation(k, this.annotations[k]);
    return this;
  }

  /** The kafka-connector is OpenFaaS Pro: refused on Community Edition. */
  addKafkaTopic(topic: string): this {
    const problem = openfaasCeProblems({ kafkaTopics: [topic] })[0];
    fail(`${this.where}.topic`, topic, `${problem.message}; use OpenFaaS Pro (OpenFaaSFunction) or a Knative KafkaSource`);
  }

  /** Per-function retries are OpenFaaS Pro: refused on Community Edition. */
  setRetries(r: OpenFaaSRetries): this {
    const problem = openfaasCeProblems({ retries: r })[0];
    fail(`${this.where}.retries`, r, problem.message);
  }
}
