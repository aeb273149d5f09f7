import { QUEUE_PROXY_LIMITS, QUEUE_PROXY_REQUESTS } from '../../lib/k8s/knative/serving-install';
import { REFERENCE_ENVIRONMENTS } from '../support/synth';
import { PROFILES } from '../../lib/spec/profiles';
import { cpuCores } from '../../lib/core/quantity';
import { specErrorOf } from '../support/errors';
import { quotaHard, warmUsage } from './admission';
import { reference, synth } from './support';

/** Quota values for a usage, as the user would write them. */
const asQuota = (u: { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number; pods: number }) => ({
  requestsCpu: `${u.requestsCpu}m`,
  requestsMemory: `${u.requestsMemory / 2 ** 20}Mi`,
  limitsCpu: `${u.limitsCpu}m`,
  limitsMemory: `${u.limitsMemory / 2 ** 20}Mi`,
  pods: u.pods,
});

describe.each([...REFERENCE_ENVIRONMENTS])('reference stack in %s: warm pods fit the quota as admission counts them', (env) => {
  const out = synth(env);
  test.each(reference().tenants.map((t: { name: string }) => t.name) as string[])('%s', (tenant: string) => {
    const use = warmUsage(out, tenant);
    const hard = quotaHard(out, tenant);
    for (const k of Object.keys(use) as (keyof typeof use)[]) expect([k, use[k] <= hard[k]]).toEqual([k, true]);
  });
});

/** The reference spec with only `env`: a tenant's quota is one for all environments, and parseSpec checks each. */
const only = (env: string) => {
  const s = reference();
  s.environments = { [env]: s.environments[env] };
  return s;
};

describe('the queue-proxy sidecar counts against the quota', () => {
  test('the numbers come from the KnativeServing config the platform writes', () => {
    const deployment = synth('prod').find('KnativeServing')[0].spec.config.deployment;
    expect(deployment).toEqual({ 'queue-sidecar-cpu-request': QUEUE_PROXY_REQUESTS.cpu, 'queue-sidecar-memory-request': QUEUE_PROXY_REQUESTS.memory });
    // No sidecar limits are configured: the LimitRange default limits apply to it (counted below).
    expect(QUEUE_PROXY_LIMITS).toEqual({});
  });

  test('a quota that fits the function containers alone but not with the sidecar is rejected', () => {
    // prod, shop: validate-order 1 warm pod + payment 2 prewarmed; containers 250m/256Mi requests,
    // 1/1Gi limits; queue-proxy 25m/32Mi requests and the LimitRange default 1/1Gi limits.
    const s = only('prod');
    s.tenants[0].quota = { requestsCpu: '750m', requestsMemory: '768Mi', limitsCpu: '3', limitsMemory: '3Gi', pods: 3 };
    const e = specErrorOf(() => synth('prod', s));
    expect(e.issues.map((i) => i.path)).toEqual(['tenants[0].quota.requestsCpu', 'tenants[0].quota.requestsMemory', 'tenants[0].quota.limitsCpu', 'tenants[0].quota.limitsMemory']);
    expect(e.message).toContain(
      'tenants[0].quota.requestsCpu: environment "prod": requests.cpu 750m is below the 825m the tenant\'s functions need at their minimum scale, Knative\'s queue-proxy sidecar included (pods × (function container + queue-proxy): validate-order 1×(250m + 25m), payment 2×(250m + 25m); queue-proxy requests.cpu from KnativeServing config-deployment queue-sidecar-cpu-request); raise it to at least 825m or lower their min scale (got "750m")',
    );
    expect(e.message).toContain('tenants[0].quota.requestsMemory: environment "prod": requests.memory 768Mi is below the 864Mi');
    expect(e.message).toContain(
      'tenants[0].quota.limitsCpu: environment "prod": limits.cpu 3 is below the 6 the tenant\'s functions need at their minimum scale, Knative\'s queue-proxy sidecar included (pods × (function container + queue-proxy): validate-order 1×(1 + 1), payment 2×(1 + 1); queue-proxy limits.cpu from the tenant LimitRange\'s default limit, as KnativeServing config-deployment sets no queue-sidecar-cpu-limit); raise it to at least 6 or lower their min scale (got "3")',
    );
    expect(e.message).toContain('tenants[0].quota.limitsMemory: environment "prod": limits.memory 3Gi is below the 6Gi');
  });

  test.each([...REFERENCE_ENVIRONMENTS])('%s: the check admits exactly what admission admits, one unit less is rejected', (env) => {
    const use = warmUsage(synth(env), 'shop');
    // The sidecar is in the simulated usage: it exceeds the containers alone by pods × queue-proxy.
    expect(use.requestsCpu).toBe(3 * (cpuCores(PROFILES[env].functionDefaults.requests.cpu) * 1000 + cpuCores(QUEUE_PROXY_REQUESTS.cpu) * 1000));
    const s = only(env);
    s.tenants[0].quota = asQuota(use);
    expect(() => synth(env, s)).not.toThrow();
    for (const [field, less] of [
      ['requestsCpu', `${use.requestsCpu - 1}m`],
      ['requestsMemory', `${use.requestsMemory / 2 ** 20 - 1}Mi`],
      ['limitsCpu', `${use.limitsCpu - 1}m`],
      ['limitsMemory', `${use.limitsMemory / 2 ** 20 - 1}Mi`],
    ] as const) {
      const t = only(env);
      t.tenants[0].quota = { ...asQuota(use), [field]: less };
      const e = specErrorOf(() => synth(env, t));
      expect(e.issues.map((i) => i.path)).toEqual([`tenants[0].quota.${field}`]);
      expect(e.message).toContain("Knative's queue-proxy sidecar included");
    }
  });
});
