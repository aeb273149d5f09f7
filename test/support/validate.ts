import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { version as AJV_VERSION } from 'ajv/package.json';
import { readYamlDocs, UPSTREAM, upstreamPath } from './upstream';

/**
 * Validates synthesized objects as a cluster would:
 * - core kinds with kubernetes-models (the Kubernetes OpenAPI schemas);
 * - custom resources against the `openAPIV3Schema` of the pinned CRD in
 *   ../shared/upstream/crds, with unknown fields rejected (the API server's strict field
 *   validation), and against the catalog JSON schema in ../shared/upstream/schemas when
 *   one exists for the same version.
 */

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } };

/** Kinds with no schema here, each with the reason; anything else without one fails. */
export const UNVALIDATED_KINDS: Record<string, string> = {};

/** Catalog schemas that lag the pinned CRD (SOURCES.md lists the drift): the CRD check still applies. */
export const CATALOG_LAGS: Record<string, string> = {};

/**
 * CRD patterns are Go (RE2) regular expressions: translate the inline `(?i)` flag, which
 * JavaScript lacks; a pattern JavaScript still cannot compile is not checked (rare).
 */
function goRegExp(pattern: string, flags: string): RegExp {
  let p = pattern;
  let f = flags.replace('u', '');
  if (p.includes('(?i)')) {
    p = p.split('(?i)').join('');
    f += 'i';
  }
  try {
    return new RegExp(p, f);
  } catch {
    return /[\s\S]*/;
  }
}
goRegExp.code = 'goRegExp';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true, regExp: goRegExp as never } });

/** Bumped when the options above or strictify change: part of every compiled validator's cache key. */
const VALIDATOR_FORMAT = 1;

/**
 * Compiles a schema, through a cache of Ajv's standalone code in
 * node_modules/.cache/hybrid-serverless/ajv/ keyed by the schema and Ajv's version: compiling a
 * large CRD schema takes seconds of CPU, loading its code milliseconds, and 28 test files validate.
 */
function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = createHash('sha256').update(`${VALIDATOR_FORMAT}\0${AJV_VERSION}\0`).update(JSON.stringify(schema)).digest('hex').slice(0, 24);
  const file = path.join(CRD_CACHE_DIR, 'ajv', `${key}.js`);
  let code: string | undefined;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    const validate = ajv.compile(schema);
    code = standaloneCode(ajv, validate);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  }
  const module = { exports: {} as { default?: ValidateFunction } };
  // The standalone module refers to Ajv's runtime helpers by require and to goRegExp by name.
  new Function('require', 'module', 'exports', 'goRegExp', code)(require, module, module.exports, goRegExp);
  return module.exports.default ?? (module.exports as unknown as ValidateFunction);
}

/** CRD openAPIV3Schema → JSON schema with structural-schema semantics. */
function strictify(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, Record<string, unknown>>).map(([p, s]) => [p, strictify(s)]));
    } else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && v && typeof v === 'object') {
      out[k] = strictify(v as Record<string, unknown>);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map((s) => strictify(s));
    } else out[k] = v;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema.type === 'object' && !preserve && out.additionalProperties === undefined) {
    if (out.properties) out.additionalProperties = false;
  }
  return out;
}

interface CrdEntry {
  file: string;
  /** `spec.names.plural` and `spec.scope`, as the API server serves the kind. */
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  /** The CRD's served versions with their schemas (all the validators need of it). */
  versions: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
  validators?: Map<string, ValidateFunction>;
}

let crdIndex: Map<string, CrdEntry> | undefined;

/** Where the parsed CRD index is kept between test files (and runs): outside the repository's sources. */
const CRD_CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/hybrid-serverless');

/** Bumped when the index's entries change shape. */
const CRD_INDEX_FORMAT = 2;

/** The CRD files, sorted, with a digest of their names and contents: the cache file's name. */
function crdFiles(): { files: { rel: string; abs: string }[]; digest: string } {
  const root = upstreamPath('crds');
  // The index's format is part of the digest: a cache written by an older format is not read.
  const hash = createHash('sha256').update(`${CRD_INDEX_FORMAT}\0`);
  const files = fs
    .readdirSync(root)
    .sort()
    .flatMap((project) =>
      fs
        .readdirSync(path.join(root, project))
        .sort()
        .map((file) => ({ rel: `crds/${project}/${file}`, abs: path.join(root, project, file) })),
    );
  for (const f of files) hash.update(`${f.rel}\0`).update(fs.readFileSync(f.abs)).update('\0');
  return { files, digest: hash.digest('hex').slice(0, 16) };
}

/**
 * Parses every CRD in ../shared/upstream/crds (102 YAML files, seconds of CPU) into
 * `node_modules/.cache/hybrid-serverless/crds-<digest>.json`, unless that file exists: jest's
 * globalSetup calls it once per run, so the test files read one JSON file instead of each
 * parsing the YAML again. The digest covers every file's name and content.
 */
