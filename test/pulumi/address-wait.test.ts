import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { deployCluster, SKIP_AWAIT, WAIT_FOR } from '../../lib/pulumi/bridge';
import { parseSpec } from '../../lib/spec/parse';
import { referenceSpec } from '../../stacks/reference';
import { recordPulumiResources } from '../support/pulumi-mocks';
import { synthEnv } from '../support/synth';

const registered = recordPulumiResources('dev');
const settle = () => new Promise((r) => setTimeout(r, 100));

/** The reference stack with dev's cluster lacking load balancers (kind): a NodePort proxy there. */
function withoutLoadBalancers(): any {
  const spec = structuredClone(referenceSpec) as any;
  spec.environments.dev = { ...spec.environments.dev, gateway: { proxyServiceType: 'NodePort' } };
  return spec;
}

describe('clusters without load balancers', () => {
  test('the proxy Service type is set per environment; others keep the spec-wide one', () => {
    const kongValues = (env: 'dev' | 'prod') => synthEnv(env, withoutLoadBalancers()).get('HelmRelease', 'kong', 'kong').spec.values.proxy;
    expect(kongValues('dev').type).toBe('NodePort');
    expect(kongValues('prod').type).toBe('LoadBalancer');
  });

  test('Pulumi does not wait for Ingress addresses that a NodePort proxy never publishes', async () => {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(withoutLoadBalancers()), 'dev'));
    await settle();
    const ingresses = registered.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const i of ingresses) expect(i.inputs.metadata.annotations[SKIP_AWAIT]).toBe('true');
  });

  test('with a LoadBalancer proxy the provider still waits for the address', async () => {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(referenceSpec), 'prod'));
    await settle();
    const ingresses = registered.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const i of ingresses) expect(i.inputs.metadata.annotations?.[SKIP_AWAIT]).toBeUndefined();
  });

  test('an unknown proxy type per environment is one SpecError naming the path', () => {
    const spec = withoutLoadBalancers();
    spec.environments.dev.gateway.proxyServiceType = 'Ingress';
    expect(() => parseSpec(spec)).toThrow(/environments\.dev\.gateway\.proxyServiceType: .*"LoadBalancer".*"NodePort".*"ClusterIP".*\(got "Ingress"\)/);
  });
});

describe('readiness before the apps layer', () => {
  test('KnativeServing and KnativeEventing are waited for until Ready (the apps layer needs the CRDs and webhooks the operator installs then)', async () => {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(referenceSpec), 'prod'));
    await settle();
    const gates = registered.filter((r) => r.type.startsWith('kubernetes:operator.knative.dev/'));
    expect(gates.map((r) => r.type).sort()).toEqual(['kubernetes:operator.knative.dev/v1beta1:KnativeEventing', 'kubernetes:operator.knative.dev/v1beta1:KnativeServing']);
    for (const g of gates) expect(g.inputs.metadata.annotations[WAIT_FOR]).toBe('condition=Ready');
    // other custom resources are not held up
    const others = registered.filter((r) => r.type.startsWith('kubernetes:kafka.strimzi.io/'));
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) expect(o.inputs.metadata.annotations?.[WAIT_FOR]).toBeUndefined();
  });
});

describe('OpenFaaS CE functions on the Pulumi path', () => {
  test('their Deployments and Services are not awaited (functions are not, on any target); other Services still are', async () => {
    registered.length = 0;
    deployCluster(new HybridPlatform(parseSpec(referenceSpec), 'dev'));
    await settle();
    const fnObjects = registered.filter((r) => ['kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service'].includes(r.type) && r.inputs.metadata?.labels?.faas_function !== undefined);
    expect(fnObjects.length).toBeGreaterThanOrEqual(2);
    for (const o of fnObjects) expect(o.inputs.metadata.annotations[SKIP_AWAIT]).toBe('true');
    const others = registered.filter((r) => r.type === 'kubernetes:core/v1:Service' && r.inputs.metadata?.labels?.faas_function === undefined);
    for (const o of others) expect(o.inputs.metadata.annotations?.[SKIP_AWAIT]).toBeUndefined();
  });
});
