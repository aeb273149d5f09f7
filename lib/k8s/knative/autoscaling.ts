import { SpecError } from '../../core/errors';
import { autoscalingProblems, type AutoscalingSettings } from './limits';

export type { AutoscalingClass, AutoscalingMetric, AutoscalingSettings } from './limits';

/** The `autoscaling.knative.dev/*` annotation of each setting. */
export const AUTOSCALING_ANNOTATIONS: Record<keyof AutoscalingSettings, string> = {
  class: 'autoscaling.knative.dev/class',
  metric: 'autoscaling.knative.dev/metric',
  target: 'autoscaling.knative.dev/target',
  targetUtilizationPercentage: 'autoscaling.knative.dev/target-utilization-percentage',
  minScale: 'autoscaling.knative.dev/min-scale',
  maxScale: 'autoscaling.knative.dev/max-scale',
  initialScale: 'autoscaling.knative.dev/initial-scale',
  window: 'autoscaling.knative.dev/window',
  scaleDownDelay: 'autoscaling.knative.dev/scale-down-delay',
  targetBurstCapacity: 'autoscaling.knative.dev/target-burst-capacity',
  panicWindowPercentage: 'autoscaling.knative.dev/panic-window-percentage',
  panicThresholdPercentage: 'autoscaling.knative.dev/panic-threshold-percentage',
  activationScale: 'autoscaling.knative.dev/activation-scale',
};

const CLASS_VALUE = { kpa: 'kpa.autoscaling.knative.dev', hpa: 'hpa.autoscaling.knative.dev' } as const;

/**
 * Renders autoscaling settings as revision-template annotations, after the checks Knative's
 * webhook makes (every problem reported at once, each with its field).
 */
export function autoscalingAnnotations(where: string, a: AutoscalingSettings): Record<string, string> {
  const problems = autoscalingProblems(a);
  if (problems.length > 0) {
    throw new SpecError(
      problems.map((p) => ({ path: `${where}.${p.field}`, value: p.value, message: p.message })),
      'Invalid construct props',
    );
  }
  const out: Record<string, string> = {};
  // An HPA metric without a class would silently get the KPA, which rejects it: name the class.
  const cls = a.class ?? (a.metric === 'cpu' || a.metric === 'memory' ? 'hpa' : undefined);
  if (cls) out[AUTOSCALING_ANNOTATIONS.class] = CLASS_VALUE[cls];
  for (const key of Object.keys(AUTOSCALING_ANNOTATIONS) as (keyof AutoscalingSettings)[]) {
    if (key === 'class') continue;
    const v = a[key];
    if (v !== undefined) out[AUTOSCALING_ANNOTATIONS[key]] = String(v);
  }
  return out;
}
