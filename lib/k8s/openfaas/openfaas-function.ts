import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CronExpressionParser } from 'cron-parser';
import { Function as FunctionCr } from '../../imports/openfaas-function-openfaas.com';
import { fail } from '../../core/errors';
import { isQuantity, requestsAboveLimits } from '../../core/quantity';
import { isGoDuration } from '../../core/duration';
import { OPENFAAS_NODE_CONSTRAINT, watchdogTimeouts, type CeProblem } from './limits';
import { SYSTEM_NAMESPACES } from '../common/namespaces';
import { LABELS, MANAGED_BY } from '../common/labels';
import type { Resources } from './chart-values';
import { DNS_1123_LABEL, DNS_SUBDOMAIN, LABEL_VALUE, QUALIFIED_NAME } from '../../core/naming';

/** How OpenFaaS scales a function (`com.openfaas.scale.*` labels). */
export interface OpenFaaSScaling {
  /** Replicas kept when the function is in use. @default 1 */
  readonly min?: number;
  /** @default 20 (OpenFaaS' default); 5 on Community Edition (its maximum) */
  readonly max?: number;
  /** Target per replica of `type`. @default the autoscaler's default (50) */
  readonly target?: number;
  /** `rps`, `capacity` (in-flight requests) or `cpu` (millicores). @default the autoscaler's default */
  readonly type?: 'rps' | 'capacity' | 'cpu';
  /** Scale to zero when idle for `zeroDuration`. @default false */
  readonly zero?: boolean;
  /** Idle time before scaling to zero. @default '15m' */
  readonly zeroDuration?: string;
}

/** Retries of failed async invocations of this function (`com.openfaas.retry.*`). */
export interface OpenFaaSRetries {
  /** Attempts after the first one. */
  readonly attempts: number;
  /** Shortest wait between attempts, Go duration. */
  readonly minWait: string;
  /** Longest wait between attempts, Go duration. */
  readonly maxWait: string;
  /** HTTP status codes to retry. @default 408, 429, 500, 502, 503, 504 */
  readonly codes?: readonly number[];
}

export interface OpenFaaSFunctionProps {
  /** Function name: the Function's name and `/function/<name>` on the gateway. */
  readonly name: string;
  /** The install's function namespace. @default 'openfaas-fn' */
  readonly namespace?: string;
  readonly image: string;
  /** Tenant that owns the function: labelled on the Function and its pods, since tenants share the function namespace. @default none */
  readonly tenant?: string;
  /** Plain environment variables. @default {} */
  readonly environment?: Record<string, string>;
  /** Handler timeout: sets the watchdog's exec_timeout, read_timeout and write_timeout. @default 30 */
  readonly timeoutSeconds?: number;
  /** @default min 1, max 20, no scale to zero */
  readonly scaling?: OpenFaaSScaling;
  /** Retries of async invocations. @default the queue worker's */
  readonly retries?: OpenFaaSRetries;
  /** Extra pod labels. @default {} */
  readonly labels?: Record<string, string>;
  /** Extra annotations. @default {} */
  readonly annotations?: Record<string, string>;
  /** @default none */
  readonly resources?: Resources;
  /** Secrets in the function namespace, mounted at /var/openfaas/secrets/<key>. @default [] */
  readonly secrets?: readonly string[];
  /** Node constraints, `label=value` (a nodeSelector entry each). @default [] */
  readonly constraints?: readonly string[];
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** OpenFaaS Profile applied to the pods (`com.openfaas.profile`). @default none */
  readonly profile?: string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** The cron-connector's marker: functions with this topic are invoked on their `schedule`. */
export const CRON_TOPIC = 'cron-function';

/** What both renderings of a function share, checked and derived once from the props. */
export interface OpenFaaSFunctionParts {
  readonly image: string;
  /** The function's variables with the watchdog timeouts. */
  readonly environment: Record<string, string>;
  /** Pod labels: scaling, tenant, function and the extra ones. */
  readonly labels: Record<string, string>;
  /** Secret names, sorted and unique. */
  readonly secrets: readonly string[];
  readonly requests?: { cpu?: string; memory?: string };
  readonly limits?: { cpu?: string; memory?: string };
  readonly constraints: readonly string[];
  readonly readOnlyRootFilesystem: boolean;
  readonly tenant?: string;
}

/**
 * The checks and derived values of an OpenFaaS function and its triggers (annotations the
 * connectors read), whatever object carries them: the operator's Function (`OpenFaaSFunction`,
 * Pro) or the Deployment and Service faas-netes reads (`OpenFaaSFunctionDeployment`, CE).
 * @internal
 */
export abstract class OpenFaaSFunctionBase extends Construct {
  readonly name: string;
  readonly namespace: string;
  protected readonly annotations: Record<string, string>;
  protected readonly where: string;
  protected readonly parts: OpenFaaSFunctionParts;
  /** Replicas the function runs between (`min` 0 when it scales to zero). */
  readonly scaleBounds: { readonly min: number; readonly max: number };

