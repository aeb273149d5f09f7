import { OpenFaaSFunction } from '../../lib/k8s/openfaas/openfaas-function';
import { referenceCopy, synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';
import { baseSpec, testChart } from './support';
import { specErrorOf, parseErrorOf } from '../support/errors';

/** How node constraints and kafka-connector consumer groups come out: as faas-netes and the connector read them. */

const fn = (over: Record<string, unknown> = {}) => ({ name: 'report', tenant: 'shop', target: 'openfaas', image: 'ghcr.io/acme/report:1.0.0', ...over });

describe('node constraints are what faas-netes can turn into a nodeSelector', () => {
  // faas-netes createSelector: strings.Split(constraint, "=") and only two-part results are kept,
  // so "a==b" is dropped without a word and "a!=b" becomes the invalid label key "a!".
  test('"==" and "!=" are rejected in the spec, naming the field and value', () => {
    const e = parseErrorOf(baseSpec([fn({ openfaas: { constraints: ['kubernetes.io/arch!=arm64', 'kubernetes.io/os==linux'] } })]));
    expect(e.message).toContain('functions[0].openfaas.constraints[0]: must be a node constraint "<label>=<value>" (OpenFaaS maps it to a nodeSelector; "==" and "!=" are not supported)');
    expect(e.message).toContain('functions[0].openfaas.constraints[1]: must be a node constraint "<label>=<value>"');
  });

  test('and by the construct', () => {
    const { chart } = testChart();
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'a', { name: 'a', image: 'a/b:1', constraints: ['kubernetes.io/arch!=arm64'] })).message).toContain(
      'OpenFaaSFunction(a).constraints: must be a node constraint "<label>=<value>" (OpenFaaS maps it to a nodeSelector; "==" and "!=" are not supported), e.g. "kubernetes.io/arch=arm64" (got "kubernetes.io/arch!=arm64")',
    );
    expect(specErrorOf(() => new OpenFaaSFunction(chart, 'b', { name: 'b', image: 'a/b:1', constraints: ['a/b/c=x'] })).message).toContain('OpenFaaSFunction(b).constraints');
  });

  test('"label=value" reaches the Function unchanged', () => {
    const s = synthEnv('dev', baseSpec([fn({ openfaas: { constraints: ['kubernetes.io/arch=arm64', 'node-role=edge'] } })]));
    const f = s.get('Function', 'report', 'openfaas-fn');
    expect(f.spec.constraints).toEqual(['kubernetes.io/arch=arm64', 'node-role=edge']);
    expect(validateAll([f])).toEqual([]);
  });
});

describe("two OpenFaaS functions on one topic share the topic's kafka-connector group", () => {
  // The openfaas rule requires one group per topic (one connector invokes every subscribed
  // function); the kafka rule must not then reject that same group as "split between functions".
  const spec = () => {
    const s = referenceCopy();
    s.openfaas = { edition: 'pro' }; // the kafka-connector is OpenFaaS Pro
    s.functions.push(
      fn({ name: 'order-audit', triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'openfaas-orders' }] }),
      fn({ name: 'order-mail', triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'openfaas-orders' }] }),
    );
    return s;
  };

  test('the spec is accepted and one connector invokes both functions', () => {
    const s = synthEnv('prod', spec());
    const connectors = s.find('HelmRelease').filter((r) => r.spec.chart.spec.chart === 'kafka-connector');
    expect(connectors.map((c) => [c.metadata.name, c.spec.values.topics, c.spec.values.group])).toEqual([['kafka-connector-orders', 'orders', 'openfaas-orders']]);
    expect(['order-audit', 'order-mail'].map((n) => s.get('Function', n, 'openfaas-fn').spec.annotations.topic)).toEqual(['orders', 'orders']);
    expect(validateAll(s.objects)).toEqual([]);
  });

  test('a Knative consumer still may not join an OpenFaaS group, nor OpenFaaS functions share a group across topics', () => {
    const a = spec();
    a.functions.find((f: any) => f.name === 'payment').triggers = [{ type: 'kafka', topic: 'orders', consumerGroup: 'openfaas-orders' }];
    expect(parseErrorOf(a).message).toContain('consumer group "openfaas-orders" is already used by function');
    const b = referenceCopy();
    b.openfaas = { edition: 'pro' };
    b.functions.push(
      fn({ name: 'order-audit', triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'shared' }] }),
      fn({ name: 'tele-audit', triggers: [{ type: 'kafka', topic: 'telemetry', consumerGroup: 'shared' }] }),
    );
    expect(parseErrorOf(b).message).toContain('consumer group "shared" is already used by function "order-audit"');
  });
});
