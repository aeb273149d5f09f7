import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
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

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp as never } });

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
  doc: Record<string, any>;
  validators?: Map<string, ValidateFunction>;
}

let crdIndex: Map<string, CrdEntry> | undefined;

/** Every CRD in ../shared/upstream/crds, by `<group>/<kind>`; schemas compile on first use. */
function crds(): Map<string, CrdEntry> {
  if (crdIndex) return crdIndex;
  crdIndex = new Map();
  if (!UPSTREAM) return crdIndex;
  const root = upstreamPath('crds');
  for (const project of fs.readdirSync(root)) {
    for (const file of fs.readdirSync(path.join(root, project))) {
      for (const doc of readYamlDocs(path.join(root, project, file)) as Array<Record<string, any>>) {
        if (doc?.kind !== 'CustomResourceDefinition') continue;
        crdIndex.set(`${doc.spec.group}/${doc.spec.names.kind}`, { file: `crds/${project}/${file}`, doc });
      }
    }
  }
  return crdIndex;
}

function crdValidators(entry: CrdEntry): Map<string, ValidateFunction> {
  if (entry.validators) return entry.validators;
  entry.validators = new Map();
  for (const v of entry.doc.spec.versions) {
    if (!v.served || !v.schema?.openAPIV3Schema) continue;
    const schema = strictify(v.schema.openAPIV3Schema);
    // apiVersion/kind/metadata are the API server's, not the CRD's, to check.
    const props = { ...((schema.properties as object) ?? {}) } as Record<string, unknown>;
    props.apiVersion = { type: 'string' };
    props.kind = { type: 'string' };
    props.metadata = { type: 'object' };
    entry.validators.set(v.name, ajv.compile({ ...schema, properties: props, additionalProperties: false }));
  }
  return entry.validators;
}

const catalogCache = new Map<string, ValidateFunction | null>();
function catalog(group: string, kind: string, version: string): ValidateFunction | null {
  const key = `${group}/${kind}_${version}`;
  if (!catalogCache.has(key)) {
    const file = UPSTREAM ? upstreamPath('schemas', group, `${kind.toLowerCase()}_${version}.json`) : '';
    catalogCache.set(key, file && fs.existsSync(file) ? ajv.compile({ ...JSON.parse(fs.readFileSync(file, 'utf8')), $schema: undefined, $id: undefined }) : null);
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
