/**
 * Turning `deployCluster` off on a stack that deployed the cluster side would make Pulumi
 * delete every namespace and release of it. The program reads the stack's previous outputs
 * (a StackReference to itself) and refuses, unless the cluster was registered with
 * `retainCluster` (kept in the cluster, forgotten by Pulumi) or `removeCluster` consents.
 */
import * as pulumi from '@pulumi/pulumi';
import { clusterHandover, runProgram } from '../../lib/pulumi/program';
import { referenceSpec } from '../../stacks/reference';

type Registered = { type: string; name: string; inputs: any; retainOnDelete?: boolean };
const registered: Registered[] = [];
/** What the stack's previous deployment exported, as its StackReference reads it. */
let previous: Record<string, unknown> = {};

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (args.type === 'pulumi:pulumi:StackReference') return { id: args.inputs.name, state: { name: args.inputs.name, outputs: previous, secretOutputNames: [] } };
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'hybrid-serverless',
    'dev',
    true,
  );
  // retainOnDelete is a resource option, not an input: read it from the registration requests
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    const result = register(req, cb);
    const now = registered.filter((x) => x.name === req.getName() && x.type === req.getType()).pop();
    if (now) now.retainOnDelete = req.getRetainondelete?.() ?? false;
    return result;
  };
});

async function handover(config: Record<string, string>): Promise<string> {
  registered.length = 0;
  pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false', ...config });
  const outputs = runProgram(referenceSpec) as { clusterSide: pulumi.Output<string> };
  return await (outputs.clusterSide as unknown as { promise(): Promise<string> }).promise();
}

describe('deployCluster false on a stack that deployed the cluster side', () => {
  // In `pulumi up` the RunError, thrown in an apply of the stack reference's outputs, reaches the
  // Node.js runtime's unhandled-rejection handler, which prints the message without a stack and
  // fails the run before any step executes (jest's workers die of such a rejection, so the
  // decision is tested here and the wiring below, through the cases that pass).
  test('refused with one message saying what would be deleted and how to keep or remove it', () => {
    const refuse = () => clusterHandover({ environment: 'dev', clusterLayers: ['platform', 'config', 'apps'] }, { environment: 'dev', removeCluster: false });
    expect(refuse).toThrow(pulumi.RunError);
    expect(refuse).toThrow('hybrid-serverless:deployCluster is false, but this stack deployed the cluster side of "dev"');
    expect(refuse).toThrow('pulumi config set hybrid-serverless:retainCluster true');
    expect(refuse).toThrow('pulumi config set hybrid-serverless:removeCluster true');
  });

  test('allowed when the previous deployment retained the cluster, or with removeCluster', async () => {
    previous = { clusterLayers: ['platform', 'config', 'apps'], clusterRetained: true };
    await expect(handover({})).resolves.toBe('retained');
    previous = { clusterLayers: ['platform', 'config', 'apps'] };
    await expect(handover({ 'hybrid-serverless:removeCluster': 'true' })).resolves.toBe('removed');
  });

  test('a stack that never deployed the cluster side (cloud-only from the start) is not asked anything', async () => {
    previous = { environment: 'dev' };
    await expect(handover({})).resolves.toBe('not-deployed');
    expect(clusterHandover(undefined, { environment: 'dev', removeCluster: false })).toBe('not-deployed');
  });

  test('the reference reads this very stack', async () => {
    previous = {};
    await handover({});
    expect(registered.find((r) => r.type === 'pulumi:pulumi:StackReference')?.inputs.name).toBe('organization/hybrid-serverless/dev');
  });
});

describe('retainCluster', () => {
  const kubernetes = () => registered.filter((r) => r.type.startsWith('kubernetes:'));

  test('registers every cluster object with retainOnDelete and says so in the outputs', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:retainCluster': 'true' });
    const outputs = runProgram(referenceSpec);
    await new Promise((r) => setTimeout(r, 300));
    expect(outputs.clusterRetained).toBe(true);
    expect(kubernetes().length).toBeGreaterThan(100);
    expect(
      kubernetes()
        .filter((r) => r.retainOnDelete !== true)
        .map((r) => r.name),
    ).toEqual([]);
  });

  test('without it nothing is retained (removing a function deletes its objects)', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false' });
    const outputs = runProgram(referenceSpec);
    await new Promise((r) => setTimeout(r, 300));
    expect(outputs.clusterRetained).toBeUndefined();
    // only the CRD charts, whose CRDs are never deleted with a chart (as with Helm and Flux)
    expect(
      kubernetes()
        .filter((r) => r.retainOnDelete === true && r.type !== 'kubernetes:helm.sh/v4:Chart')
        .map((r) => r.name),
    ).toEqual([]);
  });
});
