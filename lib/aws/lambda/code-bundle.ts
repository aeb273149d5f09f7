import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { zipSync, type Zippable } from 'fflate';
import { fail } from '../../core/errors';

/** Every entry of the zip carries this time, so the same source gives the same bytes. */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 2, 0, 0, 0));
/** Unix `-rw-r--r--`: Lambda's runtime user must be able to read every file. */
const FILE_ATTRS = (0o100644 << 16) >>> 0;
const NODE_RUNTIME = /^nodejs([0-9]+)\.x$/;

export interface CodeBundleProps {
  /** Directory of the function's source, relative to `root`. */
  readonly path: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  /** Lambda runtime; Node.js code is bundled with esbuild, other runtimes are zipped as they are. */
  readonly runtime: string;
  /** Project root that `path` is relative to. @default process.cwd() */
  readonly root?: string;
  /** Field path in the spec, for error messages. @default 'code' */
  readonly specPath?: string;
}

/** A deterministic deployment package: same source, same bytes, same hash. */
export interface CodeBundle {
  readonly zip: Uint8Array;
  /** Base64 SHA-256 of the zip: Lambda's `CodeSha256` and Pulumi's `sourceCodeHash`. */
  readonly sha256: string;
  /** File names inside the zip, sorted. */
  readonly files: readonly string[];
}

function entryOf(dir: string, handler: string, specPath: string): { module: string; file: string } {
  const module = handler.slice(0, handler.lastIndexOf('.'));
  for (const ext of ['.ts', '.mts', '.js', '.mjs', '.cjs']) {
    const file = path.join(dir, module + ext);
    if (fs.existsSync(file)) return { module, file };
  }
  return fail(`${specPath}.handler`, handler, `no module "${module}" (.ts/.mts/.js/.mjs/.cjs) in ${dir}`);
}

function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), base) : e.isFile() ? [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')] : []))
    .sort();
}

/** Zips `files` in name order with fixed times and modes. */
export function deterministicZip(files: Record<string, Uint8Array>): Uint8Array {
  const entries: Zippable = {};
  for (const name of Object.keys(files).sort()) entries[name] = [files[name], { mtime: FIXED_MTIME, os: 3, attrs: FILE_ATTRS, level: 9 }];
  return zipSync(entries, { mtime: FIXED_MTIME });
}

/** A file a package was built from: its content hash, and the stat that says whether to hash it again. */
interface Input {
  readonly file: string;
  readonly sha256: string;
  stat: string;
}

