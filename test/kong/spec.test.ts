import { parseSpec } from '../../lib/spec/parse';
import { SpecError } from '../../lib/core/errors';
import { kongReference } from './support';
import { parseErrorOf } from '../support/errors';

function errorOf(patch: (s: any) => void): SpecError {
  const s = kongReference();
  patch(s);
  return parseErrorOf(s);
}

describe('route and gateway rules', () => {
  test('the reference routes and consumers are valid', () => {
    const spec = parseSpec(kongReference());
    expect(spec.routes.map((r) => [r.name, r.function])).toEqual([
      ['orders', 'validate-order'],
      ['promo', 'promo-discount'],
      ['thumbnails', 'thumbnail'],
    ]);
  });

  test('same host + path + method on two routes is a conflict', () => {
    const e = errorOf((s) => s.routes.push({ name: 'orders-v2', host: 'api.acme.example', path: '/orders', methods: ['GET', 'POST'], function: 'validate-order' }));
    expect(e.message).toContain('routes[3].path: conflicts with route "orders" on host api.acme.example, method POST; give one of them another path, host or method (got "/orders")');
  });

  test('a route without methods conflicts with any method on the same host and path', () => {
    const e = errorOf((s) => s.routes.push({ name: 'promo-all', host: 'api.acme.example', path: '/promo', function: 'promo-discount' }));
    expect(e.message).toContain('routes[3].path: conflicts with route "promo" on host api.acme.example, method *');
  });

  test('the same path on another host or method is no conflict', () => {
    const s = kongReference();
    s.routes.push({ name: 'orders-read', host: 'api.acme.example', path: '/orders', methods: ['GET'], function: 'validate-order' });
    s.routes.push({ name: 'orders-partner', host: 'partner.acme.example', path: '/orders', methods: ['POST'], function: 'validate-order' });
    s.gateway.tls.push({ hosts: ['api.acme.example', 'partner.acme.example'], secretName: 'acme-tls' }); // absolute hosts need their certificate
    expect(() => parseSpec(s)).not.toThrow();
  });

  test('a route to a function that does not exist, or serves no HTTP', () => {
    const e = errorOf((s) => {
      s.routes[0].function = 'ghost';
      s.routes.push({ name: 'pay', host: 'api.acme.example', path: '/pay', function: 'payment' });
    });
    expect(e.message).toContain('routes[0].function: no such function; defined functions: validate-order, payment');
    expect(e.message).toContain('routes[3].function: function "payment" has no http trigger; add { type: \'http\' } to its triggers or route to another function (got "payment")');
  });

  test("Lambda routes need the cluster OIDC provider for Kong's IAM role", () => {
    const e = errorOf((s) => delete s.aws.oidcProvider);
    // (rules/lambda.ts reports it, once)
    expect(e.issues.filter((i) => i.path === 'aws.oidcProvider')).toHaveLength(1);
    expect(e.message).toContain('aws.oidcProvider: is required (or environments.<env>.aws.oidcProvider for dev, staging, prod, edge): route(s) "thumbnails"');
  });

  test('authenticated routes need consumers', () => {
    const e = errorOf((s) => (s.gateway.consumers = []));
    expect(e.issues.filter((i) => i.path.endsWith('.auth')).map((i) => i.path)).toEqual(['routes[0].auth', 'routes[1].auth', 'routes[2].auth']);
    expect(e.message).toContain('routes[0].auth: no consumer could call this route: add gateway.consumers with a key-auth credential secret, or set auth to \'none\' (got "key-auth")');
  });

  test('consumer names and credential secrets are unique', () => {
    const e = errorOf((s) => s.gateway.consumers.push({ name: 'mobile-app', credentialSecret: 'partner-portal-key' }));
    expect(e.message).toContain('gateway.consumers[2].name: duplicate consumer name: already used by gateway.consumers[0]; consumer names must be unique (got "mobile-app")');
    expect(e.message).toContain('gateway.consumers[2].credentialSecret: already the credential of gateway.consumers[1]; a credential belongs to one consumer (got "partner-portal-key")');
  });

  test('bad route options name the field and what is valid', () => {
    const e = errorOf((s) => {
      s.routes[0].cors = { origins: ['*'], credentials: true };
      s.routes[1].allowCidrs = ['10.0.0.0/33', 'office'];
      s.routes[2].protocols = ['ftp'];
      s.routes[2].healthCheck = { path: 'health' };
    });
    expect(e.message).toContain('routes[0].cors.origins: origin "*" cannot be combined with credentials (browsers refuse it); list the allowed origins');
    expect(e.message).toContain('routes[1].allowCidrs[0]: must be an IP address or CIDR block such as "10.0.0.0/8" or "2001:db8::/32" (got "10.0.0.0/33")');
    expect(e.message).toContain('routes[1].allowCidrs[1]: must be an IP address or CIDR block');
    expect(e.message).toContain('routes[2].healthCheck.path: must start with "/" (got "health")');
    expect(e.issues.map((i) => i.path)).toContain('routes[2].protocols[0]');
    const g = errorOf((s) => (s.gateway.proxyServiceType = 'Ingress'));
    expect(g.issues.map((i) => i.path)).toContain('gateway.proxyServiceType');
  });
});
