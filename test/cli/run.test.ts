/**
 * scripts/run.js runs a TypeScript entry from a cached esbuild bundle (the npm scripts and
 * cdk8s.yaml use it): module semantics as under ts-node, rebuilt when a source changes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpFolder } from '../support/tmp';

const ROOT = path.resolve(__dirname, '../..');
const RUN = path.join(ROOT, 'scripts/run.js');
// Inside the project, so the bundle's packages resolve from its node_modules.
const CACHE = path.join(ROOT, 'node_modules/.cache/hybrid-serverless', `run-test-${process.pid}`);

afterAll(() => fs.rmSync(CACHE, { recursive: true, force: true }));

function run(entry: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [RUN, entry, ...args], { encoding: 'utf8', env: { ...process.env, HYBRID_SERVERLESS_RUN_CACHE: CACHE } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/run.js', () => {
  const dir = tmpFolder('hs-run-');
  const entry = path.join(dir, 'entry.ts');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(
    path.join(dir, 'sub/mod.ts'),
    ["import { parse } from 'yaml';", 'export const modDir: string = __dirname;', "export const value: number = parse('n: 1').n;", "if (require.main === module) console.log('mod ran as main');"].join(
      '\n',
    ),
  );
  fs.writeFileSync(
    entry,
    [
      "import { modDir, value } from './sub/mod';",
      'const isMain: boolean = require.main === module;',
      'console.log(JSON.stringify({ args: process.argv.slice(2), entryDir: __dirname, entryFile: __filename, modDir, value, isMain }));',
    ].join('\n'),
  );

  test('each module keeps its own __dirname and __filename; only the entry is main; arguments pass through', () => {
    const r = run(entry, 'synth', '--env', 'prod');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ args: ['synth', '--env', 'prod'], entryDir: dir, entryFile: entry, modDir: path.join(dir, 'sub'), value: 1, isMain: true });
  });

  test('a changed source is rebuilt; an unchanged one is reused from the cache', () => {
    expect(JSON.parse(run(entry).stdout).value).toBe(1);
    const bundles = () => fs.readdirSync(CACHE).filter((f) => f.endsWith('.js'));
    const [bundle] = bundles();
    const built = fs.statSync(path.join(CACHE, bundle)).mtimeMs;
    expect(JSON.parse(run(entry).stdout).value).toBe(1);
    expect(fs.statSync(path.join(CACHE, bundle)).mtimeMs).toBe(built); // reused
    const mod = path.join(dir, 'sub/mod.ts');
    fs.writeFileSync(mod, fs.readFileSync(mod, 'utf8').replace("parse('n: 1').n", "parse('n: 22').n"));
    expect(JSON.parse(run(entry).stdout).value).toBe(22);
    expect(bundles()).toEqual([bundle]);
  });

  test('a syntax error is esbuild’s message with file and line, exit 1; no bundle is run', () => {
    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(bad, "console.log('ran');\nconst x = ;\n");
    const r = run(bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\[ERROR\] Unexpected ";"/);
    expect(r.stderr).toMatch(/bad\.ts:2:10:/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('usage errors exit 2', () => {
    expect(run(path.join(dir, 'missing.ts')).status).toBe(2);
    expect(run('').status).toBe(2);
  });
});
