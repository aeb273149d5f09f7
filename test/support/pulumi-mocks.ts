import * as pulumi from '@pulumi/pulumi';
import { skipPromiseStackTraces } from '../../lib/pulumi/promise-stacks';

/**
 * The one Pulumi mock recorder of the tests: every resource a program registers under
 * `pulumi.runtime.setMocks`, with the helpers that read them.
 */

/** One resource the program registered, as the mock monitor saw it. */
export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: any;
  /** Provider reference `urn::id`. */
  readonly provider?: string;
  readonly urn: string;
}

export const recorded: Recorded[] = [];

/**
 * Installs Pulumi mocks that record every registered resource. Call it before requiring any
 * module that creates resources (jest gives each test file its own module registry).
 */
export function installMocks(stack = 'test'): void {
  skipPromiseStackTraces();
  pulumi.runtime.setMocks(recordingMocks(stack, recorded), 'hybrid-serverless', stack, true);
}

/**
 * Installs the same recording mocks before the file's tests (beforeAll) and returns the list they
 * fill: for tests that import the program at the top instead of requiring it after installMocks.
 */
export function recordPulumiResources(stack = 'dev'): Recorded[] {
  const list: Recorded[] = [];
  beforeAll(async () => {
    skipPromiseStackTraces();
    await pulumi.runtime.setMocks(recordingMocks(stack, list), 'hybrid-serverless', stack, true);
  });
  return list;
}

/** Mocks that record every registration and answer with its inputs plus the outputs AWS would compute (arn, version, url). */
function recordingMocks(stack: string, into: Recorded[]): pulumi.runtime.Mocks {
  return {
    newResource: (args) => {
      const urn = `urn:pulumi:${stack}::hybrid-serverless::${args.type}::${args.name}`;
      into.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, urn });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === 'aws:lambda/function:Function') state.version = '1';
      if (args.type === 'aws:sqs/queue:Queue') state.url = `https://sqs.mock/${args.inputs.name}`;
      if (args.type === 'aws:lambda/functionUrl:FunctionUrl') state.functionUrl = `https://${args.name}.lambda-url.mock/`;
      if (args.type.startsWith('aws:')) state.arn ??= `arn:mock:${args.type}:${args.inputs.name ?? args.name}`;
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  };
}

/** Waits until every registration reached the mock monitor. */
export async function settle(): Promise<void> {
  await pulumi.runtime.awaitStackRegistrations?.();
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

export const ofType = (type: string, where: (r: Recorded) => boolean = () => true): Recorded[] => recorded.filter((r) => r.type === type && where(r));

export function one(type: string, where: (r: Recorded) => boolean = () => true): Recorded {
  const found = ofType(type, where);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(', ')}`);
  return found[0];
}

/** The default tags of the provider a resource was created with. */
export function providerTags(r: Recorded): Record<string, string> {
  if (!r.provider) throw new Error(`${r.type} ${r.name} has no explicit provider`);
  const urn = r.provider.split('::').slice(0, -1).join('::');
  const p = recorded.find((x) => x.type === 'pulumi:providers:aws' && (x.urn === urn || urn.endsWith(`::${x.name}`)));
  if (!p) throw new Error(`provider ${r.provider} not recorded`);
  const dt = typeof p.inputs.defaultTags === 'string' ? JSON.parse(p.inputs.defaultTags) : p.inputs.defaultTags;
  return dt.tags;
}

/** Resolves a Pulumi output (or plain value) in tests. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}
