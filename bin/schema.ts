/**
 * `hybrid-serverless schema` under its former entry point (kept for scripts that call it):
 * same options, same output. See `node scripts/run.js bin/hybrid-serverless.ts schema --help`.
 */
import { run } from '../lib/cli/main';
import { REPO_CLI } from './hybrid-serverless';

run(['schema', ...process.argv.slice(2)], REPO_CLI);