const statOf = (file: string): string | undefined => {
  const s = fs.statSync(file, { throwIfNoEntry: false });
  // ctime changes with every write (and cannot be set back), so an unchanged stat means unchanged content.
  return s && `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
};
const hashOf = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Packages built in this process, by folder, handler and runtime, with the files each was built
 * from: many functions (and every environment) share a code folder. A package is reused while
 * every one of its files has the same content (checked by stat, hashed again when that changed).
 * The function's own files are checked on every call; its dependencies (files under a
 * node_modules folder: the AWS SDK alone is ~900) once per turn of the event loop, so a program
 * registering hundreds of functions from one folder stats them once, not once per function.
 */
const built = new Map<string, { bundle: CodeBundle; own: Input[]; deps: Input[]; depsTurn: number; listing?: string }>();

let turn = 0;
let turnEnds = false;
/** The current turn of the event loop (a counter that moves on at the next setImmediate). */
function currentTurn(): number {
  if (!turnEnds) {
    turnEnds = true;
    setImmediate(() => {
      turn++;
      turnEnds = false;
    }).unref();
  }
  return turn;
}

function remember(key: string, bundle: CodeBundle, inputs: Input[], listing: string | undefined): void {
  const dep = (i: Input) => i.file.split(path.sep).includes('node_modules');
  built.set(key, { bundle, own: inputs.filter((i) => !dep(i)), deps: inputs.filter(dep), depsTurn: currentTurn(), listing });
}

function unchanged(inputs: Input[]): boolean {
  return inputs.every((i) => {
    const stat = statOf(i.file);
    if (stat === i.stat) return true;
    if (stat === undefined || hashOf(i.file) !== i.sha256) return false;
    i.stat = stat;
    return true;
  });
}

/** Bumped whenever the package format or the manifest changes: older entries are then misses. */
const CACHE_FORMAT = 1;

/** What a disk cache entry (`<key>.json`) records; the zip is `<sha256 of the zip, hex>.zip` beside it. */
interface Manifest {
  readonly format: number;
  readonly dir: string;
  readonly handler: string;
  readonly runtime: string;
  readonly esbuild: string;
  readonly entry?: string;
  readonly listing?: string;
  readonly inputs: Input[];
  readonly zip: string;
  readonly files: string[];
}

/**
 * The disk cache folder for packages of code under `root`, following the find-cache-dir
 * convention: `$CACHE_DIR/hybrid-serverless/lambda` when CACHE_DIR is set, else
 * `node_modules/.cache/hybrid-serverless/lambda` of the nearest folder at or above `root` with a
 * package.json, if that folder has a node_modules. Otherwise (or with
 * HYBRID_SERVERLESS_NO_CACHE=1) there is no disk cache and each process builds once.
 */
function cacheDirOf(root: string): string | undefined {
  const off = process.env.HYBRID_SERVERLESS_NO_CACHE;
  if (off && off !== '0' && off !== 'false') return undefined;
  if (process.env.CACHE_DIR) return path.resolve(process.env.CACHE_DIR, 'hybrid-serverless', 'lambda');
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const modules = path.join(dir, 'node_modules');
      return fs.statSync(modules, { throwIfNoEntry: false })?.isDirectory() ? path.join(modules, '.cache', 'hybrid-serverless', 'lambda') : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Writes `data` to `file` through a temporary sibling and a rename: readers see all of it or nothing. */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The package a disk cache entry holds, if its key matches and its inputs and zip are intact. */
function readCached(cacheDir: string, keyHash: string, expect: Omit<Manifest, 'inputs' | 'zip' | 'files'>): { bundle: CodeBundle; inputs: Input[] } | undefined {
  try {
    const manifestFile = path.join(cacheDir, `${keyHash}.json`);
    if (!fs.existsSync(manifestFile)) return undefined;
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    const same = (Object.keys(expect) as (keyof typeof expect)[]).every((k) => m[k] === expect[k]);
    if (!same || !Array.isArray(m.inputs) || !Array.isArray(m.files) || !/^[0-9a-f]{64}$/.test(m.zip)) return undefined;
    const stats = m.inputs.map((i) => i.stat);
    if (!unchanged(m.inputs)) return undefined;
    const zip = new Uint8Array(fs.readFileSync(path.join(cacheDir, `${m.zip}.zip`)));
    const digest = createHash('sha256').update(zip).digest();
    if (digest.toString('hex') !== m.zip) return undefined;
    // a file touched but not changed: record its new stat so the next run checks it by stat alone
    if (m.inputs.some((i, n) => i.stat !== stats[n])) writeAtomic(manifestFile, JSON.stringify(m));
    return { bundle: { zip, sha256: digest.toString('base64'), files: m.files }, inputs: m.inputs };
  } catch {
    // unreadable, half-written by an older version, not JSON, zip gone: a miss, built again
    return undefined;
  }
}

function writeCached(cacheDir: string, keyHash: string, manifest: Manifest, zip: Uint8Array): void {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const zipFile = path.join(cacheDir, `${manifest.zip}.zip`);
    // the zip first: a manifest never names a zip that is not (yet) there. Written on every miss
    // (same name, same bytes), so a corrupt zip is replaced.
    writeAtomic(zipFile, zip);
    writeAtomic(path.join(cacheDir, `${keyHash}.json`), JSON.stringify(manifest));
  } catch {
    // a read-only or full disk: the cache is an optimisation, the package is built either way
  }
}

/**
 * Builds a function's deployment package. Node.js handlers are bundled with esbuild into one
 * CommonJS file named after the handler's module (the SDK included, so the code runs against
 * the SDK version it was tested with); other runtimes get the directory as it is. Each folder,
 * handler and runtime is built once per process, and once at all while its files stay the same:
 * packages are kept on disk, content-addressed (see {@link cacheDirOf}), and reused by later runs
 * and other processes, byte for byte what a fresh build gives.
 */
export function bundleCode(props: CodeBundleProps): CodeBundle {
  const specPath = props.specPath ?? 'code';
  const root = path.resolve(props.root ?? process.cwd());
  const dir = path.resolve(root, props.path);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${specPath}.path`, props.path, `is not a directory (resolved to ${dir})`);
  const key = `${dir}\0${props.handler}\0${props.runtime}`;
  const node = NODE_RUNTIME.test(props.runtime);
  // Other runtimes zip the whole folder: a file added or removed changes the package too.
  const listing = node ? undefined : listFiles(dir).join('\n');
  const cached = built.get(key);
  if (cached && cached.listing === listing && unchanged(cached.own)) {
    const now = currentTurn();
    if (cached.depsTurn === now) return cached.bundle;
    if (unchanged(cached.deps)) {
      cached.depsTurn = now;
      return cached.bundle;
    }
  }
  // Node.js: which file is the entry (index.ts before index.js) is part of the key.
  const entry = node ? entryOf(dir, props.handler, specPath).file : undefined;
  const cacheDir = cacheDirOf(root);
  const expect = { format: CACHE_FORMAT, dir, handler: props.handler, runtime: props.runtime, esbuild: esbuildVersion, entry, listing };
  const keyHash = createHash('sha256').update(JSON.stringify(expect)).digest('hex');
  const hit = cacheDir ? readCached(cacheDir, keyHash, expect) : undefined;
  if (hit) {
    remember(key, hit.bundle, hit.inputs, listing);
    return hit.bundle;
  }
  const { bundle, sources } = buildBundle(props, dir, specPath);
  const inputs = sources.flatMap((file) => {
    const stat = statOf(file);
    return stat ? [{ file, stat, sha256: hashOf(file) }] : [];
  });
  remember(key, bundle, inputs, listing);
  if (cacheDir) writeCached(cacheDir, keyHash, { ...expect, inputs, zip: Buffer.from(bundle.sha256, 'base64').toString('hex'), files: [...bundle.files] }, bundle.zip);
  return bundle;
}