  constructor(scope: Construct, id: string, props: OpenFaaSFunctionProps, kind: string) {
    super(scope, id);
    const where = (this.where = `${kind}(${props.name})`);
    if (props.name.length > 63 || !DNS_1123_LABEL.test(props.name)) {
      fail(`${where}.name`, props.name, 'must be a DNS-1123 label of at most 63 characters (lowercase letters, digits and "-"), as OpenFaaS requires for function names');
    }
    const problem = this.editionProblems(props)[0];
    if (problem) fail(`${where}.${problem.field}`, problem.value, problem.message);
    if (!/^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/.test(props.image)) fail(`${where}.image`, props.image, 'must be an image reference such as "ghcr.io/acme/fn:1.2.0"');
    const timeout = props.timeoutSeconds ?? 30;
    if (!Number.isInteger(timeout) || timeout < 1) fail(`${where}.timeoutSeconds`, timeout, 'must be a whole number of seconds ≥ 1');
    for (const key of Object.keys(props.environment ?? {})) {
      if (!ENV_NAME.test(key)) fail(`${where}.environment.${key}`, key, 'must be a valid environment variable name (letters, digits, "-", "_", ".", not starting with a digit)');
      if (key in watchdogTimeouts(1)) fail(`${where}.environment.${key}`, props.environment![key], 'is set from timeoutSeconds; set timeoutSeconds instead');
    }
    for (const s of props.secrets ?? []) if (!DNS_SUBDOMAIN.test(s)) fail(`${where}.secrets`, s, 'must be a Secret name (DNS-1123 subdomain)');
    for (const c of props.constraints ?? [])
      if (!OPENFAAS_NODE_CONSTRAINT.test(c))
        fail(`${where}.constraints`, c, 'must be a node constraint "<label>=<value>" (OpenFaaS maps it to a nodeSelector; "==" and "!=" are not supported), e.g. "kubernetes.io/arch=arm64"');
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(props.resources?.[kind] ?? {})) {
        if (v !== undefined && !isQuantity(v)) fail(`${where}.resources.${kind}.${k}`, v, 'must be a Kubernetes quantity such as "250m" or "128Mi"');
      }
    }
    for (const x of requestsAboveLimits(props.resources?.requests, props.resources?.limits)) {
      fail(`${where}.resources.requests.${x.resource}`, x.request, `is above limits.${x.resource} ${x.limit}; the API server refuses a container whose request exceeds its limit`);
    }

