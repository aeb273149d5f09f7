import type { z } from 'zod';
import { formatPath, IssueCollector, SpecError, valueAt, type PathSegment, type SpecIssue } from '../core/errors';
import { checkInputLimits } from './input-limits';
import { platformSchema, type PlatformSpec } from './platform';
import type { RuleContext } from './rules/context';
import { RULES } from './rules';

/** Turns zod issues into SpecIssues: one per problem, unknown keys one per key. */
function addZodIssues(issues: IssueCollector, error: z.ZodError, input: unknown, prefix: PathSegment[] = []): void {
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(path);
      for (const key of issue.keys) {
        issues.add([...path, key], valueAt(input, [...issue.path, key]), `unknown field${known ? `; valid fields here: ${known}` : ''}`);
      }
    } else if (issue.code === 'invalid_key') {
      // a record key that its key schema refuses (an environment name): the key is the value
      const key = issue.path[issue.path.length - 1];
      for (const inner of issue.issues) issues.add(formatPath(path), key, `the name ${inner.message}`);
    } else if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      // zod's path may already end at the discriminator: name it once (`triggers[0].type`)
      const at = issue.path[issue.path.length - 1] === 'type' ? issue.path : [...issue.path, 'type'];
      issues.add(formatPath([...prefix, ...(at as PathSegment[])]), valueAt(input, at), issue.message);
    } else {
      issues.add(formatPath(path), valueAt(input, issue.path), issue.message);
    }
  }
}

/** Field names the schema allows at `path`, for "unknown field" messages. */
function knownKeys(path: readonly PathSegment[]): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let schema: any = platformSchema;
  for (const seg of path) {
    while (schema?.def && ['default', 'optional', 'nullable', 'pipe'].includes(schema.def.type)) schema = schema.def.innerType ?? schema.def.in;
    if (typeof seg === 'number') schema = schema?.def?.element;
    else if (schema?.def?.type === 'record') schema = schema.def.valueType;
    else schema = schema?.shape?.[seg];
    if (!schema) return undefined;
  }
  while (schema?.def && ['default', 'optional', 'nullable'].includes(schema.def.type)) schema = schema.def.innerType;
  return schema?.shape ? Object.keys(schema.shape).join(', ') : undefined;
}

/**
 * The spec made of what passed the schema: each field parsed on its own, each list element
 * on its own, so cross-field rules can still run (and report) when something else is wrong.
 */
function bestEffort(input: Record<string, unknown>): { spec: PlatformSpec; index: Map<object, number>; dropped: Dropped } {
  const index = new Map<object, number>();
  const dropped: Dropped = { function: new Set(), tenant: new Set(), topic: new Set() };
  const nameOf = (el: unknown) => (el !== null && typeof el === 'object' && typeof (el as { name?: unknown }).name === 'string' ? (el as { name: string }).name : undefined);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(platformSchema.shape)) {
    const whole = field.safeParse(input[key]);
    if (whole.success) {
      out[key] = whole.data;
      if (Array.isArray(whole.data)) whole.data.forEach((el: object, i: number) => index.set(el, i));
      continue;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let inner: any = field;
    while (inner.def && ['default', 'optional'].includes(inner.def.type)) inner = inner.def.innerType;
    if (inner.def?.type === 'array' && Array.isArray(input[key])) {
      const kept: object[] = [];
      (input[key] as unknown[]).forEach((el, i) => {
        const r = inner.def.element.safeParse(el);
        if (r.success) {
          kept.push(r.data);
          index.set(r.data, i);
        } else if (key === 'functions' || key === 'tenants') {
          const name = nameOf(el);
          if (name !== undefined) dropped[key === 'functions' ? 'function' : 'tenant'].add(name);
        }
      });
      out[key] = kept;
    } else {
      // kafka is kept whole or not at all: its topics are then all "dropped"
      const topics = key === 'kafka' ? (input.kafka as { topics?: unknown } | undefined)?.topics : undefined;
      if (Array.isArray(topics)) for (const t of topics) if (nameOf(t) !== undefined) dropped.topic.add(nameOf(t)!);
      const fallback = field.safeParse(undefined);
      out[key] = fallback.success ? fallback.data : inner.def?.type === 'array' ? [] : inner.def?.type === 'record' ? {} : undefined;
    }
  }
  return { spec: out as PlatformSpec, index, dropped };
}

/** Names of functions, tenants and topics that the schema refused (and so the rules do not see). */
interface Dropped {
  readonly function: Set<string>;
  readonly tenant: Set<string>;
  readonly topic: Set<string>;
}

/**
 * A "no such function/tenant/topic" that names one the spec defines but the schema refused:
 * its own problem is reported already, and this one would say it does not exist.
 */
function isFollowOn(issue: SpecIssue, dropped: Dropped): boolean {
  const m = /^no such (function|tenant|topic)\b/.exec(issue.message);
  return m !== null && typeof issue.value === 'string' && dropped[m[1] as keyof Dropped].has(issue.value);
}

/**
 * Validates a platform spec. Returns the typed spec with defaults applied, or throws ONE
 * SpecError listing every problem: schema errors and cross-field rules alike.
 */
export function parseSpec(input: unknown): PlatformSpec {
  const issues = new IssueCollector();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    issues.add('(root)', input, 'the platform spec must be an object');
    issues.throwIfAny();
  }
  if (!checkInputLimits(input, issues)) issues.throwIfAny();
  const result = platformSchema.safeParse(input);
  if (!result.success) addZodIssues(issues, result.error, input);
  const { spec, index, dropped } = result.success ? { spec: result.data, index: indexLists(result.data), dropped: undefined } : bestEffort(input as Record<string, unknown>);
  const ruleIssues = new IssueCollector();
  const ctx: RuleContext = {
    spec,
    issues: ruleIssues,
    at: (list, element, ...rest) => [list, index.get(element) ?? -1, ...rest],
  };
  for (const rule of RULES) rule(ctx);
  for (const i of ruleIssues.issues) if (!dropped || !isFollowOn(i, dropped)) issues.add(i.path, i.value, i.message);
  issues.throwIfAny();
  return result.success ? result.data : (undefined as never);
}

function indexLists(spec: PlatformSpec): Map<object, number> {
  const index = new Map<object, number>();
  for (const value of Object.values(spec)) if (Array.isArray(value)) value.forEach((el, i) => index.set(el, i));
  return index;
}

export { SpecError };