export function crdIndexFile(): string | undefined {
  if (!UPSTREAM) return undefined;
  const { files, digest } = crdFiles();
  const cache = path.join(CRD_CACHE_DIR, `crds-${digest}.json`);
  if (fs.existsSync(cache)) return cache;
  const index: Record<string, Omit<CrdEntry, 'validators'>> = {};
  for (const f of files) {
    for (const doc of readYamlDocs(f.abs) as Array<Record<string, any>>) {
      if (doc?.kind !== 'CustomResourceDefinition') continue;
      index[`${doc.spec.group}/${doc.spec.names.kind}`] = { file: f.rel, plural: doc.spec.names.plural, scope: doc.spec.scope, versions: doc.spec.versions };
    }
  }
  fs.mkdirSync(CRD_CACHE_DIR, { recursive: true });
  const tmp = `${cache}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(index));
  fs.renameSync(tmp, cache);
  return cache;
}

/** Every CRD in ../shared/upstream/crds, by `<group>/<kind>` (from the cached index); schemas compile on first use. */
function crds(): Map<string, CrdEntry> {
  if (crdIndex) return crdIndex;
  const file = crdIndexFile();
  crdIndex = new Map(file ? Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CrdEntry>) : []);
  return crdIndex;
}

/** Every pinned CRD as `<group>/<plural>:<scope>` (from the cached index). */
export function crdResources(): string[] {
  return [...crds().entries()].map(([key, c]) => `${key.slice(0, key.lastIndexOf('/'))}/${c.plural}:${c.scope}`);
}

function crdValidators(entry: CrdEntry): Map<string, ValidateFunction> {
  if (entry.validators) return entry.validators;
  entry.validators = new Map();
  for (const v of entry.versions) {
    if (!v.served || !v.schema?.openAPIV3Schema) continue;
    const schema = strictify(v.schema.openAPIV3Schema);
    // apiVersion/kind/metadata are the API server's, not the CRD's, to check.
    const props = { ...((schema.properties as object) ?? {}) } as Record<string, unknown>;
    props.apiVersion = { type: 'string' };
    props.kind = { type: 'string' };
    props.metadata = { type: 'object' };
    entry.validators.set(v.name, compile({ ...schema, properties: props, additionalProperties: false }));
  }
  return entry.validators;
}

const catalogCache = new Map<string, ValidateFunction | null>();
function catalog(group: string, kind: string, version: string): ValidateFunction | null {
  const key = `${group}/${kind}_${version}`;
  if (!catalogCache.has(key)) {
    const file = UPSTREAM ? upstreamPath('schemas', group, `${kind.toLowerCase()}_${version}.json`) : '';
    catalogCache.set(key, file && fs.existsSync(file) ? compile({ ...JSON.parse(fs.readFileSync(file, 'utf8')), $schema: undefined, $id: undefined }) : null);
  }
  return catalogCache.get(key) ?? null;
}

function coreModel(apiVersion: string, kind: string): (new (data: unknown) => { validate(): void }) | undefined {
  const group = apiVersion.includes('/') ? apiVersion : `v1`;
  if (apiVersion.includes('/') && !/(\.k8s\.io|^apps|^batch|^policy|^autoscaling)\//.test(apiVersion)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`kubernetes-models/${group}`)[kind];
  } catch {
    return undefined;
  }
}

function ajvErrors(v: ValidateFunction): string[] {
  return (v.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${(e.params as { additionalProperty: string }).additionalProperty}` : ''}`,
  );
}

export interface ValidationResult {
  /** Which validators ran, e.g. `kubernetes-models`, `crd`, `catalog`. */
  readonly checkedBy: string[];
  readonly errors: string[];
}

/** Validates one object; `checkedBy` is empty when no schema exists for its kind. */
export function validateObject(obj: Manifest): ValidationResult {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const errors: string[] = [];
  const checkedBy: string[] = [];
  const Model = coreModel(obj.apiVersion, obj.kind);
  if (Model) {
    checkedBy.push('kubernetes-models');
    try {
      new Model(obj).validate();
    } catch (e) {
      errors.push(`kubernetes-models: ${(e as Error).message}`);
    }
    return { checkedBy, errors };
  }
  const crd = crds().get(`${group}/${obj.kind}`);
  const v = crd ? crdValidators(crd).get(version) : undefined;
  if (crd && !v) errors.push(`${obj.apiVersion} is not a served version of ${obj.kind} in ${crd.file}`);
  if (v) {
    checkedBy.push('crd');
    if (!v(obj as unknown)) errors.push(...ajvErrors(v).map((m) => `crd ${crd!.file}: ${m}`));
  }
  const c = catalog(group, obj.kind, version);
  if (c && !CATALOG_LAGS[`${group}/${obj.kind}`]) {
    checkedBy.push('catalog');
    if (!c(obj as unknown)) errors.push(...ajvErrors(c).map((m) => `catalog schemas/${group}/${obj.kind.toLowerCase()}_${version}.json: ${m}`));
  }
  return { checkedBy, errors };
}

/** Problems in a list of objects, as readable lines (empty when all are valid). */
export function validateAll(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const id = `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
    const r = validateObject(o);
    if (r.checkedBy.length === 0 && !UNVALIDATED_KINDS[`${o.apiVersion.split('/')[0]}/${o.kind}`]) {
      problems.push(`${id}: no schema for this kind (add one, or list it in UNVALIDATED_KINDS with a reason)`);
    }
    for (const e of r.errors) problems.push(`${id}: ${e}`);
  }
  return problems;
}
