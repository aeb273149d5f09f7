/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi up` on stack dev|staging|prod|edge deploys
 * that environment, cluster side and cloud side, from the reference spec or
 * `hybrid-serverless:specFile`.
 */
import { runProgram } from '../lib/pulumi/program';
import { referenceSpec } from '../stacks/reference';

export = runProgram(referenceSpec);
