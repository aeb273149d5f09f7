/**
 * One environment of a generated 1,000-function spec (a third each Knative, OpenFaaS, Lambda;
 * triggers, routes, topics, tenants) applied to the real API server: zero refusals and no
 * object above the toolkit's 512 KiB cap (etcd's limit is 1.5 MiB, a request's 3 MiB).
 */
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { MAX_OBJECT_BYTES, renderEnvironment } from '../../lib/platform/synth';
import { parseSpec } from '../../lib/spec/parse';
import { generatedSpec } from '../support/generated-spec';
import { ControlPlane, describeCluster } from './support/control-plane';
import { deploy, refusalsOf, warningsOf } from './support/environment';

const FUNCTIONS = 1000;

describeCluster(`a ${FUNCTIONS}-function environment on a real API server`, () => {
  let cp: ControlPlane;
  beforeAll(() => {
    cp = ControlPlane.start();
  });
  afterAll(() => cp?.stop());

  test('prod applies with zero refusals and zero warnings; the largest object stays under 512 KiB', () => {
    const t0 = Date.now();
    const output = renderEnvironment(new HybridPlatform(parseSpec(generatedSpec(FUNCTIONS)), 'prod'));
    const t1 = Date.now();
    const { byFolder, results } = deploy(cp, output);
    const t2 = Date.now();
    const objects = [...byFolder.values()].flat();
    const sizes = objects.map((o) => ({ id: `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, bytes: Buffer.byteLength(JSON.stringify(o)) })).sort((a, b) => b.bytes - a.bytes);
    console.log(
      `${FUNCTIONS} functions, prod: ${objects.length} objects synthesized in ${((t1 - t0) / 1000).toFixed(1)}s, applied in ${((t2 - t1) / 1000).toFixed(1)}s; ` +
        `largest ${sizes[0].id} ${(sizes[0].bytes / 1024).toFixed(1)} KiB (JSON)`,
    );
    expect(refusalsOf(results)).toEqual([]);
    expect(warningsOf(results)).toEqual([]);
    expect(objects.length).toBeGreaterThan(FUNCTIONS);
    expect(sizes[0].bytes).toBeLessThanOrEqual(MAX_OBJECT_BYTES);
  });
});
