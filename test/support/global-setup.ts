import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crdIndexFile } from './validate';

/**
 * Once per jest run, before the workers start (they inherit the environment):
 * - the parsed CRD index every validating test file reads (test/support/validate.ts);
 * - a temp folder for the run, as TMPDIR: `cdk8s.Testing.app()` makes an output folder per App
 *   under os.tmpdir() and never removes it (over a hundred per run), and child processes write
 *   there too. test/support/global-teardown.ts removes it.
 */
export default function globalSetup(): void {
  crdIndexFile();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-jest-'));
  process.env.HYBRID_SERVERLESS_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
