import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { main, type CliContext } from '../../lib/cli/main';
import { OUTPUT_MARKER } from '../../lib/platform/synth';
import { platformJsonSchema } from '../../lib/spec/json-schema';
import { REPO_CLI } from '../../bin/hybrid-serverless';
import { tmpFolder } from '../support/tmp';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/minimal.platform.yaml');
/** The runner the npm scripts and cdk8s.yaml use: the CLI from a cached esbuild bundle. */
const RUN = path.join(ROOT, 'scripts/run.js');
const CLI = path.join(ROOT, 'bin/hybrid-serverless.ts');

function tmpdir(): string {
  return tmpFolder('hs-cli-');
}

/** Runs the CLI in this process (as bin/hybrid-serverless.ts does); stdout, stderr and exit code. */
async function cli(argv: string[], options: { cwd?: string; ctx?: CliContext } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { ...REPO_CLI, ...options.ctx, cwd: options.cwd ?? ROOT, env: {}, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** Every file under `dir` (relative path → sha256), the folder's exact state. */
function digest(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

/** The Flux Kustomizations' paths of one environment. */
function fluxPaths(envDir: string): string[] {
  return fs
    .readFileSync(path.join(envDir, 'flux/kustomizations.yaml'), 'utf8')
    .split(/^---\n/m)
    .map((d) => parse(d).spec.path);
}

const NO_STACK = /\n\s+at /;

describe('hybrid-serverless --help and usage errors', () => {
  test('--help lists every command; each command has its own --help with its options', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['synth', 'plan', 'verify', 'schema', 'import']) expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    const expected: Record<string, string[]> = {
      synth: ['--spec', '--env', '--out', '--force', '--gitops-path'],
      plan: ['--env', '--spec', '--json'],
      verify: ['--env', '--out', '--kubeconfig', '--context', '--kubectl'],
      schema: ['--out'],
      import: [],
    };
    for (const [c, options] of Object.entries(expected)) {
      const h = await cli([c, '--help']);
      expect({ c, code: h.code, err: h.err }).toEqual({ c, code: 0, err: '' });
      expect(h.out).toContain(`Usage: hybrid-serverless ${c}`);
      for (const o of options) expect(h.out).toContain(`  ${o}`);
      expect(await cli(['help', c])).toEqual(h);
    }
    expect((await cli(['import', '--help'])).out).toContain('works only from a checkout');
  });

  test('synth --help prints help, not a stack trace (also through the npm script entry)', () => {
    const r = spawnSync(process.execPath, [RUN, CLI, 'synth', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: hybrid-serverless synth');
    expect(r.stderr).toBe('');
  });

  test('an unknown command, an unknown option, a missing value, no command: one message, exit code 2', async () => {
    const unknown = await cli(['synthesize']);
    expect(unknown).toEqual({ code: 2, out: '', err: expect.stringContaining('unknown command "synthesize"; commands: synth, plan, verify, schema, import') });
    const option = await cli(['synth', '--environment', 'prod']);
    expect(option.code).toBe(2);
    expect(option.err).toContain('--environment: unknown argument; valid: --spec, --env, --out, --force, --gitops-path');
    const positional = await cli(['plan', 'prod']);
    expect(positional.code).toBe(2);
    expect(positional.err).toContain('prod: unknown argument; valid: --env, --spec, --json');
    const missing = await cli(['synth', '--out']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--out: needs a value');
    const flagValue = await cli(['synth', '--force=yes']);
    expect(flagValue.code).toBe(2);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: hybrid-serverless <command>');
    for (const r of [unknown, option, positional, missing, flagValue, none]) expect(r.err).not.toMatch(NO_STACK);
  });

  test('the packaged CLI without --spec and without platform.yaml asks for a spec', async () => {
    const dir = tmpdir();
    const r = await cli(['synth', '--out', 'out'], { cwd: dir, ctx: { defaultSpec: undefined } });
    expect(r.code).toBe(2);
    expect(r.err).toContain('no spec: pass --spec <file>');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

describe('hybrid-serverless synth', () => {
  test('writes every environment with a marker listing them; the Flux paths follow --out inside the git repository', async () => {
    const repo = tmpdir();
    fs.mkdirSync(path.join(repo, '.git'));
    const r = await cli(['synth', '--spec', EXAMPLE, '--out', 'clusters/demo'], { cwd: repo });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Synthesized 2 environment\(s\) into clusters\/demo\/ in [\d.]+s$/m);
    expect(r.out).toMatch(/^dev\s+\d+/m);
    expect(r.out).toContain('Flux reads ./clusters/demo/<env>/ from the GitOps repository');
    const out = path.join(repo, 'clusters/demo');
    expect(fs.readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'dev', 'edge']);
    expect(fs.readFileSync(path.join(out, OUTPUT_MARKER), 'utf8')).toMatch(/\ndev\nedge\n$/);
    expect(fluxPaths(path.join(out, 'dev'))).toEqual(['./clusters/demo/dev/platform', './clusters/demo/dev/config', './clusters/demo/dev/apps']);
  });

  test('the Flux paths: relative to the working directory without a repository; gitops.path in the spec, then --gitops-path, win', async () => {
    const dir = tmpdir();
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', 'gitops/out', '--env', 'dev'], { cwd: dir })).code).toBe(0);
    expect(fluxPaths(path.join(dir, 'gitops/out/dev'))[0]).toBe('./gitops/out/dev/platform');
    // an output folder outside the working directory and outside any repository is the repository's root
    const elsewhere = tmpdir();
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', elsewhere, '--env', 'dev'], { cwd: dir })).code).toBe(0);
    expect(fluxPaths(path.join(elsewhere, 'dev'))[0]).toBe('./dev/platform');
    const spec = path.join(dir, 'with-path.yaml');
    fs.writeFileSync(spec, `${fs.readFileSync(EXAMPLE, 'utf8')}\ngitops:\n  path: ./fleet/demo\n`);
    const own = await cli(['synth', '--spec', spec, '--out', 'x', '--env', 'dev'], { cwd: dir });
    expect(own.code).toBe(0);
    expect(own.out).toContain('Flux reads ./fleet/demo/<env>/ from the GitOps repository (gitops.path in the spec)');
    expect(fluxPaths(path.join(dir, 'x/dev'))[0]).toBe('./fleet/demo/dev/platform');
    expect((await cli(['synth', '--spec', spec, '--out', 'x', '--env', 'dev', '--gitops-path', './other'], { cwd: dir })).code).toBe(0);
    expect(fluxPaths(path.join(dir, 'x/dev'))[0]).toBe('./other/dev/platform');
    const bad = await cli(['synth', '--spec', EXAMPLE, '--out', 'y', '--gitops-path', 'no spaces'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--gitops-path: must give a path inside the GitOps repository');
    expect(fs.existsSync(path.join(dir, 'y'))).toBe(false);
  });

  test('an output folder that git ignores is pointed out (Flux reads only committed files)', async () => {
    const repo = tmpdir();
    expect(spawnSync('git', ['init', '-q'], { cwd: repo }).status).toBe(0);
    fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/\n');
    const ignored = await cli(['synth', '--spec', EXAMPLE, '--env', 'dev'], { cwd: repo });
    expect(ignored.code).toBe(0);
    expect(ignored.out).toContain('Flux reads ./dist/<env>/ from the GitOps repository; commit dist/ there.');
    expect(ignored.out).toContain('note: dist/ is ignored by git here (.gitignore)');
    const committed = await cli(['synth', '--spec', EXAMPLE, '--env', 'dev', '--out', 'clusters'], { cwd: repo });
    expect(committed.out).toContain('Flux reads ./clusters/<env>/');
    expect(committed.out).not.toContain('ignored by git');
  });

  test('the reference stack (no --spec) follows --out too; the default stays ./dist', async () => {
    const dir = tmpdir();
    expect((await cli(['synth', '--out', 'dist', '--env', 'edge'], { cwd: dir })).code).toBe(0);
    expect(fluxPaths(path.join(dir, 'dist/edge'))[0]).toBe('./dist/edge/platform');
    expect((await cli(['synth', '--out', 'fleet', '--env', 'edge'], { cwd: dir })).code).toBe(0);
    expect(fluxPaths(path.join(dir, 'fleet/edge'))[0]).toBe('./fleet/edge/platform');
  });

  test('--out guard: a folder holding a git repository is refused and left untouched', async () => {
    const repo = tmpdir();
    fs.mkdirSync(path.join(repo, '.git/refs'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git/HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(repo, 'README.md'), '# fleet\n');
    const before = digest(repo);
    const r = await cli(['synth', '--spec', EXAMPLE, '--out', repo]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not empty and was not written by hybrid-serverless');
    expect(r.err).toContain('it holds .git, README.md');
    expect(r.err).toContain('--force');
    expect(r.err).toContain('Nothing was written.');
    expect(r.err).not.toMatch(NO_STACK);
    expect(digest(repo)).toEqual(before);
    expect(fs.readdirSync(path.dirname(repo)).filter((f) => f.startsWith(`.${path.basename(repo)}.hs-staging-`))).toEqual([]);
  });

  test('--force writes only the environment folders; .git and other files stay, later runs need no --force and remove only their own folders', async () => {
    const repo = tmpdir();
    fs.mkdirSync(path.join(repo, '.git'));
    fs.writeFileSync(path.join(repo, '.git/HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(repo, 'README.md'), '# fleet\n');
    fs.mkdirSync(path.join(repo, 'notes'));
    fs.writeFileSync(path.join(repo, 'notes/a.txt'), 'mine');
    const forced = await cli(['synth', '--spec', EXAMPLE, '--out', repo, '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(repo).sort()).toEqual(['.git', OUTPUT_MARKER, 'README.md', 'dev', 'edge', 'notes']);
    expect(fs.readFileSync(path.join(repo, '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(fluxPaths(path.join(repo, 'dev'))[0]).toBe('./dev/platform');
    // again without --force: the marker says the environment folders are ours
    fs.writeFileSync(path.join(repo, 'dev/stale.yaml'), 'old');
    const spec = path.join(tmpdir(), 'dev-only.yaml');
    fs.writeFileSync(spec, fs.readFileSync(EXAMPLE, 'utf8').replace(/\n  edge:\n    domain: edge.demo.example/, ''));
    const again = await cli(['synth', '--spec', spec, '--out', repo]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    // edge left the spec: its folder (ours) is removed; everything else stays
    expect(fs.readdirSync(repo).sort()).toEqual(['.git', OUTPUT_MARKER, 'README.md', 'dev', 'notes']);
    expect(fs.existsSync(path.join(repo, 'dev/stale.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'notes/a.txt'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(repo, OUTPUT_MARKER), 'utf8')).toMatch(/\ndev\n$/);
  });

  test('output written before the marker existed (environment folders only) is taken as ours', async () => {
    const dir = tmpdir();
    const out = path.join(dir, 'dist');
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', out])).code).toBe(0);
    fs.rmSync(path.join(out, OUTPUT_MARKER));
    const r = await cli(['synth', '--spec', EXAMPLE, '--out', out, '--env', 'dev']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'dev', 'edge']);
  });

  test('a spec error leaves the previous output byte-identical (and says so)', async () => {
    const dir = tmpdir();
    const out = path.join(dir, 'dist');
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', out])).code).toBe(0);
    const before = digest(out);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, fs.readFileSync(EXAMPLE, 'utf8').replace('name: demo', 'name: Bad_Name'));
    for (const extra of [[], ['--env', 'dev']]) {
      const r = await cli(['synth', '--spec', bad, '--out', out, ...extra]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('name: must be a DNS-1123 label');
      expect(r.err).toContain('Nothing was written.');
      expect(r.err).not.toMatch(NO_STACK);
      expect(digest(out)).toEqual(before);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
  });

  test('cdk8s synth (cdk8s.yaml) writes the same output, and a spec error leaves the previous one intact', () => {
    const dir = tmpdir();
    const spec = path.join(dir, 'platform.yaml');
    fs.copyFileSync(EXAMPLE, spec);
    // the repository's cdk8s.yaml, with this test's spec
    const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
    expect(config.app).toBe('node scripts/run.js bin/hybrid-serverless.ts synth --out dist');
    expect(config.output).not.toBe('dist');
    const app = `${process.execPath} ${RUN} ${CLI} synth --out dist --spec ${spec}`;
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${app}\noutput: ${config.output}\n`);
    const cdk8s = () =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_OUTDIR: undefined },
      });
    const first = cdk8s();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const out = path.join(dir, 'dist');
    expect(fs.readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'dev', 'edge']);
    // cdk8s-cli lists (and may validate) its own output folder: the same files
    expect(digest(path.join(dir, config.output))).toEqual(Object.fromEntries(Object.entries(digest(out)).filter(([f]) => f !== OUTPUT_MARKER)));
    const before = digest(out);
    fs.writeFileSync(spec, fs.readFileSync(EXAMPLE, 'utf8').replace('name: demo', 'name: Bad_Name'));
    const second = cdk8s();
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain('name: must be a DNS-1123 label');
    expect(second.stderr).toContain('Nothing was written.');
    expect(digest(out)).toEqual(before);
  });
});

describe('hybrid-serverless plan', () => {
  test('--spec: the spec file from another folder, its Lambda code.path relative to the spec file', () => {
    const specDir = tmpdir();
    fs.mkdirSync(path.join(specDir, 'functions/hello'), { recursive: true });
    fs.writeFileSync(path.join(specDir, 'functions/hello/index.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
    const spec = fs
      .readFileSync(EXAMPLE, 'utf8')
      .replace(/\nroutes:[\s\S]*$/, '\n')
      .concat(
        '  - name: greet\n    tenant: web\n    target: lambda\n    code: { path: functions/hello, handler: index.handler, runtime: nodejs22.x }\n    triggers:\n      - type: schedule\n        cron: "0 * * * *"\n',
      );
    fs.writeFileSync(path.join(specDir, 'platform.yaml'), spec);
    const cwd = tmpdir();
    const r = spawnSync(process.execPath, [RUN, CLI, 'plan', '--env', 'dev', '--spec', path.join(specDir, 'platform.yaml'), '--json'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.outputs).toMatchObject({ environment: 'dev', platform: 'demo' });
    expect(p.resources.some((x: { type: string; name: string }) => x.type === 'aws:lambda/function:Function' && x.name.includes('greet'))).toBe(true);
    // a code path that does not exist next to the spec file is named in a clean error
    fs.rmSync(path.join(specDir, 'functions'), { recursive: true });
    const missing = spawnSync(process.execPath, [RUN, CLI, 'plan', '--env', 'dev', '--spec', path.join(specDir, 'platform.yaml')], { cwd, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('functions/hello');
    expect(missing.stderr).not.toMatch(NO_STACK);
  });

  test('a missing spec file and a bad environment: one message, exit code 1, before Pulumi starts', async () => {
    const r = await cli(['plan', '--spec', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read the spec file: ENOENT');
    const env = await cli(['plan', '--env', 'qa']);
    expect(env.code).toBe(1);
    expect(env.err).toContain(`--env: must be one of the spec's environments: dev, staging, prod, edge (got "qa")`);
  });

  test("free environment names: synth and plan take the spec's names, and refuse others listing them", async () => {
    const dir = tmpdir();
    const spec = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(
      spec,
      fs
        .readFileSync(EXAMPLE, 'utf8')
        .replace('  edge:\n    domain: edge.demo.example\n', '  edge-shanghai: { profile: edge, domain: shanghai.demo.example }\n  edge-berlin: { profile: edge, domain: berlin.demo.example }\n'),
    );
    const synth = await cli(['synth', '--spec', spec, '--out', 'out'], { cwd: dir });
    expect(synth.err).toBe('');
    expect(synth.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual([OUTPUT_MARKER, 'dev', 'edge-berlin', 'edge-shanghai']);
    expect(fluxPaths(path.join(dir, 'out/edge-berlin'))).toEqual(['./out/edge-berlin/platform', './out/edge-berlin/config', './out/edge-berlin/apps']);
    const only = await cli(['synth', '--spec', spec, '--out', 'out', '--env', 'edge-berlin,edge'], { cwd: dir });
    expect(only.code).toBe(1);
    expect(only.err).toContain(`--env: must be one of the spec's environments: dev, edge-shanghai, edge-berlin (got "edge")`);
    expect(only.err).not.toMatch(NO_STACK);
    const plan = spawnSync(process.execPath, [RUN, CLI, 'plan', '--env', 'edge-berlin', '--spec', spec, '--json'], { cwd: dir, encoding: 'utf8' });
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    expect(JSON.parse(plan.stdout).outputs).toMatchObject({ environment: 'edge-berlin', platform: 'demo' });
  });
});

describe('hybrid-serverless verify', () => {
  /** A kubectl that reaches a cluster accepting every object (answers with what it was given). */
  function fakeKubectl(dir: string, reachable = true): string {
    const file = path.join(dir, 'kubectl');
    fs.writeFileSync(
      file,
      `#!${process.execPath}\nconst args = process.argv.slice(2);\nif (args.includes('version')) { if (${!reachable}) { process.stderr.write('connection refused'); process.exit(1); } process.stdout.write('{}'); process.exit(0); }\nlet input = ''; process.stdin.on('data', (d) => (input += d)); process.stdin.on('end', () => process.stdout.write(input));\n`,
    );
    fs.chmodSync(file, 0o755);
    return file;
  }

  test('dry-runs every layer of <out>/<env> and reports per layer; exit 0', async () => {
    const dir = tmpdir();
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', 'dist', '--env', 'dev'], { cwd: dir })).code).toBe(0);
    const r = await cli(['verify', '--env', 'dev', '--kubectl', fakeKubectl(dir), '--context', 'kind-dev'], { cwd: dir });
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^dev\/platform: (\d+)\/\1 accepted$/m);
    expect(r.out).toMatch(/^dev\/flux: (\d+)\/\1 accepted$/m);
    expect(r.out).toContain('dev: no object refused');
    expect(r.code).toBe(0);
  });

  test('no output, a bad environment, an unreachable cluster: one message, exit code 2', async () => {
    const dir = tmpdir();
    const none = await cli(['verify', '--env', 'dev'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.err).toContain('no synthesized output there; run `hybrid-serverless synth` first');
    expect((await cli(['verify', '--env', 'Nope_1'], { cwd: dir })).err).toContain('--env: must be a DNS-1123 label');
    expect((await cli(['verify', '--env', 'nope'], { cwd: dir })).err).toContain('--out: no synthesized output there');
    expect((await cli(['verify'], { cwd: dir })).code).toBe(2);
    expect((await cli(['synth', '--spec', EXAMPLE, '--out', 'dist', '--env', 'dev'], { cwd: dir })).code).toBe(0);
    const gone = await cli(['verify', '--env', 'dev', '--kubectl', fakeKubectl(dir, false)], { cwd: dir });
    expect(gone).toEqual({ code: 2, out: '', err: expect.stringContaining('cannot reach the cluster: connection refused') });
    const noKubectl = await cli(['verify', '--env', 'dev', '--kubectl', path.join(dir, 'missing-kubectl')], { cwd: dir });
    expect(noKubectl.code).toBe(2);
    expect(noKubectl.err).toContain('cannot run');
  });
});

describe('hybrid-serverless schema and import', () => {
  test('schema writes the JSON Schema of the spec (default platform.schema.json in the working directory)', async () => {
    const dir = tmpdir();
    const r = await cli(['schema'], { cwd: dir });
    expect(r).toEqual({ code: 0, out: 'wrote platform.schema.json\n', err: '' });
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'platform.schema.json'), 'utf8'));
    expect(schema.properties).toHaveProperty('functions');
    expect(fs.readFileSync(path.join(dir, 'platform.schema.json'), 'utf8')).toBe(`${JSON.stringify(platformJsonSchema(), null, 2)}\n`);
    const stdout = await cli(['schema', '--out', '-'], { cwd: dir });
    expect(JSON.parse(stdout.out)).toEqual(schema);
  });

  test('import outside a checkout of the repository: one message, exit code 1', async () => {
    const r = await cli(['import'], { ctx: { packageRoot: tmpdir() } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('import works only in a checkout of the hybrid-serverless repository');
  });

  test('import in the checkout runs scripts/import-crds.sh', async () => {
    // a stand-in package root whose script records that it ran, and where
    const root = tmpdir();
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.writeFileSync(path.join(root, 'scripts/import-crds.sh'), '#!/bin/sh\npwd > ran.txt\n');
    fs.chmodSync(path.join(root, 'scripts/import-crds.sh'), 0o755);
    expect((await cli(['import'], { ctx: { packageRoot: root } })).code).toBe(0);
    expect(fs.realpathSync(fs.readFileSync(path.join(root, 'ran.txt'), 'utf8').trim())).toBe(fs.realpathSync(root));
    fs.writeFileSync(path.join(root, 'scripts/import-crds.sh'), '#!/bin/sh\nexit 3\n');
    const failed = await cli(['import'], { ctx: { packageRoot: root } });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('failed (exit code 3)');
  });
});
