import { resolveHost } from '../../lib/core/naming';
import { specErrorOf } from '../support/errors';
import { referenceCopy, synthEnv } from '../support/synth';
import { parseSpec } from '../../lib/spec/parse';

describe('route hosts per environment', () => {
  test('a single-label host is relative to the environment domain; a dotted one is absolute', () => {
    expect(resolveHost('api', 'dev.acme.example')).toBe('api.dev.acme.example');
    expect(resolveHost('api.partner.example', 'dev.acme.example')).toBe('api.partner.example');
    expect(synthEnv('dev').get('Ingress', 'orders', 'kong').spec.rules[0].host).toBe('api.dev.acme.example');
    expect(synthEnv('prod').get('Ingress', 'orders', 'kong').spec.rules[0].host).toBe('api.acme.example');
  });

  test('conflicts are found where a relative and an absolute host meet in one environment', () => {
    const s = referenceCopy();
    s.routes.push({ name: 'orders-abs', host: 'api.acme.example', path: '/orders', methods: ['POST'], function: 'validate-order' });
    s.gateway.tls.push({ hosts: ['api.acme.example'], secretName: 'api-acme-tls' }); // covered, so the conflict is the one problem
    const e = specErrorOf(() => parseSpec(s));
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain('routes[3].path: conflicts with route "orders" on host api.acme.example, method POST');
  });
});
