/** The Lambda deployment package is deterministic: same source → same bytes → same hash. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { version as esbuildVersion } from 'esbuild';
import { unzipSync } from 'fflate';
import { bundleCode, deterministicZip, writeBundle } from '../../lib/aws/lambda/code-bundle';
import { specErrorMessage } from '../support/errors';

const thumbnail = { path: 'stacks/functions/thumbnail', handler: 'index.handler', runtime: 'nodejs22.x' };

/** Reads the central directory of a zip: name, DOS time/date, external attributes. */
function centralEntries(zip: Uint8Array): { name: string; time: number; date: number; attrs: number; madeBy: number }[] {
  const buf = Buffer.from(zip);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    out.push({
      madeBy: buf.readUInt16LE(at + 4) >> 8,
      time: buf.readUInt16LE(at + 12),
      date: buf.readUInt16LE(at + 14),
      attrs: buf.readUInt32LE(at + 38),
      name: buf.toString('utf8', at + 46, at + 46 + nameLen),
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('thumbnail package', () => {
  const first = bundleCode(thumbnail);
  const second = bundleCode(thumbnail);

  test('two builds are byte-identical, with the same SHA-256', () => {
    expect(Buffer.compare(Buffer.from(first.zip), Buffer.from(second.zip))).toBe(0);
    expect(first.sha256).toBe(second.sha256);
    expect(first.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  test('one bundled CommonJS file named after the handler module, exporting the handler, with no machine paths', () => {
    expect(first.files).toEqual(['index.js']);
    const js = Buffer.from(unzipSync(first.zip)['index.js']).toString('utf8');
    expect(js).toContain('module.exports = __toCommonJS(');
    expect(js).toMatch(/handler: \(\) => handler/);
    expect(js).not.toContain(process.cwd());
    expect(js).not.toContain(os.homedir());
  });

  test('entries carry a fixed time (1980-01-02 00:00) and Unix mode 0644', () => {
    for (const e of centralEntries(first.zip)) {
      expect(e.date).toBe(((1980 - 1980) << 9) | (1 << 5) | 2);
      expect(e.time).toBe(0);
      expect(e.madeBy).toBe(3);
      expect((e.attrs >>> 16) & 0o777).toBe(0o644);
    }
  });

  test('written content-addressed under build/lambda', () => {
    const file = writeBundle(first);
    expect(path.relative(process.cwd(), file)).toBe(`build/lambda/${Buffer.from(first.sha256, 'base64').toString('hex')}.zip`);
    expect(Buffer.compare(fs.readFileSync(file), Buffer.from(first.zip))).toBe(0);
  });
});

describe('source changes change the package', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-bundle-'));
    fs.writeFileSync(path.join(dir, 'index.ts'), 'export const handler = async () => 1;\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a different byte of source gives a different hash; file times do not matter', () => {
    const a = bundleCode({ path: dir, handler: 'index.handler', runtime: 'nodejs22.x', root: '/' });
    fs.utimesSync(path.join(dir, 'index.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const again = bundleCode({ path: dir, handler: 'index.handler', runtime: 'nodejs22.x', root: '/' });
    expect(again.sha256).toBe(a.sha256);
    fs.writeFileSync(path.join(dir, 'index.ts'), 'export const handler = async () => 2;\n');
    expect(bundleCode({ path: dir, handler: 'index.handler', runtime: 'nodejs22.x', root: '/' }).sha256).not.toBe(a.sha256);
  });

  test('a folder is built once while its files stay the same (every function and environment sharing it reuses the package)', () => {
    fs.writeFileSync(path.join(dir, 'index.ts'), 'export const handler = async () => 3;\n');
    const props = { path: dir, handler: 'index.handler', runtime: 'nodejs22.x', root: '/' };
    const first = bundleCode(props);
    expect(bundleCode({ ...props, specPath: 'functions[7].code' })).toBe(first);
    fs.utimesSync(path.join(dir, 'index.ts'), new Date(2002, 1, 1), new Date(2002, 1, 1));
    expect(bundleCode(props)).toBe(first); // touched, same content
    fs.writeFileSync(path.join(dir, 'index.ts'), 'export const handler = async () => 4;\n');
    expect(bundleCode(props).sha256).not.toBe(first.sha256);
  });

  test('non-Node runtimes get the directory zipped as it is, in name order', () => {
    const py = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-py-'));
    fs.mkdirSync(path.join(py, 'lib'));
    fs.writeFileSync(path.join(py, 'app.py'), 'def handler(event, context):\n    return event\n');
    fs.writeFileSync(path.join(py, 'lib', 'util.py'), 'X = 1\n');
    const b = bundleCode({ path: py, handler: 'app.handler', runtime: 'python3.12', root: '/' });
    expect(b.files).toEqual(['app.py', 'lib/util.py']);
    expect(Buffer.from(unzipSync(b.zip)['lib/util.py']).toString()).toBe('X = 1\n');
    expect(() => bundleCode({ path: py, handler: 'main.handler', runtime: 'python3.12', root: '/' })).toThrow('code.handler: no module "main.py"');
    fs.rmSync(py, { recursive: true, force: true });
  });

  test('a bundling error is a SpecError naming the code path', () => {
    fs.writeFileSync(path.join(dir, 'index.ts'), "import { nope } from './missing';\nexport const handler = nope;\n");
    expect(specErrorMessage(() => bundleCode({ path: dir, handler: 'index.handler', runtime: 'nodejs22.x', root: '/' }))).toContain(`code.path: does not bundle: Could not resolve "./missing"`);
  });
});

describe('disk cache across runs', () => {
  type Module = typeof import('../../lib/aws/lambda/code-bundle');
  /** A fresh copy of the module: a new process as far as the in-process cache goes. `esbuild` replaces esbuild's buildSync. */
  function freshModule(esbuild?: () => never): Module {
    let m: Module | undefined;
    jest.isolateModules(() => {
      if (esbuild) jest.doMock('esbuild', () => ({ ...jest.requireActual('esbuild'), buildSync: esbuild }));
      m = jest.requireActual<Module>('../../lib/aws/lambda/code-bundle');
    });
    jest.dontMock('esbuild');
    return m!;
  }
  const noEsbuild = (): never => {
    throw new Error('esbuild ran');
  };
  const saved = { CACHE_DIR: process.env.CACHE_DIR, NO_CACHE: process.env.HYBRID_SERVERLESS_NO_CACHE };
  let roots: string[] = [];
  /** A project root: package.json, node_modules/ and fn/index.ts with `source`. */
  function project(source: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-cache-'));
    roots.push(root);
    fs.writeFileSync(path.join(root, 'package.json'), '{}\n');
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.mkdirSync(path.join(root, 'fn'));
    fs.writeFileSync(path.join(root, 'fn', 'index.ts'), source);
    fs.writeFileSync(path.join(root, 'fn', 'util.ts'), 'export const x = 1;\n');
    return root;
  }
  const cacheOf = (root: string) => path.join(root, 'node_modules', '.cache', 'hybrid-serverless', 'lambda');
  const props = (root: string) => ({ path: 'fn', handler: 'index.handler', runtime: 'nodejs22.x', root });
  const same = (a: { zip: Uint8Array }, b: { zip: Uint8Array }) => Buffer.compare(Buffer.from(a.zip), Buffer.from(b.zip)) === 0;

  beforeEach(() => {
    delete process.env.CACHE_DIR;
    delete process.env.HYBRID_SERVERLESS_NO_CACHE;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries({ CACHE_DIR: saved.CACHE_DIR, HYBRID_SERVERLESS_NO_CACHE: saved.NO_CACHE })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
    roots = [];
  });

  test('a later run gets the stored package without esbuild, byte for byte what a fresh build gives', () => {
    const root = project("import { x } from './util';\nexport const handler = async () => x;\n");
    const built = freshModule().bundleCode(props(root));
    const files = fs.readdirSync(cacheOf(root)).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain(`${Buffer.from(built.sha256, 'base64').toString('hex')}.zip`);
    expect(files.filter((f) => /^[0-9a-f]{64}\.json$/.test(f))).toHaveLength(1);
    const manifest = JSON.parse(
      fs.readFileSync(
        path.join(
          cacheOf(root),
          files.find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    );
    expect(manifest).toMatchObject({ format: 1, dir: path.join(root, 'fn'), handler: 'index.handler', runtime: 'nodejs22.x', esbuild: esbuildVersion });
    expect(manifest.inputs.map((i: { file: string }) => path.relative(root, i.file)).sort()).toEqual(['fn/index.ts', 'fn/util.ts']);
    const cached = freshModule(noEsbuild).bundleCode(props(root));
    expect(same(cached, built)).toBe(true);
    expect(cached.sha256).toBe(built.sha256);
    expect(cached.files).toEqual(built.files);
    process.env.HYBRID_SERVERLESS_NO_CACHE = '1';
    const fresh = freshModule().bundleCode(props(root));
    expect(same(fresh, cached)).toBe(true);
    expect(() => freshModule(noEsbuild).bundleCode(props(root))).toThrow('esbuild ran');
  });

  test('editing any input file (the entry or a module it imports) changes the package; touching one does not', () => {
    const root = project("import { x } from './util';\nexport const handler = async () => x;\n");
    const first = freshModule().bundleCode(props(root));
    fs.utimesSync(path.join(root, 'fn', 'util.ts'), new Date(2003, 1, 1), new Date(2003, 1, 1));
    expect(same(freshModule(noEsbuild).bundleCode(props(root)), first)).toBe(true);
    expect(same(freshModule(noEsbuild).bundleCode(props(root)), first)).toBe(true); // the new stat was recorded
    fs.writeFileSync(path.join(root, 'fn', 'util.ts'), 'export const x = 2;\n');
    expect(() => freshModule(noEsbuild).bundleCode(props(root))).toThrow('esbuild ran');
    const second = freshModule().bundleCode(props(root));
    expect(second.sha256).not.toBe(first.sha256);
    expect(Buffer.from(unzipSync(second.zip)['index.js']).toString()).toContain('x = 2');
    fs.writeFileSync(path.join(root, 'fn', 'index.ts'), "import { x } from './util';\nexport const handler = async () => x + 1;\n");
    expect(freshModule().bundleCode(props(root)).sha256).not.toBe(second.sha256);
  });

  test('a corrupt or missing zip, or a manifest that is not JSON, is rebuilt, not returned', () => {
    const root = project('export const handler = async () => 5;\n');
    const good = freshModule().bundleCode(props(root));
    const zipFile = path.join(cacheOf(root), `${Buffer.from(good.sha256, 'base64').toString('hex')}.zip`);
    const manifestFile = path.join(
      cacheOf(root),
      fs.readdirSync(cacheOf(root)).find((f) => f.endsWith('.json'))!,
    );
    const bytes = fs.readFileSync(zipFile);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(zipFile, bytes);
    expect(() => freshModule(noEsbuild).bundleCode(props(root))).toThrow('esbuild ran');
    expect(same(freshModule().bundleCode(props(root)), good)).toBe(true);
    expect(Buffer.compare(fs.readFileSync(zipFile), Buffer.from(good.zip))).toBe(0); // the entry was repaired
    fs.rmSync(zipFile);
    expect(same(freshModule().bundleCode(props(root)), good)).toBe(true);
    fs.writeFileSync(manifestFile, '{"format": 1, "dir"');
    expect(same(freshModule().bundleCode(props(root)), good)).toBe(true);
    expect(same(freshModule(noEsbuild).bundleCode(props(root)), good)).toBe(true);
  });

  test('two roots with the same relative code path do not share entries, even in one CACHE_DIR', () => {
    const a = project('export const handler = async () => "a";\n');
    const b = project('export const handler = async () => "b";\n');
    const pa = freshModule().bundleCode(props(a));
    const pb = freshModule().bundleCode(props(b));
    expect(pa.sha256).not.toBe(pb.sha256);
    expect(freshModule(noEsbuild).bundleCode(props(b)).sha256).toBe(pb.sha256);
    expect(freshModule(noEsbuild).bundleCode(props(a)).sha256).toBe(pa.sha256);
    process.env.CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-cache-dir-'));
    roots.push(process.env.CACHE_DIR);
    expect(freshModule().bundleCode(props(a)).sha256).toBe(pa.sha256);
    expect(freshModule().bundleCode(props(b)).sha256).toBe(pb.sha256);
    expect(fs.readdirSync(path.join(process.env.CACHE_DIR, 'hybrid-serverless', 'lambda')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(freshModule(noEsbuild).bundleCode(props(a)).sha256).toBe(pa.sha256);
    expect(freshModule(noEsbuild).bundleCode(props(b)).sha256).toBe(pb.sha256);
  });

  test("in one process, the function's own files are checked on every call, its node_modules once per turn of the event loop", async () => {
    const root = project("import { y } from 'dep';\nexport const handler = async () => y;\n");
    fs.mkdirSync(path.join(root, 'node_modules', 'dep'));
    fs.writeFileSync(path.join(root, 'node_modules', 'dep', 'index.js'), 'exports.y = 1;\n');
    const m = freshModule();
    const first = m.bundleCode(props(root));
    fs.writeFileSync(path.join(root, 'node_modules', 'dep', 'index.js'), 'exports.y = 22;\n');
    expect(m.bundleCode(props(root))).toBe(first); // same turn: dependencies not checked again
    await new Promise(setImmediate);
    const second = m.bundleCode(props(root));
    expect(second.sha256).not.toBe(first.sha256);
    expect(Buffer.from(unzipSync(second.zip)['index.js']).toString()).toContain('y = 22');
    fs.writeFileSync(path.join(root, 'fn', 'index.ts'), "import { y } from 'dep';\nexport const handler = async () => y + 1;\n");
    expect(m.bundleCode(props(root)).sha256).not.toBe(second.sha256); // own file: at once
  });

  test('no disk cache without a node_modules at the project root; a folder zip sees files added', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-cache-none-'));
    roots.push(root);
    fs.writeFileSync(path.join(root, 'package.json'), '{}\n');
    fs.mkdirSync(path.join(root, 'fn'));
    fs.writeFileSync(path.join(root, 'fn', 'index.ts'), 'export const handler = async () => 6;\n');
    freshModule().bundleCode(props(root));
    expect(fs.existsSync(path.join(root, 'node_modules'))).toBe(false);
    fs.mkdirSync(path.join(root, 'node_modules'));
    const py = { path: 'fn', handler: 'app.handler', runtime: 'python3.12', root };
    fs.writeFileSync(path.join(root, 'fn', 'app.py'), 'def handler(e, c):\n    return e\n');
    const first = freshModule().bundleCode(py);
    expect(same(freshModule().bundleCode(py), first)).toBe(true);
    fs.writeFileSync(path.join(root, 'fn', 'extra.py'), 'Y = 2\n');
    const second = freshModule().bundleCode(py);
    expect(second.files).toEqual(['app.py', 'extra.py', 'index.ts']);
    expect(second.sha256).not.toBe(first.sha256);
  });
});

test('deterministicZip orders entries by name whatever the insertion order', () => {
  const a = deterministicZip({ 'b.txt': new Uint8Array([1]), 'a.txt': new Uint8Array([2]) });
  const b = deterministicZip({ 'a.txt': new Uint8Array([2]), 'b.txt': new Uint8Array([1]) });
  expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  expect(centralEntries(a).map((e) => e.name)).toEqual(['a.txt', 'b.txt']);
});
