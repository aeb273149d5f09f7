#!/usr/bin/env node
/**
 * The packaged `hybrid-serverless` executable (package.json "bin" → build/cli/hybrid-serverless.js).
 * Without `--spec` it reads platform.yaml in the working directory. In a checkout of the
 * repository, bin/hybrid-serverless.ts is the same CLI with the reference stack as default spec.
 */
import { run } from './main';

run(process.argv.slice(2));
