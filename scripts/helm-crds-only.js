#!/usr/bin/env node
'use strict';
/**
 * Helm post-renderer used by the Pulumi path (lib/pulumi/bridge.ts, crdChartArgs): reads what
 * Helm rendered for a chart with CRDs included on stdin and writes to stdout only the
 * CustomResourceDefinitions of the chart's `crds/` folders (and its subcharts'), each marked
 * `pulumi.com/patchForce: "true"` and written as JSON (valid YAML, read the same by every YAML
 * parser). Everything else — the chart's templates, CRDs rendered from templates (the Helm
 * release manages those and upgrades them itself) — is dropped.
 *
 * Helm writes each file it renders after a `# Source: <chart>/<path>` line; a `crds/` file
 * may hold several documents, and the ones after the first carry no such line: they belong to
 * the last `# Source:` seen. Zero values the API server drops are dropped (normalizeCrd).
 * patchForce lets the provider's server-side apply take over fields
 * another manager owns, e.g. `helm`, which created the CRDs when an earlier release installed
 * them itself — as Flux's `CreateReplace` replaces them.
 *
 * Plain Node.js, no build step, shipped in the package ("files"); its one dependency, `yaml`,
 * is a dependency of the package. Usage: node helm-crds-only.js < rendered.yaml
 */
const YAML = require('yaml');

const PATCH_FORCE = 'pulumi.com/patchForce';
// Helm's CRDObjects() file names: <chart>, then /charts/<subchart> any number of times, then /crds/<file>.
const CRDS_FILE = /^[^/]+(?:\/charts\/[^/]+)*\/crds\//;

/*
 * The API server stores a CRD through its Go types, whose `omitempty` fields lose their zero
 * values: an upstream `properties: {}` (Strimzi's Kafka CRD has one) comes back absent, and the
 * provider, comparing the live object with its inputs, would propose an update on every
 * preview. Dropping those zero values here changes nothing in what is stored.
 * (k8s.io/apiextensions-apiserver, apis/apiextensions/v1: JSONSchemaProps,
 * CustomResourceDefinitionSpec/Version/Names, CustomResourceColumnDefinition.)
 */
const OMITEMPTY_SCHEMA = {
  string: ['id', '$schema', 'description', 'type', 'format', 'title', 'pattern'],
  bool: ['exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems', 'nullable', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'],
  list: ['enum', 'required', 'allOf', 'oneOf', 'anyOf', 'x-kubernetes-list-map-keys', 'x-kubernetes-validations'],
  map: ['properties', 'patternProperties', 'dependencies', 'definitions'],
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function dropZero(o, { string = [], bool = [], list = [], map = [], number = [] }) {
  for (const k of string) if (o[k] === '') delete o[k];
  for (const k of bool) if (o[k] === false) delete o[k];
  for (const k of number) if (o[k] === 0) delete o[k];
  for (const k of list) if (Array.isArray(o[k]) && o[k].length === 0) delete o[k];
  for (const k of map) if (isObject(o[k]) && Object.keys(o[k]).length === 0) delete o[k];
}

function normalizeSchema(s) {
  if (!isObject(s)) return;
  for (const k of ['properties', 'patternProperties', 'definitions']) if (isObject(s[k])) Object.values(s[k]).forEach(normalizeSchema);
  if (isObject(s.dependencies)) Object.values(s.dependencies).forEach((d) => !Array.isArray(d) && normalizeSchema(d));
  for (const k of ['allOf', 'oneOf', 'anyOf']) if (Array.isArray(s[k])) s[k].forEach(normalizeSchema);
  if (Array.isArray(s.items)) s.items.forEach(normalizeSchema);
  for (const k of ['items', 'not', 'additionalProperties', 'additionalItems']) normalizeSchema(s[k]);
  dropZero(s, OMITEMPTY_SCHEMA);
}

function normalizeCrd(crd) {
  const spec = crd.spec;
  if (!isObject(spec)) return crd;
  dropZero(spec, { bool: ['preserveUnknownFields'] });
  if (isObject(spec.names)) dropZero(spec.names, { string: ['singular', 'listKind'], list: ['shortNames', 'categories'] });
  for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
    if (!isObject(v)) continue;
    if (isObject(v.schema)) normalizeSchema(v.schema.openAPIV3Schema);
    for (const c of Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : []) if (isObject(c)) dropZero(c, { string: ['format', 'description'], number: ['priority'] });
    dropZero(v, { bool: ['deprecated'], list: ['additionalPrinterColumns', 'selectableFields'] });
  }
  if (isObject(spec.validation)) normalizeSchema(spec.validation.openAPIV3Schema);
  return crd;
}

/*
 * Read as Helm reads it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars (on/off/yes/no/y/n
 * are booleans, 0755 is octal), except that timestamp-like and sexagesimal values stay strings.
 */
const YAML_AS_HELM = { version: '1.1', customTags: (tags) => tags.filter((t) => !/timestamp/.test(t.tag) && t.format !== 'TIME') };

function crdsOnly(stream) {
  const documents = [[]];
  for (const line of stream.split(/\r?\n/)) {
    const separator = /^---(?:\s+(.*))?$/.exec(line);
    if (separator) documents.push(separator[1] ? [separator[1]] : []);
    else documents[documents.length - 1].push(line);
  }
  const out = [];
  let source = '';
  for (const lines of documents) {
    for (const line of lines) {
      const m = /^#\s*Source:\s*(\S.*?)\s*$/.exec(line);
      if (m) {
        source = m[1];
        break;
      }
      if (line.trim() !== '' && !line.startsWith('#')) break;
    }
    if (!CRDS_FILE.test(source)) continue;
    const object = YAML.parse(lines.join('\n'), YAML_AS_HELM);
    if (!object || typeof object !== 'object' || object.kind !== 'CustomResourceDefinition') continue;
    const metadata = (object.metadata = object.metadata || {});
    metadata.annotations = { ...metadata.annotations, [PATCH_FORCE]: 'true' };
    out.push(`---\n${JSON.stringify(normalizeCrd(object))}\n`);
  }
  return out.join('');
}

module.exports = { crdsOnly, normalizeCrd };

if (require.main === module) {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    try {
      process.stdout.write(crdsOnly(Buffer.concat(chunks).toString('utf8')));
    } catch (err) {
      process.stderr.write(`helm-crds-only: ${err && err.message ? err.message : err}\n`);
      process.exit(1);
    }
  });
}
