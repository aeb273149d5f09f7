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
 * the last `# Source:` seen. patchForce lets the provider's server-side apply take over fields
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
    const object = YAML.parse(lines.join('\n'), { version: '1.1' });
    if (!object || typeof object !== 'object' || object.kind !== 'CustomResourceDefinition') continue;
    const metadata = (object.metadata = object.metadata || {});
    metadata.annotations = { ...metadata.annotations, [PATCH_FORCE]: 'true' };
    out.push(`---\n${JSON.stringify(object)}\n`);
  }
  return out.join('');
}

module.exports = { crdsOnly };

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
