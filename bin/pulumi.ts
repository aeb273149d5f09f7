/**
 * The Pulumi program: `pulumi up` on a stack named after an environment of the spec (dev,
 * staging, prod, edge in the reference spec; or `hybrid-serverless:environment`) deploys that
 * environment, cluster side and cloud side, from the reference spec or `hybrid-serverless:specFile`.
 * Pulumi.yaml's `main` is pulumi-program.ts at the project root, which loads this file.
 */
import * as path from 'path';
import { runProgram } from '../lib/pulumi/program';
import { referenceSpec } from '../stacks/reference';

/** Spec files and function code are relative to the project root, not the working directory. */
const PROJECT_ROOT = path.resolve(__dirname, '..');

export = runProgram(referenceSpec, { root: PROJECT_ROOT });
