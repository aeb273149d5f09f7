/**
 * A sha256 per output file of the reference stack (stacks/reference.ts), every environment,
 * synthesized as `npm run synth` does (lib/platform/synth-all.ts) into a temporary folder.
 * test/foundation/reference-output.test.ts compares them with test/fixtures/reference-output.sha256,
 * so a refactor that changes the output by accident fails, naming the files that differ.
 *
 * When the output changes on purpose, regenerate the fixture and commit it with the change:
 *
 *   npm run digest                     # writes test/fixtures/reference-output.sha256
 *   node scripts/run.js scripts/reference-digest.ts --check   # compares only, exit code 1 on a difference
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthAll } from '../lib/platform/synth-all';
import { parseSpec } from '../lib/spec/parse';
import { referenceSpec } from '../stacks/reference';

/** Where the committed digests live. */
export const REFERENCE_DIGEST_FILE = path.resolve(__dirname, '..', 'test', 'fixtures', 'reference-output.sha256');

/** Relative path (`<env>/<layer>/<file>`) → sha256 of its bytes, for every file synthesis writes into the environment folders. */
export function referenceDigests(): Map<string, string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-reference-digest-'));
  try {
    const out = path.join(tmp, 'dist');
    synthAll(parseSpec(referenceSpec), out);
    const digests = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else digests.set(path.relative(out, p).split(path.sep).join('/'), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
      }
    };
    // Every environment folder; files beside them (the writer's bookkeeping) are not the platform's output.
    for (const e of fs.readdirSync(out, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(out, e.name));
    return new Map([...digests.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `sha256sum` format: `<hex>  <path>` per line, sorted by path. */
export function formatDigests(digests: ReadonlyMap<string, string>): string {
  return [...digests.entries()].map(([file, hash]) => `${hash}  ${file}\n`).join('');
}

export function parseDigests(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

/** Files that differ between `expected` and `actual`: changed, missing (expected only) and added (actual only). */
export function compareDigests(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): { changed: string[]; missing: string[]; added: string[] } {
  const changed = [...expected.keys()].filter((f) => actual.has(f) && actual.get(f) !== expected.get(f));
  const missing = [...expected.keys()].filter((f) => !actual.has(f));
  const added = [...actual.keys()].filter((f) => !expected.has(f));
  return { changed, missing, added };
}

if (require.main === module) {
  const digests = referenceDigests();
  if (process.argv.includes('--check')) {
    const d = compareDigests(parseDigests(fs.readFileSync(REFERENCE_DIGEST_FILE, 'utf8')), digests);
    const lines = [...d.changed.map((f) => `changed  ${f}`), ...d.missing.map((f) => `missing  ${f}`), ...d.added.map((f) => `added    ${f}`)];
    console.log(lines.length === 0 ? `reference output unchanged (${digests.size} files)` : lines.join('\n'));
    process.exitCode = lines.length === 0 ? 0 : 1;
  } else {
    fs.mkdirSync(path.dirname(REFERENCE_DIGEST_FILE), { recursive: true });
    fs.writeFileSync(REFERENCE_DIGEST_FILE, formatDigests(digests));
    console.log(`wrote ${digests.size} digests to ${path.relative(process.cwd(), REFERENCE_DIGEST_FILE)}`);
  }
}
