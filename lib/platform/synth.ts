import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { Document, isScalar, stringify, visit } from 'yaml';
import { SpecError } from '../core/errors';
import type { HybridPlatform } from './hybrid-platform';
import { LAYERS } from './layers';
import { commitMoves, createStaging, discardStaging, recoverStaging, type Move } from './staging';

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

const YAML_OPTIONS = { version: '1.1', aliasDuplicateObjects: false } as const;

/**
 * YAML of one object (stable key order as the constructs give it), through the `yaml`
 * library's Document model: the reference for {@link toYamlDocument}, and its fallback for
 * values whose rendering depends on their position (multi-line strings, document markers).
 * Written with YAML 1.1 quoting rules, so strings such as `off`, `yes` or `2026-11-25` are
 * quoted and stay strings for every reader: Flux and kustomize read YAML 1.2, but
 * `kubectl apply -f` (go-yaml) reads YAML 1.1 and would turn an unquoted `off` into false.
 * @internal
 */
export function toYamlDocumentReference(o: unknown): string {
  const doc = new Document(o, YAML_OPTIONS);
  // A lone "=" is YAML 1.1's value-key indicator: PyYAML refuses it unquoted (AlertmanagerConfig matchType).
  visit(doc, { Scalar: (_, node) => void (isScalar(node) && node.value === '=' && (node.type = 'QUOTE_DOUBLE')) });
  return doc.toString({ lineWidth: 0 });
}

/** Thrown inside the fast emitter for a value it leaves to the Document model. */
const FALLBACK = Symbol('fallback');

/** Strings that are plain in any position: a letter, then letters, digits and dashes, and not a YAML 1.1 boolean or null. */
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9-]*$/;
const YAML11_WORD = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

/** Rendered scalars: the `yaml` library's own rendering of each distinct string, as a value and as a key. */
const valueCache = new Map<string, string>();
const keyCache = new Map<string, string>();

/**
 * A single-line string as the Document model writes it. Without a line break (and no leading
 * document marker, nor a key longer than 1024 characters) a scalar's rendering does not depend
 * on where it stands, so each distinct string is rendered once by the library and reused.
 */
function stringScalar(s: string, key: boolean): string {
  if (key && s.length > 1000) throw FALLBACK; // the library writes long keys as explicit `? ` keys
  if (PLAIN_WORD.test(s) && !YAML11_WORD.test(s)) return s;
  const cache = key ? keyCache : valueCache;
  let out = cache.get(s);
  if (out === undefined) {
    if (s.includes('\n') || /^(?:---|\.\.\.)/.test(s)) throw FALLBACK;
    if (s === '=') out = '"="';
    else if (key) {
      const line = new Document({ [s]: null }, YAML_OPTIONS).toString({ lineWidth: 0 });
      if (!line.endsWith(': null\n')) throw FALLBACK;
      out = line.slice(0, -': null\n'.length);
    } else out = new Document(s, YAML_OPTIONS).toString({ lineWidth: 0 }).slice(0, -1);
    cache.set(s, out);
  }
  return out;
}

function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return stringScalar(v, false);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v) || Object.is(v, -0)) throw FALLBACK;
      return JSON.stringify(v);
    case 'object':
      return undefined;
    default:
      throw FALLBACK; // undefined, functions, bigints, symbols
  }
}

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** `v` after a key or a `- ` marker: ` scalar`, ` {}`, ` []`, or a nested block on the next lines at `indent`. */
function nested(v: unknown, indent: string): string {
  const s = scalar(v);
  if (s !== undefined) return ` ${s}`;
  if (Array.isArray(v)) return v.length === 0 ? ' []' : `\n${seqBlock(v, indent)}`;
  if (!isPlainObject(v as object)) throw FALLBACK;
  const keys = Object.keys(v as object);
  return keys.length === 0 ? ' {}' : `\n${mapBlock(v as Record<string, unknown>, keys, indent)}`;
}

function mapBlock(o: Record<string, unknown>, keys: string[], indent: string): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    out += `${i === 0 ? '' : '\n'}${indent}${stringScalar(k, true)}:${nested(o[k], `${indent}  `)}`;
  }
  return out;
}

function seqBlock(items: unknown[], indent: string): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    const s = scalar(v);
    let item: string;
    if (s !== undefined) item = `${indent}- ${s}`;
    else {
      // A non-empty collection item starts on the dash's line, its other lines two columns in.
      const inner = `${indent}  `;
      if (Array.isArray(v)) item = v.length === 0 ? `${indent}- []` : `${indent}- ${seqBlock(v, inner).slice(inner.length)}`;
      else {
        if (!isPlainObject(v as object)) throw FALLBACK;
        const keys = Object.keys(v as object);
        item = keys.length === 0 ? `${indent}- {}` : `${indent}- ${mapBlock(v as Record<string, unknown>, keys, inner).slice(inner.length)}`;
      }
    }
    out += i === 0 ? item : `\n${item}`;
  }
  return out;
}

/**
 * YAML of one object, byte for byte what {@link toYamlDocumentReference} writes (YAML 1.1
 * quoting included), without building a Document per object: block maps and sequences are
 * written directly and each distinct string is rendered once by the library. Anything whose
 * rendering depends on its position (a multi-line string, …) takes the Document path.
 * @internal
 */
