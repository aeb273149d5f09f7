import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';

/** A fresh chart to build constructs in (no name hashes, like the platform's charts). */
export function chart(): Chart {
  return Testing.chart();
}

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

/** The synthesized objects of a chart. */
export function objects(c: Chart): Obj[] {
  return c.toJson() as Obj[];
}

/** The single object of a kind (and name). */
export function one(c: Chart, kind: string, name?: string): Obj {
  const found = objects(c).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

/** Knative's pre-1.x autoscaling annotation spellings, which it still accepts as aliases. */
const LEGACY_KEYS: Record<string, string> = {
  'autoscaling.knative.dev/minScale': 'autoscaling.knative.dev/min-scale',
  'autoscaling.knative.dev/maxScale': 'autoscaling.knative.dev/max-scale',
  'autoscaling.knative.dev/initialScale': 'autoscaling.knative.dev/initial-scale',
};

/**
 * Field-by-field comparison of a hand-written (seed) object with a generated one: every
 * field the seed sets must be in ours with the same value (arrays element by element).
 * Returns the paths that differ; fields only ours has are the secure defaults, listed by
 * `extraPaths`.
 */
export function seedDifferences(seed: unknown, ours: unknown, path = ''): string[] {
  if (seed === null || typeof seed !== 'object') {
    return seed === ours ? [] : [`${path || '/'}: seed ${JSON.stringify(seed)} ≠ ours ${JSON.stringify(ours)}`];
  }
  if (Array.isArray(seed)) {
    if (!Array.isArray(ours) || ours.length !== seed.length) return [`${path}: seed has ${seed.length} items, ours ${Array.isArray(ours) ? ours.length : 'none'}`];
    return seed.flatMap((s, i) => seedDifferences(s, ours[i], `${path}[${i}]`));
  }
  if (ours === null || typeof ours !== 'object') return [`${path}: missing in ours`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(seed as Record<string, unknown>)) {
    const key = LEGACY_KEYS[k] ?? k;
    out.push(...seedDifferences(v, (ours as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return out;
}

/** Leaf paths in ours that the seed does not set. */
export function extraPaths(seed: unknown, ours: unknown, path = ''): string[] {
  if (ours === null || typeof ours !== 'object') return seed === undefined ? [path] : [];
  if (Array.isArray(ours)) return ours.flatMap((o, i) => extraPaths(Array.isArray(seed) ? seed[i] : undefined, o, `${path}[${i}]`));
  const given = seed !== null && typeof seed === 'object' ? Object.fromEntries(Object.entries(seed).map(([k, v]) => [LEGACY_KEYS[k] ?? k, v])) : {};
  return Object.entries(ours as Record<string, unknown>).flatMap(([k, v]) => extraPaths(given[k], v, `${path}.${k}`));
}
