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

describe('examples/openfaas-ce.platform.yaml: OpenFaaS Community Edition only', () => {
  const CE_EXAMPLE = path.resolve(__dirname, '../../examples/openfaas-ce.platform.yaml');
  const outputs = renderAll(loadSpecFile(CE_EXAMPLE));
  const objectsOf = (o: (typeof outputs)[number]) => [...o.files.entries()].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));

  test('every environment: functions as Deployments and Services faas-netes serves, no openfaas.com object, no licence', () => {
    expect(outputs.map((o) => o.env)).toEqual(['dev', 'prod', 'edge']);
    for (const o of outputs) {
      const objs = objectsOf(o);
      expect(objs.filter((x) => x.apiVersion.startsWith('openfaas.com/'))).toEqual([]);
      expect(JSON.stringify(objs)).not.toContain('openfaas-license');
      const fns = objs.filter((x) => x.metadata.namespace === 'openfaas-fn' && x.metadata.labels?.faas_function);
      expect(fns.map((x) => `${x.kind}/${x.metadata.name}`).sort()).toEqual(['Deployment/cleanup', 'Deployment/hello', 'Deployment/resize', 'Service/cleanup', 'Service/hello', 'Service/resize']);
      const resize = fns.find((x) => x.kind === 'Deployment' && x.metadata.name === 'resize').spec.template.spec;
      expect(resize.containers[0].volumeMounts).toContainEqual({ name: 'resize-projected-secrets', mountPath: '/var/openfaas/secrets', readOnly: true });
      const release = objs.find((x) => x.kind === 'HelmRelease' && x.metadata.name === 'openfaas');
      expect(release.spec.values).toMatchObject({ openfaasPro: false, operator: { create: false } });
    }
  });
});

describeWithUpstream('the OpenFaaS CE example validates against the upstream schemas', () => {
  test.each(['dev', 'prod', 'edge'])('%s', (env) => {
    const outputs = renderAll(loadSpecFile(path.resolve(__dirname, '../../examples/openfaas-ce.platform.yaml')), { environments: [env as 'dev'] });
    const objs = [...outputs[0].files.entries()].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, t]) => parseAllDocuments(t).map((d) => d.toJS()));
    expect(validateAll(objs)).toEqual([]);
  });
});
