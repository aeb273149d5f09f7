import { z } from 'zod';
import { dnsLabel } from '../common';
import { DNS_LABEL_MAX, derivedNameProblem } from '../../core/naming';

/**
 * Knative's own limits, as the Serving webhook (knative.dev/serving pkg/apis/autoscaling)
 * enforces them. Kept here, in the pure spec layer, so that spec rules and the L2
 * constructs reject exactly the same inputs with the same words.
 */
export const KNATIVE_LIMITS = {
  /** `autoscaling.knative.dev/window`: 6s – 1h, whole seconds. */
  windowMinSeconds: 6,
  windowMaxSeconds: 3600,
  /** `autoscaling.knative.dev/scale-down-delay`: 0 – 1h, whole seconds. */
  scaleDownDelayMaxSeconds: 3600,
  /** `autoscaling.knative.dev/target`: at least 0.01. */
  targetMin: 0.01,
  /** `autoscaling.knative.dev/panic-window-percentage`: 1 – 100. */
  panicWindowPercentage: [1, 100] as const,
  /** `autoscaling.knative.dev/panic-threshold-percentage`: 110 – 1000. */
  panicThresholdPercentage: [110, 1000] as const,
  /** `containerConcurrency`: 0 (unlimited) – config-defaults container-concurrency-max-limit (1000). */
  containerConcurrencyMax: 1000,
  /** `timeoutSeconds`: ≤ config-defaults max-revision-timeout-seconds (600 unless raised). */
  maxRevisionTimeoutSeconds: 600,
} as const;

/**
 * Names Knative Serving derives from a Service's name. Each must be a DNS label (≤ 63): the
 * Service name itself (Knative makes a Kubernetes Service of it), its revisions
 * (`<service>-00001`, …, or `<service>-<suffix>` when named; revision names are label
 * values), and the Kubernetes Service of each traffic tag, `<tag>-<service>`, which is also
 * the first label of the tag's host.
 */
export const KNATIVE_NAMES = {
  /** Suffix of the first generated revision. */
  firstRevisionSuffix: '-00001',
  /** A named revision: `<service>-<suffix>`. */
  revision: (service: string, suffix: string): string => `${service}-${suffix}`,
  /** The Service (and host label) of a traffic tag. */
  tagService: (tag: string, service: string): string => `${tag}-${service}`,
  /** The public host of a service with Knative's default domain template. */
  host: (service: string, namespace: string, domain: string): string => `${service}.${namespace}.${domain}`,
} as const;

/** Problems of a Knative Service name: itself and its first revision must be DNS labels. */
export function serviceNameProblem(name: string): string | undefined {
  return derivedNameProblem(name, `${name}${KNATIVE_NAMES.firstRevisionSuffix}`, 'its first revision', 'Knative revision names (label values)', DNS_LABEL_MAX);
}

export const AUTOSCALING_CLASSES = ['kpa', 'hpa'] as const;
export type AutoscalingClass = (typeof AUTOSCALING_CLASSES)[number];
export const AUTOSCALING_METRICS = ['concurrency', 'rps', 'cpu', 'memory'] as const;
export type AutoscalingMetric = (typeof AUTOSCALING_METRICS)[number];

/** Metrics each autoscaler class can act on (KPA: request based; HPA: resource based, no custom-metrics adapter here). */
export const METRICS_BY_CLASS: Record<AutoscalingClass, readonly AutoscalingMetric[]> = {
  kpa: ['concurrency', 'rps'],
  hpa: ['cpu', 'memory'],
};

/** Seconds in a Go/Knative duration (`60s`, `1m30s`, `1h`); undefined when it is not one. */
export function knativeDurationSeconds(d: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(d)) return undefined;
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of d.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/** Autoscaling settings as Knative takes them (rendered as `autoscaling.knative.dev/*` annotations). */
export interface AutoscalingSettings {
  readonly class?: AutoscalingClass;
  readonly metric?: AutoscalingMetric;
  readonly target?: number;
  readonly targetUtilizationPercentage?: number;
  readonly minScale?: number;
  readonly maxScale?: number;
  readonly initialScale?: number;
  readonly window?: string;
  readonly scaleDownDelay?: string;
  readonly targetBurstCapacity?: number;
  readonly panicWindowPercentage?: number;
  readonly panicThresholdPercentage?: number;
  readonly activationScale?: number;
}

