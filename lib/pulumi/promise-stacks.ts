/**
 * The Pulumi Node.js SDK wraps every promise it creates for a resource (`debuggablePromise`)
 * and records `new Error().stack` on it, for a leak report that prints those stacks only when
 * PULUMI_DEBUG_PROMISE_LEAKS is set. Formatting a stack is cheap in plain Node.js but not under
 * ts-node or jest, whose source-map support maps every frame: a program registering 500
 * Kubernetes objects spent 2.2 of its 3.1 s there (CPU profile, reference stack, prod).
 *
 * {@link skipPromiseStackTraces} keeps the wrapper and the leak detection (a leaked promise still
 * fails the program, with the same message) and leaves the stack empty, unless
 * PULUMI_DEBUG_PROMISE_LEAKS asks for it. Idempotent; a no-op if the SDK's internals move.
 */
const PATCHED = Symbol.for('hybrid-serverless.skipPromiseStackTraces');

type Debuggable = { debuggablePromise?: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>; [PATCHED]?: true };

export function skipPromiseStackTraces(): void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  let mod: Debuggable;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, patched in place (its callers read the export at call time)
    mod = require('@pulumi/pulumi/runtime/debuggable') as Debuggable;
  } catch {
    return;
  }
  const original = mod.debuggablePromise;
  if (typeof original !== 'function' || mod[PATCHED]) return;
  mod.debuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  mod[PATCHED] = true;
}
