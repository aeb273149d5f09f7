/** The Lambda deployment package is deterministic: same source → same bytes → same hash. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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

test('deterministicZip orders entries by name whatever the insertion order', () => {
  const a = deterministicZip({ 'b.txt': new Uint8Array([1]), 'a.txt': new Uint8Array([2]) });
  const b = deterministicZip({ 'a.txt': new Uint8Array([2]), 'b.txt': new Uint8Array([1]) });
  expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  expect(centralEntries(a).map((e) => e.name)).toEqual(['a.txt', 'b.txt']);
});
