import * as fs from 'fs';
import * as path from 'path';

/**
 * Staging folders for writing the output: every environment of a run is written into one
 * folder beside the output (same filesystem, so moves are renames), then moved in by a short
 * series of renames recorded in a journal before each is made. A failure rolls the renames
 * back; a run that is killed leaves its staging folder, and the next run rolls it back (or,
 * when the journal says the run committed, just removes it). What stays non-atomic is the
 * window of those renames (two per environment folder, microseconds apart): a kill inside it
 * leaves environments of two generations until the next run restores the previous one.
 *
 * Layout: `<parent>/.<out>.hs-staging-XXXXXX/` holding `staging.json` (whose and for which
 * output), `new/` (the complete new output), `old/` (what the renames moved out) and `journal`.
 * @internal
 */

const INFIX = '.hs-staging-';
const OWNER_FILE = 'staging.json';
const JOURNAL = 'journal';
const COMMITTED = 'commit';

interface Owner {
  readonly tool: 'hybrid-serverless';
  readonly target: string;
  readonly pid: number;
}

/** A staging folder of this run for `target`. */
export interface Staging {
  readonly dir: string;
  /** Where the new output is written. */
  readonly next: string;
  /** Where the renames move what they replace. */
  readonly previous: string;
}

/** A new staging folder beside `target` (created with its owner file first, so it is never anonymous). */
export function createStaging(target: string): Staging {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}${INFIX}`));
  const owner: Owner = { tool: 'hybrid-serverless', target, pid: process.pid };
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  const staging = { dir, next: path.join(dir, 'new'), previous: path.join(dir, 'old') };
  fs.mkdirSync(staging.next);
  fs.mkdirSync(staging.previous);
  return staging;
}

/** One rename: `from` is moved to `to`. */
export type Move = readonly [from: string, to: string];

/**
 * Makes the renames in order, each journaled first; on any failure undoes those made (last
 * first) and rethrows. Then marks the journal committed and removes the staging folder.
 */
export function commitMoves(staging: Staging, moves: readonly Move[]): void {
  const journal = path.join(staging.dir, JOURNAL);
  try {
    for (const [from, to] of moves) {
      fs.appendFileSync(journal, `${JSON.stringify([from, to])}\n`);
      fs.renameSync(from, to);
    }
  } catch (e) {
    rollBack(staging.dir);
    fs.rmSync(staging.dir, { recursive: true, force: true });
    throw e;
  }
  fs.appendFileSync(journal, `${COMMITTED}\n`);
  fs.rmSync(staging.dir, { recursive: true, force: true });
}

/** Removes a staging folder whose renames never started (a failure while writing it). */
export function discardStaging(staging: Staging): void {
  fs.rmSync(staging.dir, { recursive: true, force: true });
}

/**
 * Undoes the journaled renames of a staging folder that did not commit, last first. A rename
 * is undone only where its result is there and its source is not, so a rename that was
 * journaled but never made, or one already undone, is skipped: safe to repeat after a kill.
 */
function rollBack(dir: string): void {
  const file = path.join(dir, JOURNAL);
  if (!fs.existsSync(file)) return;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines[lines.length - 1] === COMMITTED) return;
  const moves: Move[] = [];
  for (const line of lines) {
    try {
      const m = JSON.parse(line) as unknown;
      if (Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string')) moves.push(m as unknown as Move);
    } catch {
      // a line cut short by the kill: its rename was never made
    }
  }
  for (const [from, to] of moves.reverse()) {
    if (fs.existsSync(to) && !fs.existsSync(from)) fs.renameSync(to, from);
  }
}

function ownerOf(dir: string): Owner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return o.tool === 'hybrid-serverless' && typeof o.target === 'string' && typeof o.pid === 'number' ? (o as Owner) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes what killed runs left beside `target`: each staging folder this toolkit made for
 * that output, whose process is gone, is rolled back (the previous output restored where the
 * renames had begun) and removed. Returns the folders removed. Anything else in the parent,
 * including folders of the same name pattern without the toolkit's owner file, is left alone.
 */
export function recoverStaging(target: string): string[] {
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return [];
  const prefix = `.${path.basename(target)}${INFIX}`;
  const removed: string[] = [];
  for (const name of fs.readdirSync(parent).sort()) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    const owner = ownerOf(dir);
    if (!owner || owner.target !== target || alive(owner.pid)) continue;
    rollBack(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