/** One problem in autoscaling settings: the field, its value and what Knative would accept. */
export interface AutoscalingProblem {
  readonly field: keyof AutoscalingSettings;
  readonly value: unknown;
  readonly message: string;
}

/**
 * The checks the Knative Serving webhook applies to the autoscaling annotations (plus the
 * two that it lets through but that never scale here: HPA on request metrics without a
 * custom-metrics adapter, and HPA asked to scale to zero).
 */
export function autoscalingProblems(a: AutoscalingSettings): AutoscalingProblem[] {
  const out: AutoscalingProblem[] = [];
  const cls = a.class ?? (a.metric === 'cpu' || a.metric === 'memory' ? 'hpa' : 'kpa');
  if (a.metric && !METRICS_BY_CLASS[cls].includes(a.metric)) {
    out.push({
      field: 'metric',
      value: a.metric,
      message:
        cls === 'kpa'
          ? `the KPA autoscaler scales on ${METRICS_BY_CLASS.kpa.join(' or ')}; "${a.metric}" needs class "hpa"`
          : `the HPA autoscaler scales on ${METRICS_BY_CLASS.hpa.join(' or ')} here (no custom-metrics adapter); "${a.metric}" needs class "kpa"`,
    });
  }
  const nonNegInt = (field: 'minScale' | 'maxScale' | 'initialScale', v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) out.push({ field, value: v, message: 'must be a whole number ≥ 0' });
  };
  nonNegInt('minScale', a.minScale);
  nonNegInt('maxScale', a.maxScale);
  nonNegInt('initialScale', a.initialScale);
  // max-scale 0 means "no limit" to Knative.
  if (a.minScale !== undefined && a.maxScale !== undefined && a.maxScale !== 0 && a.minScale > a.maxScale) {
    out.push({ field: 'minScale', value: a.minScale, message: `must be ≤ maxScale (${a.maxScale}): Knative rejects min-scale above max-scale` });
  }
  if (a.initialScale !== undefined && a.maxScale !== undefined && a.maxScale !== 0 && a.initialScale > a.maxScale) {
    out.push({ field: 'initialScale', value: a.initialScale, message: `must be ≤ maxScale (${a.maxScale})` });
  }
  if (cls === 'hpa' && a.minScale === 0) {
    out.push({ field: 'minScale', value: 0, message: 'the HPA autoscaler cannot scale to zero: use minScale ≥ 1 or class "kpa"' });
  }
  if (a.target !== undefined && !(a.target >= KNATIVE_LIMITS.targetMin)) {
    out.push({ field: 'target', value: a.target, message: `must be at least ${KNATIVE_LIMITS.targetMin}` });
  }
  if (a.targetUtilizationPercentage !== undefined && !(a.targetUtilizationPercentage >= 1 && a.targetUtilizationPercentage <= 100)) {
    out.push({ field: 'targetUtilizationPercentage', value: a.targetUtilizationPercentage, message: 'must be between 1 and 100' });
  }
  const duration = (field: 'window' | 'scaleDownDelay', v: string | undefined, min: number, max: number) => {
    if (v === undefined) return;
    const s = knativeDurationSeconds(v);
    if (s === undefined) out.push({ field, value: v, message: 'must be a duration such as "60s", "2m" or "1h"' });
    else if (s < min || s > max) out.push({ field, value: v, message: `must be between ${min}s and ${max / 3600}h` });
    else if (!Number.isInteger(s)) out.push({ field, value: v, message: 'must be given with at most second precision' });
  };
  duration('window', a.window, KNATIVE_LIMITS.windowMinSeconds, KNATIVE_LIMITS.windowMaxSeconds);
  duration('scaleDownDelay', a.scaleDownDelay, 0, KNATIVE_LIMITS.scaleDownDelayMaxSeconds);
  if (cls === 'hpa') {
    // These tune the KPA's own decision loop; the HPA ignores them, so setting them is a mistake.
    for (const f of ['window', 'panicWindowPercentage', 'panicThresholdPercentage', 'targetBurstCapacity'] as const) {
      if (a[f] !== undefined) out.push({ field: f, value: a[f], message: `only applies to the KPA autoscaler; remove it or use class "kpa"` });
    }
  }
  if (a.targetBurstCapacity !== undefined && a.targetBurstCapacity < 0 && a.targetBurstCapacity !== -1) {
    out.push({ field: 'targetBurstCapacity', value: a.targetBurstCapacity, message: 'must be ≥ 0, or -1 for "always keep the activator in the path"' });
  }
  const range = (field: 'panicWindowPercentage' | 'panicThresholdPercentage', v: number | undefined, [lo, hi]: readonly [number, number]) => {
    if (v !== undefined && !(v >= lo && v <= hi)) out.push({ field, value: v, message: `must be between ${lo} and ${hi}` });
  };
  range('panicWindowPercentage', a.panicWindowPercentage, KNATIVE_LIMITS.panicWindowPercentage);
  range('panicThresholdPercentage', a.panicThresholdPercentage, KNATIVE_LIMITS.panicThresholdPercentage);
  if (a.activationScale !== undefined && (!Number.isInteger(a.activationScale) || a.activationScale < 1)) {
    out.push({ field: 'activationScale', value: a.activationScale, message: 'must be a whole number ≥ 1' });
  }
  return out;
}

