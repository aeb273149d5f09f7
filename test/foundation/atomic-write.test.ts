/**
 * All environments of one run land together or not at all (writeOutputs through
 * lib/platform/staging): a failure part-way through the renames is rolled back, a killed run
 * is rolled back by the next, and only the toolkit's own staging folders are touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { OUTPUT_MARKER, writeOutputs, type EnvironmentOutput } from '../../lib/platform/synth';
import { createStaging } from '../../lib/platform/staging';
import { tmpFolder } from '../support/tmp';

/** A tiny stand-in for an environment's rendered output: one file naming its generation. */
const output = (env: string, generation: string): EnvironmentOutput => ({ env, files: new Map([['platform/kustomization.yaml', `# ${env} ${generation}\n`]]), counts: {} });
const read = (out: string, env: string) => fs.readFileSync(path.join(out, env, 'platform/kustomization.yaml'), 'utf8');
const stagings = (out: string) => fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(`.${path.basename(out)}.hs-staging-`));
/** A pid no process has: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

function seeded(envs: string[]): string {
  const out = path.join(tmpFolder('hs-write-'), 'dist');
  writeOutputs(
    out,
    envs.map((e) => output(e, 'v1')),
  );
  return out;
}

/** The next rename onto this path fails, as a full disk or a permission error would (undefined: none fails). */
let mockFailOnto: string | undefined;
jest.mock('fs', () => {
  const actual = jest.requireActual<typeof import('fs')>('fs');
  const { resolve } = jest.requireActual<typeof import('path')>('path');
  return {
    ...actual,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (mockFailOnto !== undefined && resolve(String(to)) === mockFailOnto) {
        mockFailOnto = undefined; // once: the roll-back's renames go through
        throw Object.assign(new Error(`EIO: injected failure, rename onto ${String(to)}`), { code: 'EIO' });
      }
      return actual.renameSync(from, to);
    },
  };
});
afterEach(() => (mockFailOnto = undefined));

function failRenameOnto(target: string): void {
  mockFailOnto = target;
}

describe('a failure while the environments are moved in', () => {
  test('--env a,b: the rename of b fails, so a keeps its previous output (nothing of the run lands)', () => {
    const out = seeded(['a', 'b', 'c']);
    failRenameOnto(path.join(out, 'b'));
    expect(() => writeOutputs(out, [output('a', 'v2'), output('b', 'v2')], { only: true })).toThrow(/injected failure/);
    expect(read(out, 'a')).toBe('# a v1\n');
    expect(read(out, 'b')).toBe('# b v1\n');
    expect(read(out, 'c')).toBe('# c v1\n');
    expect(fs.readFileSync(path.join(out, OUTPUT_MARKER), 'utf8')).toMatch(/^a\nb\nc\n$/m);
    expect(stagings(out)).toEqual([]);
  });

  test('every environment (the whole folder swapped): the second rename fails, the previous output is back in place', () => {
    const out = seeded(['a', 'b']);
    failRenameOnto(out);
    expect(() => writeOutputs(out, [output('a', 'v2'), output('b', 'v2')])).toThrow(/injected failure/);
    expect([read(out, 'a'), read(out, 'b')]).toEqual(['# a v1\n', '# b v1\n']);
    expect(stagings(out)).toEqual([]);
  });

  test('without a failure both land', () => {
    const out = seeded(['a', 'b', 'c']);
    writeOutputs(out, [output('a', 'v2'), output('b', 'v2')], { only: true });
    expect([read(out, 'a'), read(out, 'b'), read(out, 'c')]).toEqual(['# a v2\n', '# b v2\n', '# c v1\n']);
    expect(stagings(out)).toEqual([]);
  });
});

describe('what a killed run leaves', () => {
  /** A run killed after moving a in and before b: the journal has no commit. */
  function killedAfterFirstEnvironment(out: string) {
    const staging = createStaging(out);
    fs.mkdirSync(path.join(staging.next, 'a/platform'), { recursive: true });
    fs.writeFileSync(path.join(staging.next, 'a/platform/kustomization.yaml'), '# a v2\n');
    const journal = path.join(staging.dir, 'journal');
    for (const [from, to] of [
      [path.join(out, 'a'), path.join(staging.previous, 'a')],
      [path.join(staging.next, 'a'), path.join(out, 'a')],
    ]) {
      fs.appendFileSync(journal, `${JSON.stringify([from, to])}\n`);
      fs.renameSync(from, to);
    }
    // the killed process's pid, not ours
    const owner = path.join(staging.dir, 'staging.json');
    fs.writeFileSync(owner, JSON.stringify({ ...JSON.parse(fs.readFileSync(owner, 'utf8')), pid: deadPid() }));
    return staging;
  }

  test('the next run (--env b) first rolls the half-done renames back (a is v1 again), removes the staging folder, then writes b', () => {
    const out = seeded(['a', 'b']);
    killedAfterFirstEnvironment(out);
    expect(read(out, 'a')).toBe('# a v2\n'); // two generations side by side until the next run
    writeOutputs(out, [output('b', 'v2')], { only: true });
    expect([read(out, 'a'), read(out, 'b')]).toEqual(['# a v1\n', '# b v2\n']);
    expect(stagings(out)).toEqual([]);
  });

  test('a committed staging folder (killed before its removal) is removed by the next write, which then lands', () => {
    const out = seeded(['a']);
    const stale = createStaging(out);
    fs.appendFileSync(path.join(stale.dir, 'journal'), 'commit\n');
    writeOutputs(out, [output('a', 'v2')]);
    expect(read(out, 'a')).toBe('# a v2\n');
    expect(stagings(out)).toEqual([]);
  });

  test('left alone: a folder of the same name pattern the toolkit did not write, one for another output, and one whose process still runs', () => {
    const out = seeded(['a']);
    const parent = path.dirname(out);
    const foreign = path.join(parent, '.dist.hs-staging-mine01');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'not the toolkit’s');
    const other = createStaging(path.join(parent, 'fleet'));
    const running = createStaging(out);
    const owner = path.join(running.dir, 'staging.json');
    fs.writeFileSync(owner, JSON.stringify({ ...JSON.parse(fs.readFileSync(owner, 'utf8')), pid: process.ppid }));
    writeOutputs(out, [output('a', 'v2')]);
    expect(fs.readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe('not the toolkit’s');
    expect(fs.existsSync(other.dir)).toBe(true);
    expect(fs.existsSync(running.dir)).toBe(true);
    expect(read(out, 'a')).toBe('# a v2\n');
  });
});
