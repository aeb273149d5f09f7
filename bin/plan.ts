/**
 * `hybrid-serverless plan` under its former entry point (kept for scripts that call it):
 * same options, same output. See `node scripts/run.js bin/hybrid-serverless.ts plan --help`.
 */
import { run } from '../lib/cli/main';
import { REPO_CLI } from './hybrid-serverless';

run(['plan', ...process.argv.slice(2)], REPO_CLI);
