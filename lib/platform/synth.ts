import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { Document, isScalar, stringify, visit } from 'yaml';
import { SpecError } from '../core/errors';
import type { HybridPlatform } from './hybrid-platform';
import { LAYERS } from './layers';

/**
 * Largest serialized size of one object the toolkit writes: 512 KiB. etcd refuses requests
 * above 1.5 MiB, and an object near that cannot be applied with `kubectl apply` (its
 * last-applied annotation alone would be the whole object) nor updated once managedFields
 * grow; staying a third below leaves room for both. Collections that grow with the platform
 * (per-function alert rules) are split per tenant and part instead.
 */
export const MAX_OBJECT_BYTES = 512 * 1024;

/** An object's serialized size: the larger of its JSON (Pulumi, the API server) and its YAML document (GitOps). */
export interface ObjectSize {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** File it is written to, relative to `dist/<env>/`. */
  readonly file: string;
  readonly bytes: number;
  readonly jsonBytes: number;
  readonly yamlBytes: number;
}

/** The files of one environment's GitOps output, relative to `dist/<env>/`. */
export interface EnvironmentOutput {
  readonly env: string;
  /** Relative path → file content. Sorted, so writing is deterministic. */
  readonly files: Map<string, string>;
  /** Objects per layer (and `flux` or `argocd`). */
  readonly counts: Record<string, number>;
  /** The environment's largest object (≤ MAX_OBJECT_BYTES, or rendering fails). */
  readonly largestObject?: ObjectSize;
}

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/**
 * YAML of one object (stable key order as the constructs give it).
 * Written with YAML 1.1 quoting rules, so strings such as `off`, `yes` or `2026-11-25` are
 * quoted and stay strings for every reader: Flux and kustomize read YAML 1.2, but
 * `kubectl apply -f` (go-yaml) reads YAML 1.1 and would turn an unquoted `off` into false.
 */
function toYamlDocument(o: unknown): string {
  const doc = new Document(o, { version: '1.1', aliasDuplicateObjects: false });
  // A lone "=" is YAML 1.1's value-key indicator: PyYAML refuses it unquoted (AlertmanagerConfig matchType).
  visit(doc, { Scalar: (_, node) => void (isScalar(node) && node.value === '=' && (node.type = 'QUOTE_DOUBLE')) });
  return doc.toString({ lineWidth: 0 });
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), as messages name an object. */
function objectLabel(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function kib(bytes: number): string {
  return `${Number((bytes / 1024).toFixed(1))} KiB`;
}

/**
 * The problems of objects above `limit` bytes serialized, each naming the object, its size,
 * the file and the limit: for renderEnvironment, which refuses to write them.
 */
export function oversizedObjects(sizes: readonly ObjectSize[], limit: number = MAX_OBJECT_BYTES): { path: string; value: unknown; message: string }[] {
  return sizes
    .filter((s) => s.bytes > limit)
    .map((s) => ({
      path: objectLabel(s),
      value: s.bytes,
      message: `is ${s.bytes} bytes serialized (${kib(s.bytes)}; JSON ${s.jsonBytes}, YAML ${s.yamlBytes}) in ${s.file}, more than the ${limit}-byte (${kib(limit)}) limit per object (MAX_OBJECT_BYTES); split it into smaller objects`,
    }));
}

function kustomization(resources: readonly string[]): string {
  return stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] }, { lineWidth: 0 });
}

function chartObjects(chart: Chart): Manifest[] {
  return chart.toJson() as Manifest[];
}

/**
 * Renders one environment: `<layer>/<chart>.yaml` for each layer, a kustomization.yaml in
 * each layer folder (so `kubectl apply -k` works), and `flux/` with the ordered
 * Kustomizations or `argocd/` with one Application per layer (spec.gitops.engine). Fails with a SpecError, before anything is
 * written, if two objects share kind, namespace and name or an object is larger than MAX_OBJECT_BYTES.
 */
