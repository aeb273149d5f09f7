import { REFERENCE_ENVIRONMENTS, synthEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';
import { kongReference } from './support';

/**
 * The reference stack end to end with the real modules: the backends register their
 * endpoints, the kong module routes to them. No test doubles.
 */
describe('reference stack through the gateway (real backend modules)', () => {
  test('the gateway gets an endpoint from every backend module: Knative and OpenFaaS Services, the Lambda function name', () => {
    const s = synthEnv('prod', kongReference());
    const byTarget = (target: string) => [...s.platform.endpoints.values()].filter((e) => e.target === target).map((e) => e.function.name);
    expect(byTarget('knative')).toEqual(s.platform.functionsFor('knative').map((f) => f.name));
    expect(byTarget('openfaas')).toEqual(s.platform.functionsFor('openfaas').map((f) => f.name));
    expect(byTarget('lambda')).toEqual(['thumbnail']);
    // One name for both sides: the lambda module's endpoint carries the name the cloud side gives the function.
    expect(s.platform.endpoints.get('thumbnail')).toMatchObject({ target: 'lambda', lambdaName: 'acme-prod-thumbnail' });
    expect(s.platform.endpoints.get('thumbnail')!.service).toBeUndefined();
  });

  test.each(REFERENCE_ENVIRONMENTS)('%s: every route resolves to the endpoint its backend module registered', (env) => {
    const s = synthEnv(env, kongReference());
    const expected: Record<string, { target: string; fn: string }> = {
      orders: { target: 'knative', fn: 'validate-order' },
      promo: { target: 'openfaas', fn: 'promo-discount' },
      thumbnails: { target: 'lambda', fn: 'thumbnail' },
    };
    for (const [route, { target, fn }] of Object.entries(expected)) {
      const ingress = s.get('Ingress', route, 'kong');
      const ref = ingress.spec.rules[0].http.paths[0].backend.service;
      const service = s.get('Service', ref.name, 'kong');
      expect(service.spec.ports[0].port).toBe(ref.port.number);
      const ep = s.platform.endpoints.get(fn);
      if (target === 'lambda') {
        expect(ep?.lambdaName).toBe(`acme-${env}-thumbnail`);
        expect(service.spec.externalName).toBe(`lambda.${s.platform.env.aws.region}.amazonaws.com`);
        // The live alias (provisioned concurrency, and the only ARN the invoke role allows), never $LATEST.
        expect(s.get('KongPlugin', `${route}-aws-lambda`, 'kong').config).toMatchObject({ function_name: `acme-${env}-thumbnail`, qualifier: 'live' });
        continue;
      }
      expect(ep?.target).toBe(target);
      expect(service.spec.externalName).toBe(`${ep!.service!.name}.${ep!.service!.namespace}.svc.cluster.local`);
      expect(service.metadata.annotations!['konghq.com/host-header']).toBe(ep!.hostHeader);
      expect(service.metadata.annotations!['konghq.com/path']).toBe(ep!.path);
      for (const p of ingress.metadata.annotations!['konghq.com/plugins'].split(',')) s.get('KongPlugin', p, 'kong');
    }
    expect(s.get('Ingress', 'orders', 'kong').metadata.annotations!['konghq.com/plugins']).toBe('orders-key-auth,orders-rate-limiting');
  });
});

describeWithUpstream('reference stack gateway objects against the schemas', () => {
  test('prod validates', () => {
    const s = synthEnv('prod', kongReference());
    const objs = s.objects.filter((o) => o.metadata.namespace === 'kong' || o.kind === 'KongClusterPlugin');
    expect(objs.length).toBeGreaterThan(15);
    expect(validateAll(objs)).toEqual([]);
  });
});
