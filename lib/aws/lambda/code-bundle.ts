import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
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
 */
const built = new Map<string, { bundle: CodeBundle; inputs: Input[]; listing?: string }>();

function unchanged(inputs: Input[]): boolean {
  return inputs.every((i) => {
    const stat = statOf(i.file);
    if (stat === i.stat) return true;
    if (stat === undefined || hashOf(i.file) !== i.sha256) return false;
    i.stat = stat;
    return true;
  });
}

/**
 * Builds a function's deployment package. Node.js handlers are bundled with esbuild into one
 * CommonJS file named after the handler's module (the SDK included, so the code runs against
 * the SDK version it was tested with); other runtimes get the directory as it is. Each folder,
 * handler and runtime is built once per process.
 */
export function bundleCode(props: CodeBundleProps): CodeBundle {
  const specPath = props.specPath ?? 'code';
  const dir = path.resolve(props.root ?? process.cwd(), props.path);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${specPath}.path`, props.path, `is not a directory (resolved to ${dir})`);
  const key = `${dir}\0${props.handler}\0${props.runtime}`;
  // Other runtimes zip the whole folder: a file added or removed changes the package too.
  const listing = NODE_RUNTIME.test(props.runtime) ? undefined : listFiles(dir).join('\n');
  const cached = built.get(key);
  if (cached && cached.listing === listing && unchanged(cached.inputs)) return cached.bundle;
  const { bundle, sources } = buildBundle(props, dir, specPath);
  const inputs = sources.flatMap((file) => {
    const stat = statOf(file);
    return stat ? [{ file, stat, sha256: hashOf(file) }] : [];
  });
  built.set(key, { bundle, inputs, listing });
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
