import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  Service,
  ServiceSpecTemplateSpecContainersResourcesLimits as Limits,
  ServiceSpecTemplateSpecContainersResourcesRequests as Requests,
  type ServiceSpecTemplateSpecContainersEnv,
  ServiceSpecTemplateSpecContainersLivenessProbeHttpGetPort as LivenessPort,
  ServiceSpecTemplateSpecContainersReadinessProbeHttpGetPort as ReadinessPort,
  type ServiceSpecTraffic,
} from '../../imports/knative-service-serving.knative.dev';
import { fail, SpecError } from '../../core/errors';
import { naming, DNS_1035_LABEL } from '../../core/naming';
import { KNATIVE_LIMITS, serviceNameProblem, trafficProblems, type AutoscalingSettings, type TrafficEntry } from './limits';
import { restrictedContainerSecurityContext } from '../common/security';
import { autoscalingAnnotations } from './autoscaling';
import { findInApp, type IEventDestination, type KReference } from './destination';
import { requestsAboveLimits, type ResourceAmounts } from '../../core/quantity';

export type { TrafficEntry } from './limits';

/** The label Knative puts on every pod of a service's revisions. */
const SERVICE_LABEL = 'serving.knative.dev/service';

/** Soft anti-affinity between the pods of one service, per node. */
function spreadAcrossNodes(service: string) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { [SERVICE_LABEL]: service } } } }],
    },
  };
}