function buildBundle(props: CodeBundleProps, dir: string, specPath: string): { bundle: CodeBundle; sources: string[] } {
  const node = NODE_RUNTIME.exec(props.runtime);
  let files: Record<string, Uint8Array>;
  let sources: string[];
  if (node) {
    const entry = entryOf(dir, props.handler, specPath);
    let result;
    try {
      result = buildSync({
        entryPoints: [entry.file],
        bundle: true,
        platform: 'node',
        target: `node${node[1]}`,
        format: 'cjs',
        write: false,
        outfile: `${entry.module}.js`,
        // The path comments esbuild writes are relative to this directory: no machine-specific paths.
        absWorkingDir: dir,
        legalComments: 'none',
        logLevel: 'silent',
        minify: false,
        metafile: true,
      });
    } catch (e) {
      // esbuild throws with the failures attached; the first one says what to fix.
      const first = (e as { errors?: { text: string }[] }).errors?.[0]?.text ?? (e as Error).message;
      return fail(`${specPath}.path`, props.path, `does not bundle: ${first}`);
    }
    if (result.errors.length > 0) fail(`${specPath}.path`, props.path, `does not bundle: ${result.errors[0].text}`);
    files = Object.fromEntries(result.outputFiles.map((f) => [path.relative(dir, f.path).split(path.sep).join('/'), f.contents]));
    sources = Object.keys(result.metafile?.inputs ?? {}).map((f) => path.resolve(dir, f));
  } else {
    const module = props.handler.slice(0, props.handler.lastIndexOf('.'));
    if (props.runtime.startsWith('python') && !fs.existsSync(path.join(dir, `${module}.py`))) fail(`${specPath}.handler`, props.handler, `no module "${module}.py" in ${dir}`);
    const listed = listFiles(dir);
    files = Object.fromEntries(listed.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
    sources = listed.map((f) => path.join(dir, f));
  }
  const zip = deterministicZip(files);
  return { bundle: { zip, sha256: createHash('sha256').update(zip).digest('base64'), files: Object.keys(files).sort() }, sources };
}

/**
 * Writes the package under `<root>/build/lambda/<sha>.zip` (content-addressed, so parallel
 * builds of the same code write the same bytes) and returns the file.
 */
export function writeBundle(bundle: CodeBundle, root = process.cwd()): string {
  const hex = Buffer.from(bundle.sha256, 'base64').toString('hex');
  const dir = path.join(root, 'build', 'lambda');
  const file = path.join(dir, `${hex}.zip`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bundle.zip);
    fs.renameSync(tmp, file);
  }
  return file;
}
