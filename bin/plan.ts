/**
 * Offline plan: runs the Pulumi program for an environment under pulumi.runtime.setMocks and
 * lists every resource `pulumi up` would register (type, name, parent), grouped by cluster
 * layer and cloud, with counts. No cloud account, cluster or Pulumi CLI needed.
 *
 *   npm run plan -- --env prod [--json]
 */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ENVIRONMENTS, type EnvironmentName } from '../lib/spec/common';
import { SpecError } from '../lib/spec/errors';
import { formatPlan, planProgram } from '../lib/pulumi/plan';
import { cliArgs } from './args';

async function main(): Promise<number> {
  const started = process.hrtime.bigint();
  try {
    const args = cliArgs(process.argv.slice(2), ['env'], ['json']);
    const env = args.env ?? 'dev';
    if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
      throw new SpecError([{ path: '--env', value: env, message: `must be one of ${ENVIRONMENTS.join(', ')}` }], 'Invalid arguments');
    }
    const root = path.resolve(__dirname, '..');
    const plan = await planProgram({
      root,
      stack: env as EnvironmentName,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      load: () => require('./pulumi'),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (args.flags.has('json')) console.log(JSON.stringify({ ...plan, seconds: Number(seconds.toFixed(2)) }, null, 2));
    else console.log(`${formatPlan(plan)}\nplanned in ${seconds.toFixed(2)}s`);
    return 0;
  } catch (e) {
    if (e instanceof SpecError || pulumi.RunError.isInstance(e)) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

main().then((code) => process.exit(code));
