import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { loadSpecFile } from '../../lib/platform/load';
import { renderAll } from '../../lib/platform/synth-all';
import { specErrorOf } from '../support/errors';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

const EXAMPLE = path.resolve(__dirname, '../../examples/minimal.platform.yaml');

describe('examples/minimal.platform.yaml', () => {
  const outputs = renderAll(loadSpecFile(EXAMPLE));
  const objects = (env: string) =>
    [...outputs.find((o) => o.env === env)!.files.entries()].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));

  test('synthesizes the environments it declares, with a route to the Knative function', () => {
    expect(outputs.map((o) => o.env)).toEqual(['dev', 'edge']);
    const ingress = objects('dev').find((o) => o.kind === 'Ingress');
    expect(ingress.spec.rules[0].host).toBe('api.dev.demo.example');
    // OpenFaaS Community Edition by default: the function is a Deployment faas-netes serves, no Function.
    expect(objects('dev').filter((o) => o.kind === 'Function')).toEqual([]);
    expect(
      objects('dev')
        .filter((o) => o.kind === 'Deployment' && o.metadata.labels?.faas_function)
        .map((f) => f.metadata.name),
    ).toEqual(['cleanup']);
  });

  test('a spec file that does not parse is a SpecError naming the file', () => {
    expect(specErrorOf(() => loadSpecFile(path.join(__dirname, 'no-such-file.yaml'))).message).toContain('(file): cannot read the spec file: ENOENT');
  });
});

describeWithUpstream('the example validates against the upstream schemas', () => {
  test.each(['dev', 'edge'])('%s', (env) => {
    const outputs = renderAll(loadSpecFile(EXAMPLE), { environments: [env as 'dev'] });
    const objs = [...outputs[0].files.entries()].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, t]) => parseAllDocuments(t).map((d) => d.toJS()));
    expect(validateAll(objs)).toEqual([]);
  });
});
