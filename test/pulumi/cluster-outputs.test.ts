/**
 * The cluster side's stack outputs come from the deployed resources: route URLs from the
 * Ingresses as the cluster holds them, the gateway address from their status (published by
 * the ingress controller), Grafana's URL from the monitoring release's status.
 */
import * as pulumi from '@pulumi/pulumi';
import { runProgram } from '../../lib/pulumi/program';
import { referenceSpec } from '../../stacks/reference';

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        // what the cluster answers once the objects exist
        if (args.type === 'kubernetes:networking.k8s.io/v1:Ingress') state.status = { loadBalancer: { ingress: [{ hostname: 'gw-123.elb.example' }] } };
        if (args.type === 'kubernetes:helm.sh/v3:Release') state.status = { name: args.inputs.name, namespace: args.inputs.namespace, status: 'deployed' };
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    'hybrid-serverless',
    'prod',
    true,
  );
  pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'prod-cluster' });
});

const resolve = <T>(o: unknown) => (o as { promise(): Promise<T> }).promise();

test('route URLs, per route, from the Ingress rules and TLS', async () => {
  const outputs = runProgram(referenceSpec);
  expect(await resolve(outputs.routeUrls)).toEqual({ orders: 'https://api.acme.example/orders', promo: 'https://api.acme.example/promo', thumbnails: 'https://api.acme.example/thumbnails' });
});

test("the gateway endpoint is the address the controller published in the routes' status", async () => {
  const outputs = runProgram(referenceSpec);
  expect(await resolve(outputs.gatewayEndpoint)).toEqual({ proxyServiceType: 'LoadBalancer', address: 'gw-123.elb.example' });
});

test("Grafana's in-cluster URL from the monitoring release as deployed", async () => {
  const outputs = runProgram(referenceSpec);
  expect(await resolve(outputs.grafanaUrl)).toBe('http://kube-prometheus-stack-grafana.monitoring.svc.cluster.local');
});