    const labels: Record<string, string> = { ...this.scaleLabels(props.scaling ?? {}) };
    if (props.tenant) labels[LABELS.tenant] = props.tenant;
    labels[LABELS.function] = props.name;
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      if (k in labels) fail(`${where}.labels.${k}`, v, 'is set by the toolkit (scaling, tenant, function); use those props instead');
      labels[k] = v;
    }
    for (const [k, v] of Object.entries(labels)) {
      if (!QUALIFIED_NAME.test(k) || k.split('/').pop()!.length > 63) fail(`${where}.labels`, k, 'label keys must be qualified names ("prefix/name", name ≤ 63 characters)');
      if (v.length > 63 || !LABEL_VALUE.test(v)) fail(`${where}.labels.${k}`, v, 'label values must be ≤ 63 characters of letters, digits, "-", "_", ".", beginning and ending alphanumeric');
    }

    this.annotations = {};
    for (const [k, v] of Object.entries(props.annotations ?? {})) {
      if (!QUALIFIED_NAME.test(k)) fail(`${where}.annotations`, k, 'annotation keys must be qualified names ("prefix/name")');
      if (k === 'topic' || k === 'schedule' || k.startsWith('com.openfaas.retry.') || k === 'com.openfaas.profile') {
        fail(`${where}.annotations.${k}`, v, 'is managed by the construct: use addSchedule, addKafkaTopic, retries or profile');
      }
      this.annotations[k] = v;
    }
    if (props.profile) this.annotations['com.openfaas.profile'] = props.profile;
    if (props.retries) this.setRetries(props.retries);

    this.scaleBounds = { min: labels['com.openfaas.scale.zero'] === 'true' ? 0 : Number(labels['com.openfaas.scale.min']), max: Number(labels['com.openfaas.scale.max']) };
    this.name = props.name;
    this.namespace = props.namespace ?? SYSTEM_NAMESPACES.openfaasFunctions;
    const str = (r?: { cpu?: string; memory?: string }) => (r && (r.cpu || r.memory) ? { ...(r.cpu && { cpu: String(r.cpu) }), ...(r.memory && { memory: String(r.memory) }) } : undefined);
    this.parts = {
      image: props.image,
      environment: { ...props.environment, ...watchdogTimeouts(timeout) },
      labels,
      secrets: [...new Set(props.secrets ?? [])].sort(),
      requests: str(props.resources?.requests),
      limits: str(props.resources?.limits),
      constraints: [...(props.constraints ?? [])],
      readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
      tenant: props.tenant,
    };
  }

  /**
   * A PodDisruptionBudget over the function's pods (label `faas_function`, which the operator
   * and faas-netes both set): a node drain evicts at most one at a time.
   */
  addDisruptionBudget(): k8s.KubePodDisruptionBudget {
    if (this.node.tryFindChild('Pdb')) fail(`${this.where}.addDisruptionBudget`, this.name, 'the function has a PodDisruptionBudget already');
    return new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, namespace: this.namespace, ...(this.parts.tenant && { labels: { [LABELS.tenant]: this.parts.tenant } }) },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { faas_function: this.name } } },
    });
  }

  /** Replicas when `scaling.max` is not set. */
  protected defaultMaxReplicas(): number {
    return 20;
  }

  /** Props this edition cannot honour. @default none */
  protected editionProblems(_props: OpenFaaSFunctionProps): CeProblem[] {
    return [];
  }

  /** Invoke on a cron schedule (UTC) through the cron-connector. */
  addSchedule(cron: string): this {
    const fields = cron.trim().split(/\s+/);
    let error: string | undefined;
    if (fields.length !== 5) error = `must be a 5-field cron expression "min hour day month weekday" (has ${fields.length} fields)`;
    else {
      try {
        CronExpressionParser.parse(cron);
      } catch (e) {
        error = `is not a valid cron expression: ${(e as Error).message}`;
      }
    }
    if (error) fail(`${this.where}.schedule`, cron, error);
    if (this.annotations.schedule !== undefined)
      fail(`${this.where}.schedule`, cron, `the function already runs on "${this.annotations.schedule}"; the cron-connector reads one schedule per function`);
    if (this.annotations.topic !== undefined)
      fail(`${this.where}.schedule`, cron, `the function is already subscribed to Kafka topic(s) "${this.annotations.topic}": both connectors read the "topic" annotation`);
    this.annotations.topic = CRON_TOPIC;
    this.annotations.schedule = fields.join(' ');
    return this;
  }

  /** Invoke for each record of a Kafka topic through the kafka-connector serving that topic. */
  addKafkaTopic(topic: string): this {
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) fail(`${this.where}.topic`, topic, 'must be a Kafka topic name (1–249 letters, digits, ".", "_" or "-")');
    if (this.annotations.schedule !== undefined) fail(`${this.where}.topic`, topic, 'the function runs on a schedule: both connectors read the "topic" annotation');
    const topics = this.annotations.topic ? this.annotations.topic.split(',') : [];
    if (!topics.includes(topic)) topics.push(topic);
    this.annotations.topic = topics.join(',');
    return this;
  }

  /** Retries of failed async invocations of this function. */
  setRetries(r: OpenFaaSRetries): this {
    if (!Number.isInteger(r.attempts) || r.attempts < 0) fail(`${this.where}.retries.attempts`, r.attempts, 'must be a whole number ≥ 0');
    for (const [k, v] of [
      ['minWait', r.minWait],
      ['maxWait', r.maxWait],
    ] as const) {
      if (!isGoDuration(v)) fail(`${this.where}.retries.${k}`, v, 'must be a duration such as "1s" or "2m"');
    }
    for (const c of r.codes ?? []) if (!Number.isInteger(c) || c < 400 || c > 599) fail(`${this.where}.retries.codes`, c, 'must be HTTP error status codes (400–599)');
    this.annotations['com.openfaas.retry.attempts'] = String(r.attempts);
    this.annotations['com.openfaas.retry.min_wait'] = r.minWait;
    this.annotations['com.openfaas.retry.max_wait'] = r.maxWait;
    this.annotations['com.openfaas.retry.codes'] = (r.codes ?? [408, 429, 500, 502, 503, 504]).join(',');
    return this;
  }

  private scaleLabels(s: OpenFaaSScaling): Record<string, string> {
    const w = this.where;
    const min = s.min ?? 1;
    const max = s.max ?? this.defaultMaxReplicas();
    if (!Number.isInteger(min) || min < 1)
      fail(`${w}.scaling.min`, s.min, 'must be a whole number ≥ 1 (OpenFaaS keeps at least one replica while in use; use scaling.zero to scale to zero when idle)');
    if (!Number.isInteger(max) || max < 1) fail(`${w}.scaling.max`, s.max, 'must be a whole number ≥ 1');
    if (min > max) fail(`${w}.scaling.min`, min, `must be ≤ scaling.max (${max})`);
    if (s.target !== undefined && (!Number.isInteger(s.target) || s.target < 1)) fail(`${w}.scaling.target`, s.target, 'must be a whole number ≥ 1');
    if (s.type !== undefined && !['rps', 'capacity', 'cpu'].includes(s.type)) fail(`${w}.scaling.type`, s.type, 'must be one of rps, capacity, cpu');
    if (s.zeroDuration !== undefined && !isGoDuration(s.zeroDuration)) fail(`${w}.scaling.zeroDuration`, s.zeroDuration, 'must be a duration such as "15m"');
    return {
      'com.openfaas.scale.min': String(min),
      'com.openfaas.scale.max': String(max),
      ...(s.target !== undefined && { 'com.openfaas.scale.target': String(s.target) }),
      ...(s.type !== undefined && { 'com.openfaas.scale.type': s.type }),
      ...(s.zero && { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': s.zeroDuration ?? '15m' }),
    };
  }
}

/**
 * An OpenFaaS function (`openfaas.com/v1` Function, reconciled by the OpenFaaS operator, an
 * OpenFaaS Pro feature): image, environment with the watchdog timeouts,
 * `com.openfaas.scale.*` labels, retries, resources, secrets, constraints and a read-only root
 * filesystem by default. Names, labels and annotations are checked as the OpenFaaS API and
 * Kubernetes check them. Triggers are annotations the connectors read: `addSchedule`
 * (cron-connector) or `addKafkaTopic` (kafka-connector).
 */
export class OpenFaaSFunction extends OpenFaaSFunctionBase {
  readonly resource: FunctionCr;

  constructor(scope: Construct, id: string, props: OpenFaaSFunctionProps) {
    super(scope, id, props, 'OpenFaaSFunction');
    const p = this.parts;
    this.resource = new FunctionCr(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.function]: this.name, ...(p.tenant && { [LABELS.tenant]: p.tenant }) },
      },
      spec: {
        name: this.name,
        image: p.image,
        environment: p.environment,
        labels: p.labels,
        // The same object the fluent methods add to: it is resolved at synth time.
        annotations: this.annotations,
        ...(p.requests && { requests: p.requests }),
        ...(p.limits && { limits: p.limits }),
        ...(p.secrets.length > 0 && { secrets: [...p.secrets] }),
        ...(p.constraints.length > 0 && { constraints: [...p.constraints] }),
        readOnlyRootFilesystem: p.readOnlyRootFilesystem,
      },
    });
  }
}
