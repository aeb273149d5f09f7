#!/usr/bin/env node
/**
 * `node scripts/run.js <entry.ts> [args…]`: runs a TypeScript entry point of this repository (the
 * CLI in bin/, the scripts) from a cached esbuild bundle instead of transpiling every module on
 * each start as ts-node does. The npm scripts (synth, plan, bench, …) and cdk8s.yaml go through it.
 *
 * - The bundle holds the repository's own code (bin, lib, stacks, scripts, test/support);
 *   packages load from node_modules as usual. It is rebuilt when any file it was built from
 *   changed (size or mtime), when esbuild or this file changed, and kept otherwise, under
 *   node_modules/.cache/hybrid-serverless/run/ (outside Git; `npm ci` starts it afresh;
 *   HYBRID_SERVERLESS_RUN_CACHE names another folder, inside the project so packages resolve).
 * - Each module keeps its own `__dirname` and `__filename`, so paths computed from them resolve
 *   as under ts-node.
 * - Stack traces point at the bundle, whose modules are marked with their source path; with
 *   HYBRID_SERVERLESS_SOURCE_MAPS=1 (or NODE_OPTIONS=--enable-source-maps) at the TypeScript
 *   sources, through the source map beside the bundle. User errors (a bad spec) stay one
 *   message, as the CLI prints them.
 * - Like ts-node with `transpileOnly`, it does not type-check: `npm run typecheck` does.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { createHash } = require('crypto');
const Module = require('module');

const ROOT = path.resolve(__dirname, '..');
const CACHE = process.env.HYBRID_SERVERLESS_RUN_CACHE || path.join(ROOT, 'node_modules', '.cache', 'hybrid-serverless', 'run');

function usage() {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args…]\n');
  process.exit(2);
}

/** What the bundle depends on besides its inputs: esbuild's version and this file. */
function toolKey() {
  const esbuildVersion = require('esbuild/package.json').version;
  return createHash('sha256').update(esbuildVersion).update(fs.readFileSync(__filename)).digest('hex').slice(0, 16);
}

const statKey = (file) => {
  const s = fs.statSync(file, { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
};

function upToDate(manifestFile, bundle, tool) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    return false;
  }
  if (manifest.tool !== tool || !fs.existsSync(bundle)) return false;
  for (const [file, key] of Object.entries(manifest.inputs)) if (statKey(path.join(ROOT, file)) !== key) return false;
  return true;
}

/**
 * Module semantics a bundle would otherwise change: each TypeScript module keeps its own
 * `__dirname`/`__filename` (not the bundle's), and `require.main === module` holds only in the
 * entry (every module of a bundle shares the bundle's `module`).
 */
const asModules = (entry) => ({
  name: 'as-modules',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      let contents = fs.readFileSync(args.path, 'utf8');
      if (/\b__(?:dirname|filename)\b/.test(contents)) {
        contents = contents.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))).replace(/\b__filename\b/g, JSON.stringify(args.path));
      }
      if (args.path !== entry) contents = contents.replace(/\brequire\.main\s*===\s*module\b/g, 'false');
      return { contents, loader: 'ts' };
    });
  },
});

async function build(entry, bundle, manifestFile, tool) {
  const esbuild = require('esbuild');
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outfile: bundle,
    write: false,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [asModules(entry)],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs).sort()) inputs[file] = statKey(path.join(ROOT, file));
  // Written beside, then renamed: the map and the manifest land before the bundle, so a bundle
  // present means a complete build, and parallel runs (jest workers) never read half a file.
  const put = (file, data) => {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  };
  const map = result.outputFiles.find((f) => f.path === `${bundle}.map`);
  const js = result.outputFiles.find((f) => f.path === bundle);
  if (map) put(map.path, map.contents);
  put(manifestFile, JSON.stringify({ tool, inputs }));
  put(bundle, js.contents);
}

async function main() {
  const [entryArg, ...rest] = process.argv.slice(2);
  if (!entryArg || !entryArg.endsWith('.ts')) usage();
  const entry = path.resolve(entryArg);
  if (!fs.existsSync(entry)) {
    process.stderr.write(`run: no such file: ${entryArg}\n`);
    process.exit(2);
  }
  const rel = path.relative(ROOT, entry);
  // Entries outside the repository are named after their path (packages still resolve from here).
  const name = rel.startsWith('..') ? `outside-${createHash('sha256').update(entry).digest('hex').slice(0, 16)}` : rel.replace(/\.ts$/, '').replace(/[\\/]/g, '__');
  const bundle = path.join(CACHE, `${name}.js`);
  const manifestFile = path.join(CACHE, `${name}.json`);
  const tool = toolKey();
  if (!upToDate(manifestFile, bundle, tool)) await build(entry, bundle, manifestFile, tool);
  // Opt-in: mapping every stack Pulumi formats (a source position per resource) costs the plan ~15 %.
  if (process.env.HYBRID_SERVERLESS_SOURCE_MAPS === '1') process.setSourceMapsEnabled(true);
  // The entry runs as the main module, with its own path in argv[1], as under `ts-node <entry>`.
  process.argv = [process.argv[0], entry, ...rest];
  Module._load(bundle, null, true);
}

main().catch((e) => {
  // esbuild's failures (a syntax error) carry their location; show them as esbuild formats them.
  const errors = e && e.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const esbuild = require('esbuild');
    process.stderr.write(esbuild.formatMessagesSync(errors, { kind: 'error', color: false }).join(''));
  } else process.stderr.write(`${(e && e.stack) || e}\n`);
  process.exit(1);
});
