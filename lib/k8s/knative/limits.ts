import { durationSeconds, isGoDuration } from '../../core/duration';
import { DNS_1035_LABEL, DNS_LABEL_MAX, derivedNameProblem } from '../../core/naming';

/**
 * Knative's own limits, as the Serving webhook (knative.dev/serving pkg/apis/autoscaling)
 * enforces them. Kept beside the constructs, which check them, and read by the spec's rules,
 * so that both reject exactly the same inputs with the same words.
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
  return isGoDuration(d) ? durationSeconds(d) : undefined;
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
      if (!DNS_1035_LABEL.test(t.tag)) out.push({ index, field: 'tag', value: t.tag, message: 'must be a DNS-1123 label (it becomes part of a host name)' });
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
