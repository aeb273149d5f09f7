import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** `../shared/upstream` next to the repository (present in CI), or undefined. */
export const UPSTREAM: string | undefined = (() => {
  const dir = path.resolve(__dirname, '../../../shared/upstream');
  return fs.existsSync(dir) ? dir : undefined;
})();

/** `describe` when ../shared/upstream exists, `describe.skip` otherwise (undefined outside a test file: jest's globalSetup loads this too). */
export const describeWithUpstream: jest.Describe = typeof describe === 'undefined' ? (undefined as never) : UPSTREAM ? describe : describe.skip;

export function upstreamPath(...parts: string[]): string {
  if (!UPSTREAM) throw new Error('../shared/upstream is not present');
  return path.join(UPSTREAM, ...parts);
}

/** Parses a YAML file with one or more documents. */
export function readYamlDocs(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
}

/** A chart's values.yaml from ../shared/upstream/charts/<chart>/values.yaml. */
export function chartValues(chart: string): Record<string, unknown> {
  const text = fs.readFileSync(upstreamPath('charts', chart, 'values.yaml'), 'utf8');
  return (readYamlDocs(upstreamPath('charts', chart, 'values.yaml'))[0] as Record<string, unknown>) ?? (text && {});
}

/**
 * Paths in `values` that the chart's values.yaml does not have. A path under a key whose
 * chart default is an empty map (`{}`) or that the chart documents as free-form is allowed,
 * since charts pass those through (`podAnnotations: {}`, `resources: {}`, …).
 */
export function unknownValuePaths(values: unknown, chartDefaults: unknown, freeForm: readonly string[] = [], prefix = ''): string[] {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(values as Record<string, unknown>)) {
    const p = prefix ? `${prefix}.${key}` : key;
    if (freeForm.includes(p)) continue;
    const defaults = chartDefaults as Record<string, unknown> | null | undefined;
    if (!defaults || typeof defaults !== 'object' || !(key in defaults)) {
      out.push(p);
      continue;
    }
    const d = defaults[key];
    const emptyMap = d !== null && typeof d === 'object' && !Array.isArray(d) && Object.keys(d).length === 0;
    if (!emptyMap && d !== null && typeof d === 'object' && !Array.isArray(d)) out.push(...unknownValuePaths(v, d, freeForm, p));
  }
  return out;
}