/** One entry of a Knative traffic split. */
export interface TrafficEntry {
  readonly revisionName?: string;
  readonly latestRevision?: boolean;
  readonly percent: number;
  readonly tag?: string;
}

export interface TrafficProblem {
  /** Index in the list, or undefined for the list as a whole. */
  readonly index?: number;
  readonly field?: keyof TrafficEntry;
  readonly value: unknown;
  readonly message: string;
}

/** The traffic checks of Knative's Route/Service webhook. */
export function trafficProblems(serviceName: string, traffic: readonly TrafficEntry[]): TrafficProblem[] {
  const out: TrafficProblem[] = [];
  if (traffic.length === 0) return [{ value: traffic, message: 'must list at least one traffic target' }];
  const tags = new Map<string, number>();
  let sum = 0;
  traffic.forEach((t, index) => {
    if (!Number.isInteger(t.percent) || t.percent < 0 || t.percent > 100) out.push({ index, field: 'percent', value: t.percent, message: 'must be a whole number from 0 to 100' });
    else sum += t.percent;
    if (t.revisionName !== undefined && t.latestRevision === true) {
      out.push({ index, field: 'latestRevision', value: true, message: 'must be false (or absent) when revisionName is set: a target is either a named revision or the latest one' });
    }
    if (t.revisionName === undefined && t.latestRevision !== true) {
      out.push({ index, field: 'revisionName', value: undefined, message: 'is required unless latestRevision is true' });
    }
    if (t.revisionName !== undefined && !t.revisionName.startsWith(`${serviceName}-`)) {
      out.push({ index, field: 'revisionName', value: t.revisionName, message: `must start with "${serviceName}-": Knative names a service's revisions after it` });
    }
    if (t.tag !== undefined) {
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.tag)) out.push({ index, field: 'tag', value: t.tag, message: 'must be a DNS-1123 label (it becomes part of a host name)' });
      else {
        const tagged = derivedNameProblem(t.tag, KNATIVE_NAMES.tagService(t.tag, serviceName), "Knative's Service for this tag", 'Service names (and host labels)', DNS_LABEL_MAX);
        if (tagged) out.push({ index, field: 'tag', value: t.tag, message: tagged.replace('use a name of', 'use a tag of') });
      }
      const first = tags.get(t.tag);
      if (first !== undefined) out.push({ index, field: 'tag', value: t.tag, message: `is already used by traffic[${first}]; tags must be unique` });
      else tags.set(t.tag, index);
    }
  });
  if (out.length === 0 && sum !== 100) out.push({ value: traffic.map((t) => t.percent), message: `percents sum to ${sum}; they must sum to 100` });
  return out;
}

