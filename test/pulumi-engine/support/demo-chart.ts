import type { KubeObject } from '../../../lib/cluster/kubectl';
import { writeHelmRepositoryFolder } from './helm-repo-folder';

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
  writeHelmRepositoryFolder(
    dir,
    baseUrl,
    versions.map(({ chart, version, crds }) => ({
      chart,
      version,
      description: `test chart ${chart} ${version}`,
      crds,
      templates: {
        'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n  namespace: {{ .Release.Namespace }}\ndata:\n  version: ${JSON.stringify(version)}\n`,
      },
    })),
  );
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
