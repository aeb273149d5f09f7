import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { SpecError } from '../../lib/core/errors';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironment } from '../../lib/platform/synth';
import { parseSpec } from '../../lib/spec/parse';
import type { PlatformSpec } from '../../lib/spec/platform';
import { environmentNames } from '../../lib/spec/resolve';
import { referenceSpec } from '../../stacks/reference';

/**
 * Random and mutated platform specs for the property "parseSpec returns a spec that synthesizes,
 * or throws one SpecError; nothing else" (test/foundation/spec-fuzz.test.ts, `npm run fuzz`).
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** The valid specs mutations start from: the reference stack and every example. */
export function baseSpecs(): unknown[] {
  const examples = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.platform.yaml'))
    .sort()
    .map((f) => parse(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')) as unknown);
  return [structuredClone(referenceSpec), ...examples];
}

/** Names that are keys of every JavaScript object, or special to it. */
export const OBJECT_KEY_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', 'isPrototypeOf'];

/** Nested arrays (or objects) `depth` deep. */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** Quantities, counts and durations as people mistype them. */
const oddScalar = fc.constantFrom<unknown>(
  '1e-7',
  '1e21',
  1e-7,
  1e21,
  '1e3',
  'NaN',
  'nan',
  'Infinity',
  '0',
  0,
  -1,
  '-1',
  '0.0001m',
  '1.5Gi',
  '100MB',
  '1Ki',
  '2m',
  '1000000000000Ei',
  '0x1F',
  '',
  ' 1',
  'constructor',
  'toString',
);

/** Values that broke something once, or that sit at an edge of a type. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '',
    ' ',
    '0',
    '-1',
    '1e-7',
    '1e21',
    '1E3',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1.5.2',
    '100Mi ',
    '.5',
    '+1',
    '999999999999999999999Gi',
    'latest',
    'image:latest',
    'a:b@sha256:xyz',
    'arn:aws:kafka:*:*:cluster/*',
    '*',
    '../../etc/passwd',
    'a/b',
    'A',
    'über',
    '\u0000',
    '${x}',
    '{{ .Values }}',
    0,
    -1,
    1e-7,
    1e21,
    0.1,
    2 ** 31,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    -0,
    true,
    false,
    null,
    [],
    {},
    [null],
    [[]],
    { '': 1 },
  ),
  fc.constantFrom(...OBJECT_KEY_NAMES),
  fc.constantFrom(...OBJECT_KEY_NAMES).map((k) => JSON.parse(`{${JSON.stringify(k)}: "x"}`) as unknown),
  fc.integer({ min: 1, max: 4 }).map((n) => 'a'.repeat(10 ** n + 1)),
  fc.constant(null).map(() => 'x'.repeat(3_000_000)),
  fc.integer({ min: 50, max: 3000 }).map((d) => deeplyNested(d, 'array')),
  fc.integer({ min: 50, max: 3000 }).map((d) => deeplyNested(d, 'object')),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => Array.from({ length: n }, () => 'x')),
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** One change to a spec, applied at a path chosen by `pick` among the paths the spec has. */
export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'set'; pick: number; value: unknown }
  | { op: 'addKey'; pick: number; key: string; value: unknown }
  | { op: 'rename'; pick: number; name: string }
  | { op: 'duplicate'; pick: number }
  | { op: 'leaf'; pick: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: oddValue }), weight: 4 },
  fc.record({ op: fc.constant('addKey' as const), pick: fc.nat(), key: fc.oneof(fc.constantFrom(...OBJECT_KEY_NAMES), fc.string({ maxLength: 12 })), value: oddValue }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), name: fc.oneof(fc.constantFrom(...OBJECT_KEY_NAMES), fc.constantFrom('shop', 'web', 'payment', 'orders', 'x')) }),
  fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant('leaf' as const), pick: fc.nat(), value: oddScalar }), weight: 3 },
);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every (parent, key) in `value`, depth first, in a stable order. */
function slots(value: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 12 || value === null || typeof value !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
  for (const [key, child] of entries) {
    out.push({ parent: value as Container, key });
    slots(child, out, depth + 1);
  }
  return out;
}

