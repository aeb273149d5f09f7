import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../lib/cluster/kubectl';

export interface DemoChartVersion {
  readonly chart: string;
  readonly version: string;
  /** The chart's `crds/` files, one CRD each. */
  readonly crds: readonly KubeObject[];
}

/**
 * Writes small test charts into a chart repository folder — `crds/` as given and one ConfigMap
 * template — and an index.yaml listing every version given (earlier versions stay served).
 * Written here, for the tests; no upstream chart content.
 */
export function writeDemoCharts(dir: string, baseUrl: string, versions: readonly DemoChartVersion[]): void {
  const entries: Record<string, unknown[]> = {};
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-demo-chart-'));
  try {
    for (const { chart, version, crds } of versions) {
      const root = path.join(work, `${chart}-${version}`, chart);
      fs.mkdirSync(path.join(root, 'templates'), { recursive: true });
      fs.mkdirSync(path.join(root, 'crds'));
      fs.writeFileSync(path.join(root, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: chart, version, description: `test chart ${chart} ${version}` }));
      crds.forEach((c, i) => fs.writeFileSync(path.join(root, 'crds', `${i}-${c.metadata.name}.yaml`), stringify(c)));
      fs.writeFileSync(
        path.join(root, 'templates', 'config.yaml'),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n  namespace: {{ .Release.Namespace }}\ndata:\n  version: ${JSON.stringify(version)}\n`,
      );
      const tgz = path.join(dir, `${chart}-${version}.tgz`);
      execFileSync('tar', ['-czf', tgz, '-C', path.dirname(root), chart]);
      const digest = createHash('sha256').update(fs.readFileSync(tgz)).digest('hex');
      (entries[chart] ??= []).push({ apiVersion: 'v2', name: chart, version, urls: [`${baseUrl}/${chart}-${version}.tgz`], digest, created: '2026-01-01T00:00:00Z' });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(dir, 'index.yaml'), stringify({ apiVersion: 'v1', entries, generated: '2026-01-01T00:00:00Z' }));
}

/**
 * A namespaced CRD `<plural>.demo.example.org`, version v1, whose schema has `spec.size` and the
 * given extra spec fields; each extra field is also a printer column.
 */
export function demoCrd(kind: string, extraFields: readonly string[] = []): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  const fields = Object.fromEntries([['size', { type: 'integer' }], ...extraFields.map((f) => [f, { type: 'string' }])]);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.demo.example.org` },
    spec: {
      group: 'demo.example.org',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: fields } } } },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            ...extraFields.map((f) => ({ name: f[0].toUpperCase() + f.slice(1), type: 'string', jsonPath: `.spec.${f}` })),
          ],
        },
      ],
    },
  } as KubeObject;
}
