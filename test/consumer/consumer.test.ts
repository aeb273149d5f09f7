import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A cluster-only consumer of the published package: the package is compiled, packed with
 * `npm pack` (so "files" and "exports" are what a user gets) and unpacked into the
 * node_modules of test/consumer/project, next to its runtime dependencies except @pulumi/*.
 * The project then type-checks with its own tsconfig (node16 resolution, so package exports
 * apply) and runs: a Pulumi module loaded anywhere would fail to resolve, and the test also
 * reads the module graph it reports.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; files: string[] };

let work: string;
let project: string;
let packed: string[];
let typecheckSeconds: number;
let run: { objects: { kind: string; apiVersion: string; metadata: { name: string } }[]; loaded: string[] };

function node(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-consumer-'));
  // the package as `npm pack` would see it after `npm run build`, staged outside the working tree
  const stage = path.join(work, 'stage');
  fs.mkdirSync(stage);
  for (const f of ['package.json', ...pkg.files.filter((f) => f !== 'build')]) fs.cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
  node([TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(stage, 'build')], ROOT);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: stage, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);

  project = path.join(work, 'project');
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(path.join(modules, 'hybrid-serverless'), { recursive: true });
  execFileSync('tar', ['xzf', path.join(work, info.filename), '-C', path.join(modules, 'hybrid-serverless'), '--strip-components=1']);
  const linked = [...Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@pulumi/')), '@types/node'];
  for (const dep of linked) {
    fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(modules, dep), 'dir');
  }
  for (const f of ['tsconfig.json', 'app.ts']) fs.copyFileSync(path.join(__dirname, 'project', f), path.join(project, f));

  const started = process.hrtime.bigint();
  node([TSC, '-p', 'tsconfig.json'], project);
  typecheckSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  run = JSON.parse(node(['out/app.js'], project));
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a cdk8s-only project importing hybrid-serverless/k8s', () => {
  test('type-checks against the packed declarations and synthesizes its chart', () => {
    expect(typecheckSeconds).toBeGreaterThan(0);
    expect(run.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual(
      expect.arrayContaining(['serving.knative.dev/v1 Service checkout', 'eventing.knative.dev/v1 Broker orders', 'eventing.knative.dev/v1 Trigger order-placed']),
    );
  });

  test('loads no @pulumi/* module, and nothing of the aws, platform or pulumi layers', () => {
    const ours = run.loaded.filter((f) => f.includes('/node_modules/hybrid-serverless/'));
    expect(ours).toContain(path.join(project, 'node_modules/hybrid-serverless/build/k8s/index.js').replace(/\\/g, '/'));
    expect(run.loaded.filter((f) => f.includes('/@pulumi/'))).toEqual([]);
    expect(ours.filter((f) => /\/build\/(aws|platform|pulumi)\//.test(f))).toEqual([]);
  });
});

describe('the packed package', () => {
  test('ships the compiled entry points of every subpath export, the JSON schema and the examples', () => {
    for (const entry of ['index', 'spec/index', 'k8s/index', 'aws/index', 'platform/index', 'pulumi/index']) {
      expect(packed).toEqual(expect.arrayContaining([`build/${entry}.js`, `build/${entry}.d.ts`]));
    }
    expect(packed).toEqual(expect.arrayContaining(['platform.schema.json', 'examples/minimal.platform.yaml', 'README.md']));
    expect(packed.filter((f) => f.endsWith('.zip'))).toEqual([]);
  });
});
