import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Path of a command on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * `describe` for tests that run a real tool. In CI (`CI` set) a missing tool is a failure,
 * never a skip: .ci/run installs it. Locally the block is skipped when the tool is absent.
 */
export function describeWithTool(tool: string, name: string, fn: () => void): void {
  if (which(tool)) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      test(`${tool} is installed`, () => {
        throw new Error(`${tool} is not on PATH; CI must install it (.ci/run installs Debian prometheus / prometheus-alertmanager)`);
      });
    });
  } else {
    describe.skip(`${name} (${tool} not installed)`, fn);
  }
}

export interface ToolResult {
  readonly status: number | null;
  /** stdout and stderr. */
  readonly out: string;
  readonly stdout: string;
}

/** Runs a tool with files written into a fresh temporary directory (cwd). */
export function run(cmd: string, args: string[], files: Record<string, string> = {}): ToolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-obs-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 60000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}
