import type { IssueCollector, PathSegment } from '../../core/errors';
import type { PlatformSpec } from '../platform';

/**
 * What a cross-field rule sees: the spec (only the elements that passed the schema, so a
 * rule never trips over a malformed one) and the original index of each element, so paths
 * in messages point at the user's input.
 */
export interface RuleContext {
  readonly spec: PlatformSpec;
  readonly issues: IssueCollector;
  /** Path of an element of a top-level list, e.g. `at('functions', fn, 'scaling', 'max')`. */
  at(list: keyof PlatformSpec, element: object, ...rest: PathSegment[]): PathSegment[];
}

export type Rule = (ctx: RuleContext) => void;

/** Reports every value that occurs more than once in `items` under `key`. */
export function uniqueBy<T extends object>(ctx: RuleContext, list: keyof PlatformSpec, items: readonly T[], key: (t: T) => string, field: string): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const first = seen.get(k);
    if (first) {
      ctx.issues.add(ctx.at(list, item, field), k, `duplicate ${field}: already used by ${list}[${ctx.at(list, first)[1]}]; ${field}s must be unique`);
    } else seen.set(k, item);
  }
}