export function renderEnvironment(platform: HybridPlatform): EnvironmentOutput {
  const files = new Map<string, string>();
  const counts: Record<string, number> = {};
  const seen = new Map<string, string>();
  const duplicates: { path: string; value: unknown; message: string }[] = [];
  const sizes: ObjectSize[] = [];
  const add = (folder: string, name: string, objects: Manifest[]): void => {
    const where = `${folder}/${name}.yaml`;
    const docs: string[] = [];
    for (const o of objects) {
      const id = `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const first = seen.get(id);
      if (first)
        duplicates.push({
          path: objectLabel({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }),
          value: where,
          message: `generated twice (also in ${first}); names must be unique per kind and namespace`,
        });
      else seen.set(id, where);
      const yaml = toYamlDocument(o);
      docs.push(yaml);
      const jsonBytes = Buffer.byteLength(JSON.stringify(o));
      const yamlBytes = Buffer.byteLength(yaml);
      sizes.push({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, file: where, bytes: Math.max(jsonBytes, yamlBytes), jsonBytes, yamlBytes });
    }
    if (objects.length > 0) files.set(where, docs.join('---\n'));
    counts[folder] = (counts[folder] ?? 0) + objects.length;
  };
  for (const layer of LAYERS) {
    counts[layer] = 0;
    for (const { name, chart } of platform.chartsOf(layer)) add(layer, name, chartObjects(chart));
  }
  const engine = platform.gitopsFolder;
  add(engine, engine === 'argocd' ? 'applications' : 'kustomizations', chartObjects(platform.gitopsChart));
  if (duplicates.length > 0) throw new SpecError(duplicates, `Output for environment "${platform.envName}" is ambiguous`);
  const oversized = oversizedObjects(sizes);
  if (oversized.length > 0) throw new SpecError(oversized, `Output for environment "${platform.envName}" has objects too large to apply`);
  for (const folder of [...LAYERS, engine]) {
    const resources = [...files.keys()]
      .filter((f) => f.startsWith(`${folder}/`))
      .map((f) => f.slice(folder.length + 1))
      .sort();
    files.set(`${folder}/kustomization.yaml`, kustomization(resources));
  }
  const largestObject = sizes.reduce<ObjectSize | undefined>((max, s) => (max === undefined || s.bytes > max.bytes ? s : max), undefined);
  return { env: platform.envName, files: new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b))), counts, ...(largestObject && { largestObject }) };
}

/**
 * The file that marks a folder as written by this toolkit. It lists the environment folders
 * synthesis wrote there; those are the only entries a later synthesis replaces or removes.
 */
export const OUTPUT_MARKER = '.hybrid-serverless-output';

const MARKER_HEADER =
  '# Written by hybrid-serverless: synthesis replaces the environment folders listed below\n# (and removes those no longer in the spec); it never touches anything else in this folder.\n';

export interface WriteOptions {
  /**
   * Replace only the given environments' folders and keep the other environments' ones (a
   * synthesis of some environments). Otherwise environment folders that synthesis wrote
   * earlier but that are not in `outputs` are removed. @default false
   */
  readonly only?: boolean;
  /**
   * Write into a folder that is not empty although this toolkit did not write it (no
   * OUTPUT_MARKER), e.g. the root of a GitOps repository: only the environment folders
   * are replaced there, everything else (`.git` included) stays. @default false (refused)
   */
  readonly force?: boolean;
}

/** The environment folders a marker lists. */
function readMarker(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function markerText(envs: Iterable<string>): string {
  return (
    MARKER_HEADER +
    [...new Set(envs)]
      .sort()
      .map((e) => `${e}\n`)
      .join('')
  );
}

/**
 * Output written before the marker existed: every entry an environment folder holding a
 * layer folder with its kustomization.yaml. Adopted as ours, so upgrading needs no --force.
 */
function legacyEnvironments(target: string, entries: readonly string[]): string[] | undefined {
  const ours = entries.every((e) => {
    const dir = path.join(target, e);
    return fs.statSync(dir).isDirectory() && fs.existsSync(path.join(dir, LAYERS[0], 'kustomization.yaml'));
  });
  return entries.length > 0 && ours ? [...entries] : undefined;
}

/**
 * What is in `target` and whose it is: `owned` lists the environment folders this toolkit
 * wrote there; `foreign` everything else. Throws a SpecError for a folder that holds things
 * the toolkit did not write, unless `force`.
 */
function inspectTarget(target: string, outdir: string, force: boolean): { exists: boolean; owned: string[]; foreign: string[] } {
  if (!fs.existsSync(target)) return { exists: false, owned: [], foreign: [] };
  if (!fs.statSync(target).isDirectory()) {
    throw new SpecError([{ path: 'out', value: outdir, message: 'is a file, not a folder; choose a folder for the output' }], 'Cannot write the output');
  }
  const entries = fs.readdirSync(target).sort();
  const marker = path.join(target, OUTPUT_MARKER);
  const listed = fs.existsSync(marker) ? readMarker(marker) : legacyEnvironments(target, entries);
  if (listed) {
    const owned = entries.filter((e) => listed.includes(e));
    return { exists: true, owned, foreign: entries.filter((e) => e !== OUTPUT_MARKER && !owned.includes(e)) };
  }
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new SpecError(
      [
        {
          path: 'out',
          value: outdir,
          message: `is not empty and was not written by hybrid-serverless (no ${OUTPUT_MARKER}; it holds ${shown}); nothing was changed. Choose an empty or new folder, or force it (CLI: --force): then only the environment folders are written into it and everything else stays`,
        },
      ],
      'Cannot write the output',
    );
  }
  return { exists: true, owned: [], foreign: entries };
}

/**
 * Throws the SpecError writeOutputs would throw for `outdir` (a file, or a non-empty folder
 * this toolkit did not write without `force`), so a caller can refuse before rendering.
 */
export function checkOutputFolder(outdir: string, options: { force?: boolean; label?: string } = {}): void {
  inspectTarget(path.resolve(outdir), options.label ?? outdir, options.force ?? false);
}

/**
 * Writes environments into `outdir/<env>/…` atomically: everything is rendered in memory
 * first and written into a sibling temporary folder, then swapped in; a failure at any
 * point leaves the previous output untouched. `outdir` gets an OUTPUT_MARKER listing the
 * environment folders; only those are ever replaced or removed. A folder that is not empty
 * and has no marker is refused (SpecError) unless `force`, and even then only the
 * environment folders are written into it.
 *
 * When `outdir` holds nothing but the toolkit's output, the whole folder is swapped at once.
 * When it holds other files too, each environment folder is swapped on its own.
 */
export function writeOutputs(outdir: string, outputs: readonly EnvironmentOutput[], options: WriteOptions = {}): void {
  const target = path.resolve(outdir);
  const before = inspectTarget(target, outdir, options.force ?? false);
  const written = outputs.map((o) => o.env);
  const kept = options.only ? before.owned.filter((e) => !written.includes(e)) : [];
  const envs = [...written, ...kept];
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-new-`));
  try {
    for (const out of outputs) {
      for (const [rel, content] of out.files) {
        const file = path.join(tmp, out.env, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
    }
    fs.writeFileSync(path.join(tmp, OUTPUT_MARKER), markerText(envs));
    if (!before.exists || (before.foreign.length === 0 && kept.length === 0)) {
      swap(tmp, target);
      return;
    }
    // Other files live beside the output (or some environments stay): replace folder by folder.
    for (const env of written) swap(path.join(tmp, env), path.join(target, env));
    if (!options.only) for (const env of before.owned.filter((e) => !written.includes(e))) fs.rmSync(path.join(target, env), { recursive: true, force: true });
    fs.renameSync(path.join(tmp, OUTPUT_MARKER), path.join(target, OUTPUT_MARKER));
    fs.rmSync(tmp, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Moves `from` to `to`, replacing what was there (old copy removed only after the move). */
function swap(from: string, to: string): void {
  const old = fs.existsSync(to) ? `${from}-old` : undefined;
  if (old) fs.renameSync(to, old);
  fs.renameSync(from, to);
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

/** A short table: objects per environment and layer. */
export function summary(outputs: readonly EnvironmentOutput[]): string {
  const cols = [...LAYERS, ...(outputs.some((o) => 'argocd' in o.counts) ? ['argocd'] : []), ...(outputs.some((o) => !('argocd' in o.counts)) ? ['flux'] : [])];
  const lines = [`${'env'.padEnd(9)}${cols.map((c) => c.padStart(10)).join('')}${'total'.padStart(10)}`];
  for (const o of outputs) {
    const total = cols.reduce((n, c) => n + (o.counts[c] ?? 0), 0);
    lines.push(`${o.env.padEnd(9)}${cols.map((c) => String(o.counts[c] ?? 0).padStart(10)).join('')}${String(total).padStart(10)}`);
  }
  return lines.join('\n');
}
