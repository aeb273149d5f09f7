/** One problem in a user's input: where it is, what was given, and what would be valid. */
export interface SpecIssue {
  /** Field path in the input, e.g. `functions[2].scaling.max`. */
  readonly path: string;
  /** The value that was given (undefined when the field is missing). */
  readonly value: unknown;
  /** What is wrong and what would be valid. */
  readonly message: string;
}

export type PathSegment = string | number;

/** Renders `['functions', 2, 'scaling', 'max']` as `functions[2].scaling.max`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(root)' : out;
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    // not JSON (a BigInt, a cycle, an object without a prototype…): a description, never a throw
    try {
      return String(value).slice(0, 80);
    } catch {
      return Array.isArray(value) ? 'an array' : typeof value;
    }
  }
}

/**
 * The one error every bad input produces: it lists every problem found, each with its
 * field path, the value given and what would be valid. Never a stack trace for the user.
 */
export class SpecError extends Error {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], title = 'Invalid platform spec') {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message} (got ${formatValue(i.value)})`);
    super(`${title}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

/**
 * Collects issues from many checks so that one SpecError can report all of them.
 * @internal
 */
export class IssueCollector {
  private readonly list: SpecIssue[] = [];

  add(path: readonly PathSegment[] | string, value: unknown, message: string): void {
    this.list.push({ path: typeof path === 'string' ? path : formatPath(path), value, message });
  }

  get issues(): readonly SpecIssue[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Throws one SpecError listing everything collected, if anything was. */
  throwIfAny(title?: string): void {
    if (this.list.length > 0) throw new SpecError(this.list, title);
  }
}

/**
 * Throws a SpecError with a single issue: for constructs used directly, outside parseSpec.
 * @internal
 */
export function fail(path: string, value: unknown, message: string, title = 'Invalid construct props'): never {
  throw new SpecError([{ path, value, message }], title);
}

/**
 * The value at `path` inside `obj`, or undefined where the path leads nowhere.
 * @internal
 */
export function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
