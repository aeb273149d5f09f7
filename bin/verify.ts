/**
 * Checks synthesized output against a real cluster without changing it: a server-side dry run
 * (strict field validation) of dist/<env>/ layer by layer.
 *
 *   npm run verify -- --env prod [--out dist] [--kubeconfig F] [--context C] [--kubectl path]
 *
 * Exit code 0 when no object is refused (objects waiting for a CRD or a namespace that an
 * earlier layer installs are listed, not errors), 1 when the server refuses any, 2 on bad
 * arguments or when kubectl cannot reach the cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Kubectl, KubectlError } from '../lib/cluster/kubectl';
import { formatReport, verifyEnvironment } from '../lib/cluster/verify';
import { ENVIRONMENTS } from '../lib/spec/common';
import { SpecError } from '../lib/spec/errors';
import { cliArgs } from './args';

function main(): number {
  try {
    const args = cliArgs(process.argv.slice(2), ['env', 'out', 'kubeconfig', 'context', 'kubectl']);
    const env = args.env ?? '';
    if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
      throw new SpecError([{ path: '--env', value: args.env, message: `required; one of ${ENVIRONMENTS.join(', ')}` }], 'Invalid arguments');
    }
    const envDir = path.join(args.out ?? 'dist', env);
    if (!fs.existsSync(envDir)) {
      throw new SpecError([{ path: '--out', value: envDir, message: 'no synthesized output there; run `npm run synth` first' }], 'Invalid arguments');
    }
    const kubectl = new Kubectl({ binary: args.kubectl, kubeconfig: args.kubeconfig, context: args.context });
    const reach = kubectl.run(['version', '-o', 'json']);
    if (reach.code !== 0) throw new KubectlError(`cannot reach the cluster: ${reach.stderr.trim()}`);
    const report = verifyEnvironment(kubectl, envDir);
    console.log(formatReport(env, report));
    return report.errors.length === 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof SpecError || e instanceof KubectlError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main();
