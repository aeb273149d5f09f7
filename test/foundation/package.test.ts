import * as hs from '../../lib';
import * as aws from '../../lib/aws';
import * as k8s from '../../lib/k8s';
import * as platform from '../../lib/platform';
import * as pulumi from '../../lib/pulumi';
import * as spec from '../../lib/spec';

const CONSTRUCTS = [
  'HelmChartInstall',
  'FluxLayers',
  'Tenant',
  'NamespaceNetworkPolicies',
  'KnativeService',
  'Broker',
  'Trigger',
  'PingSource',
  'KafkaSource',
  'Sequence',
  'OpenFaaSFunction',
  'OpenFaaSFunctionDeployment',
  'KongRoute',
  'KafkaCluster',
];

describe("the package's root (import { … } from 'hybrid-serverless')", () => {
  test.each(['parseSpec', 'SpecError', ...CONSTRUCTS, 'LambdaFunction', 'BudgetAlarm', 'HybridPlatform', 'synthAll', 'deployCluster', 'runProgram', 'planProgram'])('exports %s', (name) => {
    expect(typeof (hs as Record<string, unknown>)[name]).toBe('function');
  });

  test('is curated: no internal helpers', () => {
    for (const internal of ['fail', 'valueAt', 'IssueCollector', 'findInApp', 'MODULES', 'dnsLabel', 'deepMerge']) {
      expect(Object.keys(hs)).not.toContain(internal);
    }
    expect(Object.keys(hs).length).toBeLessThan(120);
  });

  test('exports nothing its layer entry points do not', () => {
    const layers = new Set([spec, k8s, aws, platform, pulumi].flatMap((m) => Object.keys(m)));
    expect(Object.keys(hs).filter((name) => !layers.has(name))).toEqual([]);
  });
});

describe('the subpath entry points (hybrid-serverless/spec, /k8s, /aws, /platform, /pulumi)', () => {
  test.each([
    ['spec', spec, ['parseSpec', 'SpecError', 'platformSchema', 'platformJsonSchema', 'resolveEnvironment']],
    ['k8s', k8s, CONSTRUCTS],
    ['aws', aws, ['LambdaFunction', 'BudgetAlarm', 'LambdaAlarms', 'KongInvokeRole', 'BucketNotifications']],
    ['platform', platform, ['HybridPlatform', 'synthAll', 'loadSpecFile']],
    ['pulumi', pulumi, ['deployCluster', 'runProgram', 'planProgram']],
  ] as const)('%s exports its entry points', (_, mod, names) => {
    for (const name of names) expect((mod as Record<string, unknown>)[name]).toBeDefined();
  });

  test('internal helpers stay internal', () => {
    expect(Object.keys(spec)).not.toContain('fail');
    expect(Object.keys(spec)).not.toContain('valueAt');
    expect(Object.keys(k8s)).not.toContain('findInApp');
    expect(Object.keys(platform)).not.toContain('MODULES');
  });
});
