import { SpecError } from '../../lib/core/errors';
import { parseSpec } from '../../lib/spec/parse';

/** The SpecError `fn` throws; fails the test when it throws nothing or something else. */
export function specErrorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected a SpecError');
}

/** The message of the SpecError `fn` throws. */
export function specErrorMessage(fn: () => unknown): string {
  return specErrorOf(fn).message;
}

/** The SpecError `parseSpec` throws for `input`. */
export function parseErrorOf(input: unknown): SpecError {
  return specErrorOf(() => parseSpec(input));
}

/** The message of the SpecError `parseSpec` throws for `input`. */
export function parseErrorMessage(input: unknown): string {
  return parseErrorOf(input).message;
}