function setOwn(obj: Container, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies `mutations` to a deep copy of `spec`. */
export function mutate(spec: unknown, mutations: readonly Mutation[]): unknown {
  const root = { spec: structuredClone(spec) };
  for (const m of mutations) {
    const all = slots(root.spec, [{ parent: root as unknown as Container, key: 'spec' }]);
    const { parent, key } = all[m.pick % all.length];
    const current = (parent as Record<string | number, unknown>)[key];
    switch (m.op) {
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete (parent as Record<string, unknown>)[key];
        break;
      case 'set':
        setOwn(parent, key, m.value);
        break;
      case 'addKey':
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) setOwn(current as Container, m.key, m.value);
        else {
          const obj = {};
          setOwn(obj, m.key, m.value);
          setOwn(parent, key, obj);
        }
        break;
      case 'rename':
        // a name (tenant, function, topic…) changed everywhere it is written
        if (typeof current === 'string' && current !== '') root.spec = JSON.parse(JSON.stringify(root.spec).split(JSON.stringify(current)).join(JSON.stringify(m.name)));
        break;
      case 'leaf': {
        // a scalar (string, number, boolean) replaced by an odd one of another form
        const leaves = all.filter((x) => {
          const v = (x.parent as Record<string | number, unknown>)[x.key];
          return v === null || typeof v !== 'object';
        });
        if (leaves.length > 0) {
          const leaf = leaves[m.pick % leaves.length];
          setOwn(leaf.parent, leaf.key, m.value);
        }
        break;
      }
      case 'duplicate':
        if (Array.isArray(parent) && typeof key === 'number') parent.push(structuredClone(current));
        break;
    }
  }
  return root.spec;
}

/** A spec made up from nothing: random JSON, or random values under the spec's top-level keys. */
const randomSpec: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withMap: true, withDate: true, withBigInt: true, withSparseArray: true }),
  fc.record(
    {
      name: fc.oneof(fc.constantFrom('acme', 'x', 'constructor'), fc.string()),
      aws: fc.jsonValue({ maxDepth: 2 }),
      environments: fc.dictionary(fc.oneof(fc.constantFrom('dev', 'prod', ...OBJECT_KEY_NAMES), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
      tenants: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
      functions: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
      routes: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 2 }),
      kafka: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  ),
);

/** A fuzz case: a base spec with 1–4 mutations (mostly), or a random spec. */
export interface FuzzCase {
  readonly base: number;
  readonly mutations: readonly Mutation[];
  readonly random?: unknown;
}

export function fuzzCase(bases: number): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { arbitrary: fc.record({ base: fc.nat({ max: bases - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }), weight: 9 },
    { arbitrary: randomSpec.map((random) => ({ base: -1, mutations: [], random })), weight: 1 },
  );
}

export function caseInput(c: FuzzCase, bases: readonly unknown[]): unknown {
  return c.base < 0 ? c.random : mutate(bases[c.base], c.mutations);
}

/** What one input did. `crash` kinds are what the property forbids. */
export type Outcome = { kind: 'accepted' } | { kind: 'refused'; issues: number } | { kind: 'crash'; where: 'parse' | 'synth'; error: string };

/** A short kind for a crash: error class and first line with numbers and quoted values blanked. */
export function crashKind(where: string, e: unknown): string {
  const err = e as Error;
  const name = err instanceof SpecError ? 'SpecError (late)' : (err?.name ?? typeof e);
  const line = String(err?.message ?? e)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 2)
    .join(' ')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 140);
  return `${where}: ${name}: ${line}`;
}

/**
 * Runs parseSpec on `input`; when it accepts and `synth` is set, synthesizes every environment
 * (or only the first, with `synth: 'first'`). A SpecError from synthesis of an accepted spec is a
 * crash too: every rule must fire in parseSpec, with the spec path.
 */
export function runCase(input: unknown, synth: false | 'first' | 'all' | (() => false | 'first' | 'all')): Outcome {
  let spec: PlatformSpec;
  try {
    spec = parseSpec(input);
  } catch (e) {
    if (e instanceof SpecError && e.issues.length > 0) return { kind: 'refused', issues: e.issues.length };
    return { kind: 'crash', where: 'parse', error: crashKind('parse', e) };
  }
  const which = typeof synth === 'function' ? synth() : synth;
  if (!which) return { kind: 'accepted' };
  try {
    const envs = environmentNames(spec);
    for (const env of which === 'first' ? envs.slice(0, 1) : envs) renderEnvironment(new HybridPlatform(spec, env));
  } catch (e) {
    return { kind: 'crash', where: 'synth', error: crashKind('synth', e) };
  }
  return { kind: 'accepted' };
}