const duration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { message: 'must be a duration such as "60s", "2m" or "1h"' });

const httpProbe = z.strictObject({
  /** HTTP path probed on the container port. */
  path: z.string().regex(/^\//, { message: 'must be an absolute path such as "/healthz"' }),
  /** @default 0 */
  initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
  /** @default 10 (Kubernetes) */
  periodSeconds: z.number().int().min(1).max(3600).optional(),
  /** @default 1 */
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** @default 3 */
  failureThreshold: z.number().int().min(1).max(100).optional(),
});
export type HttpProbeSpec = z.infer<typeof httpProbe>;

/** Knative-only options of a function (`functions[].knative`). */
export const knativeOptionsSchema = z.strictObject({
  /** Requests one container handles at once; 0 = unlimited. @default 0 */
  containerConcurrency: z.number().int().min(0).max(KNATIVE_LIMITS.containerConcurrencyMax).optional(),
  /** Only reachable inside the cluster (`networking.knative.dev/visibility: cluster-local`). @default false */
  clusterLocal: z.boolean().optional(),
  /**
   * Autoscaler tuning beyond `scaling` (which sets min/max/target/metric). Rendered as the
   * `autoscaling.knative.dev/*` annotations; checked as Knative's webhook checks them.
   * @default Knative's (KPA, 60s window, scale-down delay 0)
   */
  autoscaling: z
    .strictObject({
      /** @default 'kpa', or 'hpa' when `scaling.metric` is cpu or memory */
      class: z.enum(AUTOSCALING_CLASSES).optional(),
      /** Fraction of `target` the autoscaler aims for, in percent. @default 70 (Knative) */
      targetUtilizationPercentage: z.number().optional(),
      /** Stable window, 6s – 1h. @default '60s' (Knative) */
      window: duration.optional(),
      /** Keep replicas this long after load drops, 0 – 1h. @default '0s' */
      scaleDownDelay: duration.optional(),
      /** Spare capacity (requests) that keeps the activator out of the path; -1 = always in the path. @default 200 (Knative) */
      targetBurstCapacity: z.number().optional(),
      /** Panic window as a percentage of the stable window, 1 – 100. @default 10 (Knative) */
      panicWindowPercentage: z.number().optional(),
      /** Load (percent of target) that triggers panic mode, 110 – 1000. @default 200 (Knative) */
      panicThresholdPercentage: z.number().optional(),
      /** Replicas to jump to when scaling up from zero. @default 1 */
      activationScale: z.number().int().optional(),
    })
    .optional(),
  /**
   * Name suffix of the revision this spec creates (`<function>-<revision>`), so traffic can
   * point at it by name. @default generated by Knative
   */
  revision: dnsLabel(20).optional(),
  /**
   * Traffic split across revisions (percents sum to 100). @default all traffic to the latest revision
   */
  traffic: z
    .array(
      z.strictObject({
        /** Full revision name (`<function>-<suffix>`). */
        revisionName: dnsLabel().optional(),
        /** Route to whatever revision is latest. */
        latestRevision: z.boolean().optional(),
        percent: z.number().int().min(0).max(100),
        /** Gives the target its own URL `<tag>-<function>.<tenant>.<domain>`. */
        tag: dnsLabel().optional(),
      }),
    )
    .min(1)
    .optional(),
  /** HTTP readiness probe (Knative's queue-proxy runs it against the container port). @default TCP check on the port */
  readinessProbe: httpProbe.optional(),
  /** HTTP liveness probe. @default none */
  livenessProbe: httpProbe.optional(),
});
export type KnativeOptions = z.infer<typeof knativeOptionsSchema>;