/** An HTTP probe of the function's container (queue-proxy runs it against the container port). */
export interface HttpProbe {
  /** HTTP path probed on the container port. */
  readonly path: string;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 (Kubernetes) */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** Ports queue-proxy and Knative's probes use inside every revision pod: the webhook rejects them. */
export const RESERVED_PORTS = [8008, 8012, 8013, 8022, 9090, 9091] as const;
/** Variables Knative sets itself. */
export const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'] as const;

export type { ResourceAmounts };

export interface KnativeServiceProps {
  /** Service name (DNS label; revisions are named `<name>-<suffix>`). */
  readonly name: string;
  /** Namespace (the tenant). */
  readonly namespace: string;
  /** Container image. */
  readonly image: string;
  /** Port the container listens on. @default 8080 */
  readonly port?: number;
  /** Plain environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables from secrets, by reference. @default [] */
  readonly secretEnv?: readonly { readonly name: string; readonly secret: string; readonly key: string }[];
  /** Container resources. @default none (the namespace's LimitRange applies) */
  readonly resources?: { readonly requests?: ResourceAmounts; readonly limits?: ResourceAmounts };
  /** HTTP readiness probe on the container port. @default Knative's TCP probe */
  readonly readinessProbe?: HttpProbe;
  /** HTTP liveness probe on the container port. @default none */
  readonly livenessProbe?: HttpProbe;
  /** Requests a replica handles at once; 0 = unlimited. @default 0 */
  readonly containerConcurrency?: number;
  /** Request timeout. @default Knative's (300s) */
  readonly timeoutSeconds?: number;
  /** Service account the pods run as. @default 'functions' (the tenant's function account) */
  readonly serviceAccountName?: string;
  /** Reachable only inside the cluster. @default false */
  readonly clusterLocal?: boolean;
  /** Autoscaling, checked as Knative's webhook checks it. @default Knative's (KPA on concurrency) */
  readonly autoscaling?: AutoscalingSettings;
  /** Full name of the revision this template creates (`<name>-<suffix>`). @default generated */
  readonly revisionName?: string;
  /** Traffic split (percents sum to 100). @default 100% to the latest revision */
  readonly traffic?: readonly TrafficEntry[];
  /** Extra labels on the Service. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Prefer nodes without another pod of this service (a soft pod anti-affinity on the node's
   * host name: Knative may scale past the node count). Needs the KnativeServing feature
   * `kubernetes.podspec-affinity` enabled. @default false
   */
  readonly spreadAcrossNodes?: boolean;
}

function probe<P>(p: HttpProbe, port: P) {
  // Always the container port: Knative rejects probes on any other port of the user container.
  return {
    httpGet: { path: p.path, port },
    ...(p.initialDelaySeconds !== undefined && { initialDelaySeconds: p.initialDelaySeconds }),
    ...(p.periodSeconds !== undefined && { periodSeconds: p.periodSeconds }),
    ...(p.timeoutSeconds !== undefined && { timeoutSeconds: p.timeoutSeconds }),
    ...(p.failureThreshold !== undefined && { failureThreshold: p.failureThreshold }),
  };
}

function amounts<T>(r: ResourceAmounts | undefined, make: (v: string) => T): Record<string, T> | undefined {
  if (!r) return undefined;
  const out: Record<string, T> = {};
  if (r.cpu !== undefined) out.cpu = make(String(r.cpu));
  if (r.memory !== undefined) out.memory = make(String(r.memory));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A Knative Service (`serving.knative.dev/v1`): one container, restricted security context,
 * the tenant's function service account, typed autoscaling and traffic.
 */
export class KnativeService extends Construct implements IEventDestination {
  /**
   * The KnativeService of that name and namespace in this App — a reference by name that is
   * checked: pointing at a service that does not exist is a SpecError, not YAML.
   */
  static lookup(scope: Construct, namespace: string, name: string, where: string): KnativeService {
    const all = findInApp(scope, KnativeService);
    const found = all.find((s) => s.namespace === namespace && s.name === name);
    if (!found) {
      const known = all.filter((s) => s.namespace === namespace).map((s) => s.name);
      fail(where, `${namespace}/${name}`, `no Knative Service "${name}" in namespace "${namespace}"; services there: ${known.join(', ') || '(none)'}`);
    }
    return found;
  }

  readonly name: string;
  readonly namespace: string;
  readonly apiObject: Service;
  /** In-cluster URL (cluster-local domain). */
  readonly url: string;
  /** The revision template's annotations as written (autoscaling). */
  readonly templateAnnotations: Readonly<Record<string, string>>;
  /** The container's requests as written (undefined: the namespace's LimitRange default applies). */
  readonly requests?: ResourceAmounts;
  /** Secrets the container reads (`secretEnv`), by name, sorted: what the tenant's admission policy must grant. */
  readonly secretNames: readonly string[];
  private readonly where: string;
  private readonly trafficList: ServiceSpecTraffic[] = [];

  constructor(scope: Construct, id: string, props: KnativeServiceProps) {
    super(scope, id);
    const where = `KnativeService(${props.namespace}/${props.name})`;
    this.where = where;
    this.secretNames = [...new Set((props.secretEnv ?? []).map((s) => s.secret))].sort();
    if (!DNS_1035_LABEL.test(props.name) || props.name.length > 63) fail(`${where}.name`, props.name, 'must be a DNS-1123 label of at most 63 characters');
    const nameProblem = serviceNameProblem(props.name);
    if (nameProblem) fail(`${where}.name`, props.name, nameProblem);
    if (!DNS_1035_LABEL.test(props.namespace)) fail(`${where}.namespace`, props.namespace, 'must be a DNS-1123 label');
    if (!props.image || /\s/.test(props.image)) fail(`${where}.image`, props.image, 'must be a container image reference');
    const port = props.port ?? 8080;
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${where}.port`, port, 'must be a port number from 1 to 65535');
    if ((RESERVED_PORTS as readonly number[]).includes(port)) fail(`${where}.port`, port, `is reserved by Knative's queue-proxy (${RESERVED_PORTS.join(', ')}); use another port such as 8080`);
    const cc = props.containerConcurrency;
    if (cc !== undefined && (!Number.isInteger(cc) || cc < 0 || cc > KNATIVE_LIMITS.containerConcurrencyMax)) {
      fail(`${where}.containerConcurrency`, cc, `must be a whole number from 0 (unlimited) to ${KNATIVE_LIMITS.containerConcurrencyMax}`);
    }
    const timeout = props.timeoutSeconds;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > KNATIVE_LIMITS.maxRevisionTimeoutSeconds)) {
      fail(`${where}.timeoutSeconds`, timeout, `must be from 1 to ${KNATIVE_LIMITS.maxRevisionTimeoutSeconds} (max-revision-timeout-seconds)`);
    }
    for (const name of [...Object.keys(props.env ?? {}), ...(props.secretEnv ?? []).map((s) => s.name)]) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`${where}.env.${name}`, name, 'must be a C identifier');
      if ((RESERVED_ENV as readonly string[]).includes(name)) fail(`${where}.env.${name}`, name, `is set by Knative itself (${RESERVED_ENV.join(', ')})`);
    }
    if (props.revisionName !== undefined && props.revisionName.length > 63)
      fail(`${where}.revisionName`, props.revisionName, `is ${props.revisionName.length} characters; Knative revision names (label values) are at most 63`);
    if (props.revisionName !== undefined && (!props.revisionName.startsWith(`${props.name}-`) || !DNS_1035_LABEL.test(props.revisionName))) {
      fail(`${where}.revisionName`, props.revisionName, `must be "${props.name}-<suffix>" (a DNS label): Knative names revisions after their service`);
    }
    this.name = props.name;
    this.namespace = props.namespace;
    this.url = `http://${props.name}.${props.namespace}.svc.cluster.local`;

    const annotations = props.autoscaling ? autoscalingAnnotations(`${where}.autoscaling`, props.autoscaling) : {};
    this.templateAnnotations = annotations;
    this.requests = props.resources?.requests;
    const env: ServiceSpecTemplateSpecContainersEnv[] = [
      ...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      ...(props.secretEnv ?? []).map((s) => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secret, key: s.key } } })),
    ];
    for (const x of requestsAboveLimits(props.resources?.requests, props.resources?.limits)) {
      fail(`${where}.resources.requests.${x.resource}`, x.request, `is above limits.${x.resource} ${x.limit}; the API server refuses a container whose request exceeds its limit`);
    }
    const requests = amounts(props.resources?.requests, (v) => Requests.fromString(v));
    const limits = amounts(props.resources?.limits, (v) => Limits.fromString(v));
    if (props.traffic) this.setTraffic(props.traffic);

    const trafficList = this.trafficList;
    this.apiObject = new Service(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: {
          ...props.labels,
          // Knative reads this label to keep the service off the external gateway.
          ...(props.clusterLocal && { 'networking.knative.dev/visibility': 'cluster-local' }),
        },
      },
      spec: {
        // Read at synthesis, so canary() after construction shows up; absent (not []) means
        // Knative's default of 100% to the latest revision.
        get traffic() {
          return trafficList.length > 0 ? trafficList : undefined;
        },
        template: {
          metadata: {
            ...(props.revisionName && { name: props.revisionName }),
            ...(Object.keys(annotations).length > 0 && { annotations }),
            ...(props.labels && { labels: { ...props.labels } }),
          },
          spec: {
            serviceAccountName: props.serviceAccountName ?? naming.functionServiceAccount,
            ...(props.spreadAcrossNodes && { affinity: spreadAcrossNodes(props.name) }),
            ...(cc !== undefined && { containerConcurrency: cc }),
            ...(timeout !== undefined && { timeoutSeconds: timeout }),
            containers: [
              {
                image: props.image,
                ports: [{ containerPort: port }],
                ...(env.length > 0 && { env }),
                ...((requests || limits) && { resources: { ...(requests && { requests }), ...(limits && { limits }) } }),
                ...(props.readinessProbe && { readinessProbe: probe(props.readinessProbe, ReadinessPort.fromNumber(port)) }),
                ...(props.livenessProbe && { livenessProbe: probe(props.livenessProbe, LivenessPort.fromNumber(port)) }),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
  }

  /**
   * A PodDisruptionBudget over the service's pods (every revision's): a node drain evicts at
   * most one at a time, so a service kept at two or more replicas (min-scale) keeps serving.
   */
  addDisruptionBudget(): k8s.KubePodDisruptionBudget {
    if (this.node.tryFindChild('Pdb')) fail(`${this.where}.addDisruptionBudget`, this.name, 'the service has a PodDisruptionBudget already');
    return new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { [SERVICE_LABEL]: this.name } } },
    });
  }

  /** How Knative eventing objects point at this service. */
  get ref(): KReference {
    return { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: this.name, namespace: this.namespace };
  }

  /** The current traffic split (empty: 100% to the latest revision). */
  get traffic(): readonly TrafficEntry[] {
    return this.trafficList.map((t) => ({ ...t, percent: t.percent ?? 0 }));
  }

  /** Replaces the traffic split; checked as Knative's webhook checks it. */
  setTraffic(traffic: readonly TrafficEntry[]): this {
    const problems = trafficProblems(this.name, traffic);
    if (problems.length > 0) {
      throw new SpecError(
        problems.map((p) => ({
          path: `${this.where}.traffic${p.index === undefined ? '' : `[${p.index}]`}${p.field ? `.${p.field}` : ''}`,
          value: p.value,
          message: p.message,
        })),
        'Invalid construct props',
      );
    }
    this.trafficList.splice(0, this.trafficList.length, ...traffic.map((t) => ({ ...t })));
    return this;
  }

  /**
   * Canary release: `percent` of requests to `revision` (tag `canary`), the rest to the
   * stable revision (tag `stable`), and the latest revision reachable by tag `latest` at 0%.
   * @param options.stable the revision that keeps the rest @default the revision currently receiving 100%
   */
  canary(revision: string, percent: number, options: { readonly stable?: string } = {}): this {
    const current = this.trafficList.filter((t) => (t.percent ?? 0) > 0);
    const stable = options.stable ?? (current.length === 1 && current[0].revisionName ? current[0].revisionName : undefined);
    if (!stable) {
      fail(`${this.where}.canary`, revision, 'needs a stable revision: pass { stable: "<name>-<suffix>" } or route 100% to a named revision first');
    }
    if (stable === revision) fail(`${this.where}.canary`, revision, 'the canary and the stable revision must differ');
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) fail(`${this.where}.canary.percent`, percent, 'must be a whole number from 0 to 100');
    return this.setTraffic([
      { revisionName: stable, percent: 100 - percent, tag: 'stable' },
      { revisionName: revision, percent, tag: 'canary' },
      { latestRevision: true, percent: 0, tag: 'latest' },
    ]);
  }
}
