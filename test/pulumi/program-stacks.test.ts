import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { parse, stringify } from 'yaml';
import { runProgram } from '../../lib/pulumi/program';
import { referenceSpec } from '../../stacks/reference';
import { recordPulumiResources } from '../support/pulumi-mocks';

const ROOT = path.resolve(__dirname, '../..');
const registered = recordPulumiResources('prod');
const settle = () => new Promise((r) => setTimeout(r, 200));
const runError = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(pulumi.RunError.isInstance(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a RunError');
};

describe('where the program runs', () => {
  test("Pulumi.yaml's main is a file at the project root (the language host runs a program file in that file's folder)", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as { main: string };
    expect(path.dirname(project.main)).toBe('.');
    expect(fs.existsSync(path.join(ROOT, project.main))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, project.main), 'utf8')).toContain("require('./bin/pulumi')");
  });

  test('spec files and Lambda code resolve from the project root, whatever the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(path.join(ROOT, 'bin'));
    try {
      pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false', 'hybrid-serverless:specFile': 'examples/minimal.platform.yaml', 'hybrid-serverless:environment': 'dev' });
      expect(runProgram(referenceSpec, { root: ROOT })).toMatchObject({ environment: 'dev', platform: 'demo' });
      registered.length = 0;
      // the reference stack's Lambda code is stacks/functions/thumbnail, bundled from the root
      pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false' });
      expect(runProgram(referenceSpec, { root: ROOT })).toMatchObject({ environment: 'prod', platform: 'acme' });
      await settle();
      expect(registered.some((r) => r.type === 'aws:lambda/function:Function')).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});

test("with hybrid-serverless:specFile, Lambda code paths resolve from the spec file's folder (as in npm run plan -- --spec)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-spec-'));
  try {
    fs.cpSync(path.join(ROOT, 'test/aws/fixtures/echo'), path.join(dir, 'functions/echo'), { recursive: true });
    const spec = parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.platform.yaml'), 'utf8'));
    spec.functions.push({ name: 'echo', tenant: 'web', target: 'lambda', code: { path: 'functions/echo', handler: 'index.handler', runtime: 'nodejs22.x' } });
    fs.writeFileSync(path.join(dir, 'platform.yaml'), stringify(spec));
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false', 'hybrid-serverless:specFile': path.join(dir, 'platform.yaml'), 'hybrid-serverless:environment': 'dev' });
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    expect(registered.find((r) => r.type === 'aws:lambda/function:Function')?.inputs.name).toBe('demo-dev-echo');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('cluster-only and cloud-only stacks', () => {
  test('deployCloud false: the cluster side only, no AWS resource (no AWS account needed)', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'prod-cluster' });
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    expect(registered.filter((r) => r.type.startsWith('aws:'))).toEqual([]);
    expect(registered.some((r) => r.type === 'kubernetes:helm.sh/v3:Release')).toBe(true);
  });

  test('deployCluster false: the cloud side only, no Kubernetes resource', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false' });
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    expect(registered.filter((r) => r.type.startsWith('kubernetes:'))).toEqual([]);
    expect(registered.some((r) => r.type.startsWith('aws:'))).toBe(true);
  });

  test('both false is refused: the stack would deploy nothing', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCluster': 'false', 'hybrid-serverless:deployCloud': 'false' });
    expect(runError(() => runProgram(referenceSpec, { root: ROOT }))).toContain(
      'hybrid-serverless:deployCloud: and hybrid-serverless:deployCluster are both false: the stack would deploy nothing; set one of them to true',
    );
  });
});

describe('the cluster provider', () => {
  test('updates ConfigMaps and Secrets in place instead of replacing them', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'prod-cluster' });
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    const providers = registered.filter((r) => r.type === 'pulumi:providers:kubernetes');
    expect(providers).toHaveLength(1);
    expect(providers[0].inputs).toMatchObject({ context: 'prod-cluster', enableServerSideApply: 'true', enableConfigMapMutable: 'true', enableSecretMutable: 'true' });
  });
});

describe("the OpenFaaS licence from the stack's secret config", () => {
  test('becomes Secret openfaas/openfaas-license (key license) before the openfaas release', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'prod-cluster', 'hybrid-serverless:openfaasLicense': 'licence-text' }, [
      'hybrid-serverless:openfaasLicense',
    ]);
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    const secret = registered.filter((r) => r.type === 'kubernetes:core/v1:Secret' && r.name === 'openfaas/openfaas-license');
    expect(secret).toHaveLength(1);
    expect(secret[0].inputs).toMatchObject({ metadata: { name: 'openfaas-license', namespace: 'openfaas' }, type: 'Opaque' });
    // the data stays a secret for the engine (Pulumi's secret signature), never plaintext in state
    expect(secret[0].inputs.stringData).toEqual({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: { license: 'licence-text' } });
  });

  test('without it nothing is created: the Secret must exist already (as for GitOps)', async () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:deployCloud': 'false', 'hybrid-serverless:kubeContext': 'prod-cluster' });
    runProgram(referenceSpec, { root: ROOT });
    await settle();
    expect(registered.filter((r) => r.name === 'openfaas/openfaas-license')).toEqual([]);
  });
});

describe('the cluster of staging and prod is named, never the current context', () => {
  test('prod without hybrid-serverless:kubeContext is refused before anything is registered', () => {
    registered.length = 0;
    pulumi.runtime.setAllConfig({});
    expect(runError(() => runProgram(referenceSpec, { root: ROOT }))).toContain(
      'hybrid-serverless:kubeContext: is required for environment "prod" (environments of the staging, prod profiles never deploy into whatever kubeconfig context is current)',
    );
    expect(registered).toEqual([]);
  });

  test('dev and edge may use the current context', () => {
    pulumi.runtime.setAllConfig({ 'hybrid-serverless:environment': 'edge', 'hybrid-serverless:deployCloud': 'false' });
    expect(runProgram(referenceSpec, { root: ROOT })).toMatchObject({ environment: 'edge' });
  });

  test('the staging and prod stack files of this repository name their context', () => {
    for (const env of ['staging', 'prod']) {
      const config = (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8')) as { config: Record<string, unknown> }).config;
      expect(typeof config['hybrid-serverless:kubeContext']).toBe('string');
    }
  });
});
