import { Chart, Testing } from 'cdk8s';
import { KongBackend } from '../../lib/k8s/kong/kong-backend';
import { KongRoute } from '../../lib/k8s/kong/kong-route';
import { parseSpec } from '../../lib/spec/parse';
import { tlsCovers } from '../../lib/spec/route';
import { specErrorOf } from '../support/errors';
import { referenceCopy, synthEnv, type SynthesizedEnv } from '../support/synth';
import { describeWithUpstream } from '../support/upstream';
import { validateAll } from '../support/validate';

const ROUTES = ['orders', 'promo', 'thumbnails'];
const ingress = (s: SynthesizedEnv, name: string) => s.get('Ingress', name, 'kong');

/** The reference spec with its gateway TLS settings replaced. */
function withTls(tls: unknown, certManager?: unknown): any {
  const s = referenceCopy();
  s.gateway.tls = tls;
  if (certManager) s.gateway.certManager = certManager;
  return s;
}

describe('gateway certificates on Ingress routes', () => {
  test('the reference stack serves api-tls for the api host of each environment', () => {
    const dev = synthEnv('dev');
    const prod = synthEnv('prod');
    for (const name of ROUTES) {
      expect(ingress(dev, name).spec.tls).toEqual([{ hosts: ['api.dev.acme.example'], secretName: 'api-tls' }]);
      expect(ingress(prod, name).spec.tls).toEqual([{ hosts: ['api.acme.example'], secretName: 'api-tls' }]);
      // the host of the rule and of the certificate are the same name (Kong picks it by SNI)
      expect(ingress(prod, name).spec.rules[0].host).toBe('api.acme.example');
      expect(ingress(prod, name).metadata.annotations!['cert-manager.io/cluster-issuer']).toBeUndefined();
    }
    // a reference, never certificate material: the toolkit renders no Secret for it
    expect(prod.find('Secret', 'api-tls')).toEqual([]);
  });

  test('wildcards: "*" is relative to the environment domain; "*.x" covers exactly one label', () => {
    const spec = withTls([{ hosts: ['*'], secretName: 'wildcard-tls' }]);
    expect(ingress(synthEnv('dev', spec), 'orders').spec.tls).toEqual([{ hosts: ['api.dev.acme.example'], secretName: 'wildcard-tls' }]);
    expect(ingress(synthEnv('edge', spec), 'promo').spec.tls).toEqual([{ hosts: ['api.edge.acme.example'], secretName: 'wildcard-tls' }]);

    expect(tlsCovers('*.acme.example', 'api.acme.example')).toBe(true);
    expect(tlsCovers('*.acme.example', 'acme.example')).toBe(false);
    expect(tlsCovers('*.acme.example', 'api.dev.acme.example')).toBe(false);
    expect(tlsCovers('api.acme.example', 'api.acme.example')).toBe(true);
    expect(tlsCovers('api.acme.example', 'www.acme.example')).toBe(false);

    // the first certificate that covers the host wins; an absolute host for a partner domain
    const s = withTls([
      { hosts: ['*.partner.example'], secretName: 'partner-tls' },
      { hosts: ['*.acme.example', '*.dev.acme.example', '*.staging.acme.example', '*.edge.acme.example'], secretName: 'acme-wildcard' },
    ]);
    s.routes.push({ name: 'partner-orders', host: 'orders.partner.example', path: '/orders', methods: ['POST'], function: 'validate-order' });
    const prod = synthEnv('prod', s);
    expect(ingress(prod, 'partner-orders').spec.tls).toEqual([{ hosts: ['orders.partner.example'], secretName: 'partner-tls' }]);
    expect(ingress(prod, 'orders').spec.tls).toEqual([{ hosts: ['api.acme.example'], secretName: 'acme-wildcard' }]);
  });

  test('cert-manager: the cluster-issuer annotation and <route>-tls for each https route', () => {
    const s = withTls(undefined, { clusterIssuer: 'letsencrypt-prod' });
    delete s.gateway.tls;
    const prod = synthEnv('prod', s);
    for (const name of ROUTES) {
      expect(ingress(prod, name).metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
      expect(ingress(prod, name).spec.tls).toEqual([{ hosts: ['api.acme.example'], secretName: `${name}-tls` }]);
    }
  });

  test('with both, a covered host uses its Secret and cert-manager issues the rest', () => {
    const s = withTls([{ hosts: ['api'], secretName: 'api-tls' }], { clusterIssuer: 'letsencrypt-prod' });
    s.routes.push({ name: 'shop-orders', host: 'shop', path: '/orders', methods: ['POST'], function: 'validate-order' });
    const dev = synthEnv('dev', s);
    expect(ingress(dev, 'orders').spec.tls).toEqual([{ hosts: ['api.dev.acme.example'], secretName: 'api-tls' }]);
    expect(ingress(dev, 'orders').metadata.annotations!['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(ingress(dev, 'shop-orders').spec.tls).toEqual([{ hosts: ['shop.dev.acme.example'], secretName: 'shop-orders-tls' }]);
    expect(ingress(dev, 'shop-orders').metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });

  test('a plain-http route needs no certificate and gets none', () => {
    const s = referenceCopy();
    s.routes.push({ name: 'status', host: 'status', path: '/status', methods: ['GET'], function: 'validate-order', auth: 'none', protocols: ['http'] });
    const status = ingress(synthEnv('dev', s), 'status');
    expect(status.spec.tls).toBeUndefined();
    expect(status.metadata.annotations!['konghq.com/protocols']).toBe('http');
  });

  test('without any TLS settings, routes carry no spec.tls (Kong serves its default certificate)', () => {
    const s = referenceCopy();
    delete s.gateway.tls;
    expect(ingress(synthEnv('dev', s), 'orders').spec.tls).toBeUndefined();
  });
});

describe('gateway TLS rules', () => {
  test('an https route whose host no certificate covers, naming the environment and the covered hosts', () => {
    const s = referenceCopy();
    s.routes.push({ name: 'shop-orders', host: 'shop', path: '/orders', methods: ['POST'], function: 'validate-order' });
    const e = specErrorOf(() => parseSpec(s));
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain(
      `routes[3].host: no gateway.tls certificate covers shop.dev.acme.example (environment dev); the certificates cover api.dev.acme.example. Add the host to gateway.tls[].hosts, set gateway.certManager, or drop 'https' from the route's protocols (got "shop")`,
    );
  });

  test('an absolute wildcard covers one environment only: the others are reported', () => {
    const e = specErrorOf(() => parseSpec(withTls([{ hosts: ['*.acme.example'], secretName: 'acme-wildcard' }])));
    // one issue per route (the first environment where it is uncovered)
    expect(e.issues.map((i) => i.path)).toEqual(['routes[0].host', 'routes[1].host', 'routes[2].host']);
    expect(e.message).toContain('routes[0].host: no gateway.tls certificate covers api.dev.acme.example (environment dev); the certificates cover *.acme.example.');
  });

  test('duplicate secretNames', () => {
    const e = specErrorOf(() =>
      parseSpec(
        withTls([
          { hosts: ['api'], secretName: 'api-tls' },
          { hosts: ['www'], secretName: 'api-tls' },
        ]),
      ),
    );
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain('gateway.tls[1].secretName: duplicate secretName: already used by gateway.tls[0]; list all hosts of one certificate in one entry (got "api-tls")');
  });

  test('wildcards only as the whole leftmost label', () => {
    for (const host of ['api.*.example', 'a*.acme.example', '*api', '*.*.acme.example']) {
      const e = specErrorOf(() => parseSpec(withTls([{ hosts: ['api', host], secretName: 'api-tls' }])));
      expect(e.message).toContain(
        `gateway.tls[0].hosts[1]: a wildcard must be the whole leftmost label: "*.acme.example", or "*" alone for every single-label host of the environment domain (got ${JSON.stringify(host)})`,
      );
    }
    const e = specErrorOf(() => parseSpec(withTls([{ hosts: ['API.acme.example'], secretName: 'api-tls' }])));
    expect(e.message).toContain('gateway.tls[0].hosts[0]: must be a DNS-1123 subdomain: lowercase alphanumerics, "-" and ".", optionally starting with "*."');
  });

  test('a Secret the user manages may not be the one cert-manager would issue into', () => {
    const s = withTls([{ hosts: ['www'], secretName: 'orders-tls' }], { clusterIssuer: 'letsencrypt-prod' });
    const e = specErrorOf(() => parseSpec(s));
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain(
      'gateway.tls[0].secretName: is the Secret cert-manager issues for route "orders" (host api.dev.acme.example in dev, which no gateway.tls entry covers) and would be overwritten; rename it (got "orders-tls")',
    );
  });

  test('certManager needs a ClusterIssuer name', () => {
    const s = referenceCopy();
    s.gateway.certManager = { clusterIssuer: 'Lets Encrypt' };
    expect(specErrorOf(() => parseSpec(s)).message).toContain('gateway.certManager.clusterIssuer: must be a DNS-1123 subdomain');
  });
});

describe('KongRoute tls', () => {
  const chart = () => new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const backendOf = (c: Chart) => new KongBackend(c, 'b', { name: 'hello-backend', namespace: 'kong', target: { kind: 'service', namespace: 'kourier-system', name: 'kourier-internal', port: 80 } });

  test('an HTTPRoute takes its certificate from the Gateway listener, so tls is refused there', () => {
    const c = chart();
    expect(
      () =>
        new KongRoute(c, 'r', {
          name: 'hello',
          namespace: 'kong',
          host: 'api.acme.example',
          paths: ['/'],
          backend: backendOf(c),
          api: 'httproute',
          gateway: { name: 'kong', namespace: 'kong' },
          tls: { secretName: 'api-tls' },
        }),
    ).toThrow("KongRoute(hello).tls: applies to Ingress routes only: an HTTPRoute's certificate is set on the Gateway listener (certificateRefs)");
  });

  test('secret and issuer names are checked', () => {
    const c = chart();
    const b = backendOf(c);
    expect(() => new KongRoute(c, 'r1', { name: 'a', namespace: 'kong', host: 'api.acme.example', paths: ['/'], backend: b, tls: { secretName: 'API_TLS' } })).toThrow(
      'KongRoute(a).tls.secretName: must be a DNS-1123 subdomain (a Secret name) (got "API_TLS")',
    );
    expect(() => new KongRoute(c, 'r2', { name: 'b', namespace: 'kong', host: 'api.acme.example', paths: ['/'], backend: b, tls: { secretName: 'b-tls', clusterIssuer: 'Lets Encrypt' } })).toThrow(
      'KongRoute(b).tls.clusterIssuer: must be a DNS-1123 subdomain (a ClusterIssuer name) (got "Lets Encrypt")',
    );
  });
});

describeWithUpstream('TLS output validates', () => {
  test('reference dev + prod, cert-manager and mixed setups', () => {
    const certManager = withTls([{ hosts: ['api'], secretName: 'api-tls' }], { clusterIssuer: 'letsencrypt-prod' });
    certManager.routes.push({ name: 'shop-orders', host: 'shop', path: '/orders', methods: ['POST'], function: 'validate-order' });
    for (const s of [synthEnv('dev'), synthEnv('prod'), synthEnv('staging', certManager)]) {
      expect(s.find('Ingress').every((i) => i.spec.tls?.length === 1)).toBe(true);
      expect(validateAll(s.objects)).toEqual([]);
    }
  });
});
