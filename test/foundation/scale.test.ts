import { ApiObject } from 'cdk8s';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { MAX_OBJECT_BYTES, oversizedObjects, renderEnvironment, type EnvironmentOutput, type ObjectSize } from '../../lib/platform/synth';
import type { EnvironmentName } from '../../lib/spec/common';
import { REFERENCE_ENVIRONMENTS } from '../support/synth';
import { parseSpec } from '../../lib/spec/parse';
import type { PlatformSpec } from '../../lib/spec/platform';
import { referenceSpec } from '../../stacks/reference';
import { generatedSpec } from '../support/generated-spec';
import { specErrorOf } from '../support/errors';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const label = (s: ObjectSize) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;

/** Every object of an output with its size, from the YAML documents as written (no parsing). */
function documents(out: EnvironmentOutput): { file: string; bytes: number; head: string }[] {
  return [...out.files]
    .filter(([file]) => !file.endsWith('kustomization.yaml'))
    .flatMap(([file, text]) => text.split(/^---\n/m).map((doc) => ({ file, bytes: Buffer.byteLength(doc), head: doc.slice(0, 200) })));
}

describe('generated spec', () => {
  test('is deterministic, a third per target, several tenants, routes and topics', () => {
    expect(JSON.stringify(generatedSpec(300))).toBe(JSON.stringify(generatedSpec(300)));
    const spec = generatedSpec(300);
    const byTarget = (t: string) => spec.functions!.filter((f) => f.target === t).length;
    expect([byTarget('knative'), byTarget('openfaas'), byTarget('lambda')]).toEqual([100, 100, 100]);
    expect(spec.tenants).toHaveLength(6);
    expect(generatedSpec(30).tenants).toHaveLength(3);
    const triggers = new Set(spec.functions!.flatMap((f) => (f.triggers ?? []).map((t) => `${f.target}:${t.type}`)));
    expect([...triggers].sort()).toEqual(
      [
        'knative:event',
        'knative:http',
        'knative:kafka',
        'knative:schedule',
        'lambda:http',
        'lambda:s3',
        'lambda:schedule',
        'lambda:sqs',
        'openfaas:http',
        'openfaas:kafka',
        'openfaas:schedule',
      ].sort(),
    );
    expect(spec.routes!.length).toBeGreaterThan(50);
    expect(new Set(spec.routes!.map((r) => spec.functions!.find((f) => f.name === r.function)!.target))).toEqual(new Set(['knative', 'openfaas', 'lambda']));
    expect(spec.kafka!.topics!.length).toBe(3 + 6);
  });

  test('passes parseSpec and synthesizes in every environment', () => {
    const spec = parseSpec(generatedSpec(90));
    for (const env of REFERENCE_ENVIRONMENTS) expect(renderEnvironment(new HybridPlatform(spec, env)).counts.apps).toBeGreaterThan(90);
  });
});

describe('scale: no object above MAX_OBJECT_BYTES', () => {
  const largest: string[] = [];
  afterAll(() => {
    if (largest.length) console.log(`largest object per synthesized environment (limit ${kib(MAX_OBJECT_BYTES)}):\n${largest.join('\n')}`);
  });

  const check = (functions: number, spec: PlatformSpec, env: EnvironmentName) => {
    const out = renderEnvironment(new HybridPlatform(spec, env));
    const docs = documents(out);
    expect(docs.length).toBeGreaterThan(functions);
    // The written YAML documents themselves, independently of the renderer's own accounting.
    expect(docs.filter((d) => d.bytes > MAX_OBJECT_BYTES).map((d) => `${d.file}: ${d.bytes} bytes\n${d.head}`)).toEqual([]);
    const top = out.largestObject!;
    expect(top.bytes).toBeLessThanOrEqual(MAX_OBJECT_BYTES);
    expect(top.bytes).toBeGreaterThanOrEqual(Math.max(...docs.map((d) => d.bytes)));
    largest.push(`  ${functions} functions, ${env}: ${docs.length} objects, largest ${label(top)} ${kib(top.bytes)} (JSON ${top.jsonBytes} B, YAML ${top.yamlBytes} B)`);
    return out;
  };

  test('1,000 functions: dev and prod', () => {
    const spec = parseSpec(generatedSpec(1000));
    for (const env of ['dev', 'prod'] as const) {
      const out = check(1000, spec, env);
      // the per-function alerts are split: one PrometheusRule per tenant (≤ 50 functions each) besides the platform's
      expect([...out.files.get('config/observability.yaml')!.matchAll(/^kind: PrometheusRule$/gm)].length).toBe(1 + 20);
    }
  });

  test('5,000 functions: dev', () => {
    check(5000, parseSpec(generatedSpec(5000)), 'dev');
  });
});

describe('object size limit', () => {
  const withConfigMap = (bytes: number) => {
    const platform = new HybridPlatform(parseSpec(referenceSpec), 'dev');
    new ApiObject(platform.chart('config', 'oversized'), 'blob', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'blob', namespace: 'monitoring' }, data: { blob: 'x'.repeat(bytes) } });
    return platform;
  };

  test('an object above 512 KiB fails rendering with a SpecError naming it, its size and the limit', () => {
    expect(MAX_OBJECT_BYTES).toBe(512 * 1024);
    const err = specErrorOf(() => renderEnvironment(withConfigMap(MAX_OBJECT_BYTES)));
    expect(err.message).toContain('Output for environment "dev" has objects too large to apply: 1 problem');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].path).toBe('ConfigMap monitoring/blob');
    expect(err.issues[0].value).toBeGreaterThan(MAX_OBJECT_BYTES);
    expect(err.issues[0].message).toMatch(
      /^is \d+ bytes serialized \(512\.\d KiB; JSON \d+, YAML \d+\) in config\/oversized\.yaml, more than the 524288-byte \(512 KiB\) limit per object \(MAX_OBJECT_BYTES\); split it into smaller objects$/,
    );
  });

  test('an object just under the limit renders', () => {
    const out = renderEnvironment(withConfigMap(MAX_OBJECT_BYTES - 1024));
    expect(out.largestObject).toMatchObject({ kind: 'ConfigMap', namespace: 'monitoring', name: 'blob', file: 'config/oversized.yaml' });
    expect(out.largestObject!.bytes).toBeLessThanOrEqual(MAX_OBJECT_BYTES);
  });

  test('oversizedObjects: every object above the limit, cluster-scoped ones without a namespace', () => {
    const size = (name: string, bytes: number, namespace?: string): ObjectSize => ({
      kind: namespace ? 'ConfigMap' : 'ClusterRole',
      namespace,
      name,
      file: 'x/y.yaml',
      bytes,
      jsonBytes: bytes,
      yamlBytes: bytes - 1,
    });
    const issues = oversizedObjects([size('a', 100, 'ns'), size('b', 101, 'ns'), size('c', 200)], 100);
    expect(issues.map((i) => [i.path, i.value])).toEqual([
      ['ConfigMap ns/b', 101],
      ['ClusterRole c', 200],
    ]);
    expect(issues[1].message).toBe(
      'is 200 bytes serialized (0.2 KiB; JSON 200, YAML 199) in x/y.yaml, more than the 100-byte (0.1 KiB) limit per object (MAX_OBJECT_BYTES); split it into smaller objects',
    );
  });
});
