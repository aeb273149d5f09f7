import { naming } from '../../core/naming';
import type { FunctionEndpoint } from '../bindings';
import type { ModuleContext } from './context';

/** What buildLambda offers the cluster side: how the gateway reaches each Lambda function. */
export interface LambdaOutputs {
  /** One per `target: lambda` function, in spec order, with the function's deterministic name. */
  readonly endpoints: readonly FunctionEndpoint[];
}

/**
 * The cluster side of Lambda: nothing runs in the cluster, but the gateway invokes the
 * functions by name (Kong's aws-lambda plugin). The names come from the one naming function
 * the cloud side (lib/aws) names the functions with, so both sides agree.
 */
export function buildLambda(ctx: ModuleContext): LambdaOutputs {
  return {
    endpoints: ctx.functionsFor('lambda').map((fn) => ({ function: fn, target: 'lambda', lambdaName: naming.lambdaFunction(ctx.spec.name, ctx.env.name, fn.name) })),
  };
}
