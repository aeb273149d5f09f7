/**
 * skipPromiseStackTraces: Pulumi's per-promise leak-report stack is left empty (it is printed only
 * with PULUMI_DEBUG_PROMISE_LEAKS), the promise and its leak tracking unchanged.
 */
type Debuggable = { debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T> };
/** The promise handed to debuggablePromise carries what it recorded. */
type Recorded<T> = Promise<T> & { _debugStackTrace?: string; _debugCtx?: string };
const recorded = <T>(value: T): Recorded<T> => Promise.resolve(value);

/** A fresh copy of the SDK's module, patched (`skip` times) with PULUMI_DEBUG_PROMISE_LEAKS as given. */
function fresh(skip: number, debugLeaks?: string): Debuggable {
  const saved = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  if (debugLeaks === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  else process.env.PULUMI_DEBUG_PROMISE_LEAKS = debugLeaks;
  let debuggable!: Debuggable;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      debuggable = require('@pulumi/pulumi/runtime/debuggable') as Debuggable;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { skipPromiseStackTraces } = require('../../lib/pulumi/promise-stacks') as typeof import('../../lib/pulumi/promise-stacks');
      for (let i = 0; i < skip; i++) skipPromiseStackTraces();
    });
  } finally {
    if (saved === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    else process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved;
  }
  return debuggable;
}

test('the SDK records a stack per promise', async () => {
  const p = recorded(1);
  await expect(fresh(0).debuggablePromise(p, 'ctx')).resolves.toBe(1);
  expect(p._debugStackTrace).toMatch(/\n\s+at /);
});

test('after skipPromiseStackTraces (twice: idempotent) it records none; the context and the value are kept', async () => {
  const limit = Error.stackTraceLimit;
  const p = recorded(2);
  const wrapped = fresh(2).debuggablePromise(p, 'after');
  expect(typeof p._debugStackTrace).toBe('string');
  expect(p._debugStackTrace).not.toMatch(/\n\s+at /);
  expect(p._debugCtx).toBe('after');
  expect(Error.stackTraceLimit).toBe(limit);
  await expect(wrapped).resolves.toBe(2);
});

test('with PULUMI_DEBUG_PROMISE_LEAKS set the stacks are kept', async () => {
  const p = recorded(3);
  await expect(fresh(1, '1').debuggablePromise(p, 'kept')).resolves.toBe(3);
  expect(p._debugStackTrace).toMatch(/\n\s+at /);
});
