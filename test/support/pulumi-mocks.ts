import * as pulumi from '@pulumi/pulumi';

export type Registered = { type: string; name: string; inputs: any };

/**
 * Installs Pulumi mocks (before the file's tests) that record every resource registered,
 * and returns the list they fill. Call at the top of a test file or describe block.
 */
export function recordPulumiResources(stack = 'dev'): Registered[] {
  const registered: Registered[] = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      'hybrid-serverless',
      stack,
      true,
    );
  });
  return registered;
}