export function toYamlDocument(o: unknown): string {
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !isPlainObject(o)) return toYamlDocumentReference(o);
  const keys = Object.keys(o);
  if (keys.length === 0) return toYamlDocumentReference(o);
  try {
    return `${mapBlock(o, keys, '')}\n`;
  } catch (e) {
    if (e === FALLBACK) return toYamlDocumentReference(o);
    throw e;
  }
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

/**
 * The objects of each chart, as `chart.toJson()` gives them, with the App resolved and
 * validated once: `Chart.toJson()` resolves dependencies and validates the whole App on every
 * call, once per chart. The first chart goes through it; the others only need their own
 * objects in dependency order (what cdk8s does after that pass, and a second pass adds nothing
 * within a chart).
 * @internal
 */
export function chartsObjects(charts: readonly Chart[]): Manifest[][] {
  return charts.map((chart, i) =>
    i === 0
      ? (chart.toJson() as Manifest[])
      : new DependencyGraph(chart.node)
          .topology()
          .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
          .map((x) => x.toJson() as Manifest),
  );
}

/**
 * Renders one environment: `<layer>/<chart>.yaml` for each layer, a kustomization.yaml in
 * each layer folder (so `kubectl apply -k` works), and `flux/` with the ordered
 * Kustomizations or `argocd/` with one Application per layer (spec.gitops.engine). Fails with a SpecError, before anything is
 * written, if two objects share kind, namespace and name or an object is larger than MAX_OBJECT_BYTES.
 */
export function renderEnvironment(platform: HybridPlatform): EnvironmentOutput {
  return render(platform).output;
}

/**
 * {@link renderEnvironment}, with the objects written to each file (in file order) beside the
 * text: what the files hold, without parsing the YAML back (tests read them; a test checks that
 * parsing the files gives the same objects).
 * @internal
 */
export function renderEnvironmentObjects(platform: HybridPlatform): { output: EnvironmentOutput; objects: Map<string, Manifest[]> } {
  return render(platform, new Map());
}

function render(platform: HybridPlatform, keep?: Map<string, Manifest[]>): { output: EnvironmentOutput; objects: Map<string, Manifest[]> } {
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
    if (objects.length > 0) {
      files.set(where, docs.join('---\n'));
      keep?.set(where, objects);
    }
    counts[folder] = (counts[folder] ?? 0) + objects.length;
  };
  const engine = platform.gitopsFolder;
  const charts = [
    ...LAYERS.flatMap((layer) => platform.chartsOf(layer).map((c) => ({ folder: layer as string, ...c }))),
    { folder: engine, name: engine === 'argocd' ? 'applications' : 'kustomizations', chart: platform.gitopsChart },
  ];
  const objects = chartsObjects(charts.map((c) => c.chart));
  for (const layer of LAYERS) counts[layer] = 0;
  charts.forEach((c, i) => add(c.folder, c.name, objects[i]));
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
  const output = { env: platform.envName, files: new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b))), counts, ...(largestObject && { largestObject }) };
  return { output, objects: keep ?? new Map() };
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
 * Writes environments into `outdir/<env>/…` atomically, all of them or none: everything is
 * rendered in memory first and written into one staging folder beside `outdir`, then moved in
 * by renames that are undone on any failure (lib/platform/staging; a run that is killed is
 * rolled back by the next one, which also removes staging folders killed runs left). `outdir`
 * gets an OUTPUT_MARKER listing the environment folders; only those are ever replaced or
 * removed. A folder that is not empty and has no marker is refused (SpecError) unless
 * `force`, and even then only the environment folders are written into it.
 *
 * When `outdir` holds nothing but the toolkit's output, the whole folder is swapped at once
 * (two renames). When it holds other files too, or some environments stay, each environment
 * folder is swapped on its own (two renames each, then the marker's).
 */
export function writeOutputs(outdir: string, outputs: readonly EnvironmentOutput[], options: WriteOptions = {}): void {
  const target = path.resolve(outdir);
  recoverStaging(target);
  const before = inspectTarget(target, outdir, options.force ?? false);
  const written = outputs.map((o) => o.env);
  const kept = options.only ? before.owned.filter((e) => !written.includes(e)) : [];
  const envs = [...written, ...kept];
  const staging = createStaging(target);
  const moves: Move[] = [];
  try {
    for (const out of outputs) {
      for (const [rel, content] of out.files) {
        const file = path.join(staging.next, out.env, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
    }
    fs.writeFileSync(path.join(staging.next, OUTPUT_MARKER), markerText(envs));
    const replace = (name: string, withNew: boolean) => {
      if (fs.existsSync(path.join(target, name))) moves.push([path.join(target, name), path.join(staging.previous, name)]);
      if (withNew) moves.push([path.join(staging.next, name), path.join(target, name)]);
    };
    if (!before.exists || (before.foreign.length === 0 && kept.length === 0)) {
      if (before.exists) moves.push([target, path.join(staging.previous, 'output')]);
      moves.push([staging.next, target]);
    } else {
      // Other files live beside the output (or some environments stay): folder by folder.
      for (const env of written) replace(env, true);
      if (!options.only) for (const env of before.owned.filter((e) => !written.includes(e))) replace(env, false);
      replace(OUTPUT_MARKER, true);
    }
  } catch (e) {
    discardStaging(staging);
    throw e;
  }
  commitMoves(staging, moves);
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
