/**
 * The cdk8s app: synthesizes the platform for every environment into dist/<env>/
 * ({platform,config,apps}/ and flux/). `npm run synth` and `cdk8s synth` both run it.
 *
 *   npm run synth -- [--spec platform.yaml] [--env prod] [--out dist]
 */
import { parseSpec } from '../lib/spec/parse';
import { loadSpecFile } from '../lib/platform/load';
import { summary } from '../lib/platform/synth';
import { synthAll } from '../lib/platform/synth-all';
import { SpecError } from '../lib/spec/errors';
import { ENVIRONMENTS, type EnvironmentName } from '../lib/spec/common';
import { referenceSpec } from '../stacks/reference';
import { cliArgs } from './args';

function main(): number {
  const args = cliArgs(process.argv.slice(2), ['spec', 'env', 'out']);
  const started = process.hrtime.bigint();
  try {
    const spec = args.spec ? loadSpecFile(args.spec) : parseSpec(referenceSpec);
    const envs = args.env?.split(',').map((e) => {
      if (!(ENVIRONMENTS as readonly string[]).includes(e)) throw new SpecError([{ path: '--env', value: e, message: `must be one of ${ENVIRONMENTS.join(', ')}` }]);
      return e as EnvironmentName;
    });
    const outdir = args.out ?? process.env.CDK8S_OUTDIR ?? 'dist';
    const outputs = synthAll(spec, outdir, { environments: envs });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`Synthesized ${outputs.length} environment(s) into ${outdir}/ in ${(ms / 1000).toFixed(2)}s\n${summary(outputs)}`);
    return 0;
  } catch (e) {
    if (e instanceof SpecError) {
      console.error(e.message);
      console.error('Nothing was written.');
      return 1;
    }
    throw e;
  }
}

process.exitCode = main();
