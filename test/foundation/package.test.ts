import * as hs from '../../lib';

describe("the package's public API (import { … } from 'hybrid-serverless')", () => {
  test.each([
    'parseSpec',
    'SpecError',
    'HybridPlatform',
    'HelmChartInstall',
    'FluxLayers',
    'Tenant',
    'KnativeService',
    'Broker',
    'Trigger',
    'PingSource',
    'KafkaSource',
    'Sequence',
    'OpenFaaSFunction',
    'KongRoute',
    'KafkaCluster',
    'LambdaFunction',
    'BudgetAlarm',
    'deployCluster',
    'runProgram',
    'planProgram',
    'synthAll',
  ])('exports %s', (name) => {
    expect(typeof (hs as Record<string, unknown>)[name]).toBe('function');
  });
});
