import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');

interface ConfigDeclaration {
  type?: 'string' | 'integer' | 'boolean' | 'array';
  default?: unknown;
  value?: unknown;
}

const project = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as { name: string; config?: Record<string, ConfigDeclaration> };
const stacks = fs
  .readdirSync(ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const stackConfig = (stack: string) => ((parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
const key = (k: string) => (k.includes(':') ? k : `${project.name}:${k}`);

/**
 * The engine's check before a program runs (pulumi/pulumi sdk/go/common/workspace/config.go,
 * mergeConfig): a key of the project's namespace declared in Pulumi.yaml without `default` or
 * `value` is required, and `pulumi up` stops with "Stack '<stack>' is missing configuration
 * value(s) …" on a stack that does not set it; a set value must have the declared type.
 */
function engineConfigProblems(stack: string): string[] {
  const values = stackConfig(stack);
  const problems: string[] = [];
  for (const [k, decl] of Object.entries(project.config ?? {})) {
    const full = key(k);
    const set = full in values;
    if (!set && decl.default === undefined && decl.value === undefined && full.startsWith(`${project.name}:`)) problems.push(`Stack '${stack}' is missing configuration value '${k}'`);
    const v = values[full];
    if (set && decl.type) {
      const ok = decl.type === 'string' ? typeof v === 'string' : decl.type === 'boolean' ? typeof v === 'boolean' : decl.type === 'integer' ? Number.isInteger(v) : Array.isArray(v);
      if (!ok) problems.push(`Stack '${stack}' with configuration key '${k}' must be of type '${decl.type}'`);
    }
  }
  return problems;
}

describe('Pulumi.yaml project config', () => {
  test('there are stack files to check', () => {
    expect(stacks).toEqual(expect.arrayContaining(['dev', 'staging', 'prod']));
  });

  test.each(stacks)('stack %s passes the engine config validation (optional keys are not declared as required)', (stack) => {
    expect(engineConfigProblems(stack)).toEqual([]);
  });

  test('a stack that sets nothing still starts: every declared key of the project has a default', () => {
    const required = Object.entries(project.config ?? {}).filter(([k, d]) => key(k).startsWith(`${project.name}:`) && d.default === undefined && d.value === undefined);
    expect(required.map(([k]) => k)).toEqual([]);
  });
});
