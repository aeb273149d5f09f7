import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { isAlert, type RuleGroup } from '../../lib/k8s/observability/rule-model';

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

/** Expands `{{ $labels.x }}` as Prometheus does, for exp_annotations. */
export function expand(text: string, labels: Record<string, string>): string {
  return text.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, k) => labels[k] ?? '');
}

/** The annotations promtool must see on the alert of `groups` matching `match`, with labels expanded. */
export function annotationsOf(groups: readonly RuleGroup[], alert: string, labels: Record<string, string>, match: (l: Record<string, string>) => boolean = () => true): Record<string, string> {
  const rule = groups.flatMap((g) => g.rules).find((r) => isAlert(r) && r.alert === alert && match(r.labels));
  if (!rule || !isAlert(rule)) throw new Error(`no alert ${alert}`);
  return Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels)]));
}

/** `promtool test rules` on `groups` with the unit tests `tests` (evaluation every minute). */
export function promtoolTest(groups: readonly RuleGroup[], tests: object[]): ToolResult {
  return run('promtool', ['test', 'rules', 'tests.yaml'], {
    'rules.yaml': stringify({ groups }),
    'tests.yaml': stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }),
  });
}
