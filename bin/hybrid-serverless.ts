/**
 * The `hybrid-serverless` CLI in a checkout of the repository (`node scripts/run.js bin/hybrid-serverless.ts
 * <command>`; the npm scripts and cdk8s.yaml call it): lib/cli/main.ts with the reference stack
 * (stacks/reference.ts) as the spec when `--spec` is not given. The published package runs
 * build/cli/hybrid-serverless.js instead, which reads platform.yaml by default.
 *
 *   node scripts/run.js bin/hybrid-serverless.ts --help
 */
import * as path from 'path';
import { run, type CliContext } from '../lib/cli/main';
import { referenceSpec } from '../stacks/reference';

/** The CLI's context in this repository: the reference stack, its Lambda code relative to the repository root. */
export const REPO_CLI: CliContext = {
  defaultSpec: { input: referenceSpec, root: path.resolve(__dirname, '..'), label: 'the reference stack, stacks/reference.ts' },
  packageRoot: path.resolve(__dirname, '..'),
};

if (require.main === module) run(process.argv.slice(2), REPO_CLI);
