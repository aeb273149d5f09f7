import type { IssueCollector, PathSegment } from '../core/errors';

/**
 * Bounds on the shape of the input, checked before the schema sees it: zod recurses once per
 * level (a few thousand nested arrays overflow the stack) and copies strings, so without them a
 * hostile or broken file ends in a RangeError instead of a SpecError. Each bound is far above
 * what a real platform needs (the deepest field is 8 levels, the largest lists are thousands
 * of functions).
 */
export const INPUT_LIMITS = {
  /** Levels of objects and arrays below the root. */
  depth: 32,
  /** Characters of one string (a Kubernetes object is at most ~1.5 MiB in etcd). */
  stringLength: 64 * 1024,
  /** Elements of one array. */
  arrayLength: 20_000,
  /** Values (objects, arrays, strings, numbers…) in the whole spec. */
  values: 1_000_000,
  /** Characters of all strings and keys together. */
  totalChars: 16 * 1024 * 1024,
} as const;

/**
 * Keys that JavaScript treats specially: `__proto__` sets an object's prototype when copied
 * with `{...}` or assigned, and `constructor`/`prototype` shadow what every object inherits.
 * As map keys (env, labels, annotations) they are refused rather than dropped or misread.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * Adds one issue per limit the input exceeds (at the first place it does) and per reserved
 * key; returns false when the input must not reach the schema. Iterative, so depth cannot
 * overflow the stack here.
 */
export function checkInputLimits(input: unknown, issues: IssueCollector): boolean {
  const L = INPUT_LIMITS;
  let values = 0;
  let chars = 0;
  let fatal = false;
  const reported = new Set<string>();
  const once = (kind: string, path: PathSegment[], value: unknown, message: string): void => {
    if (reported.has(kind)) return;
    reported.add(kind);
    issues.add(path, value, message);
  };
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++values > L.values) {
      once('values', [], undefined, `the spec has more than ${L.values} values; split it or generate less`);
      return false;
    }
    if (typeof value === 'string') {
      chars += value.length;
      if (value.length > L.stringLength) {
        once('string', path, `${value.slice(0, 20)}… (${value.length} characters)`, `is ${value.length} characters; strings in the spec are at most ${L.stringLength}`);
        fatal = true;
      }
    } else if (value !== null && typeof value === 'object') {
      if (path.length > L.depth) {
        once('depth', path, undefined, `is nested more than ${L.depth} levels deep; no field of the spec is`);
        fatal = true;
        continue;
      }
      if (Array.isArray(value)) {
        if (value.length > L.arrayLength) {
          once('array', path, `(${value.length} elements)`, `has ${value.length} elements; lists in the spec have at most ${L.arrayLength}`);
          fatal = true;
          continue;
        }
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          chars += key.length;
          if (RESERVED_KEYS.includes(key)) {
            issues.add(
              [...path, key],
              (value as Record<string, unknown>)[key],
              `"${key}" is not allowed as a key (JavaScript gives it a special meaning: it would be dropped or change the object); rename it`,
            );
            fatal = true;
          }
          stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
        }
      }
    }
    if (chars > L.totalChars) {
      once('chars', [], undefined, `the spec's strings add up to more than ${L.totalChars} characters`);
      return false;
    }
  }
  return !fatal;
}
