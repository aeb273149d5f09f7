import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts/pulumi-engine.sh');

/** Folder of the Pulumi CLI, language host and kubernetes provider (scripts/pulumi-engine.sh build). */
export const ENGINE_BIN = execFileSync('bash', [SCRIPT, 'bin-dir'], { encoding: 'utf8' }).trim();
export const ENGINE_BUILT = ['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-kubernetes'].every((b) => fs.existsSync(path.join(ENGINE_BIN, b)));

export interface PulumiResult {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/**
 * This project run by the real Pulumi engine: a throwaway PULUMI_HOME with the kubernetes
 * provider in its plugin cache, a local file backend, a passphrase secrets provider, and a copy
 * of the project folder whose sources are links into the repository (so `pulumi stack init`
 * writes its stack file there, not into the repository). Plugin downloads are off.
 */
export class PulumiProject {
  readonly dir: string;
  readonly projectDir: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(dir: string, kubeconfig: string) {
    this.dir = dir;
    this.projectDir = path.join(dir, 'project');
    this.env = {
      ...process.env,
      PULUMI_HOME: path.join(dir, 'home'),
      PULUMI_CONFIG_PASSPHRASE: 'test-passphrase',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
      PULUMI_SKIP_CONFIRMATIONS: 'true',
      KUBECONFIG: kubeconfig,
      PATH: `${ENGINE_BIN}:${process.env.PATH}`,
    };
  }

  /** `program`: source of a program to run instead of the project's pulumi-program.ts (same folder, same links). */
  static create(stack: string, config: Record<string, string>, kubeconfig: string, program?: string): PulumiProject {
    const p = new PulumiProject(fs.mkdtempSync(path.join(os.tmpdir(), 'hs-pulumi-')), kubeconfig);
    fs.mkdirSync(p.projectDir);
    fs.mkdirSync(path.join(p.dir, 'state'));
    for (const f of ['Pulumi.yaml', 'pulumi-program.ts', 'tsconfig.json', 'package.json']) fs.copyFileSync(path.join(ROOT, f), path.join(p.projectDir, f));
    if (program !== undefined) fs.writeFileSync(path.join(p.projectDir, 'pulumi-program.ts'), program);
    for (const d of ['bin', 'lib', 'stacks', 'examples', 'node_modules']) fs.symlinkSync(path.join(ROOT, d), path.join(p.projectDir, d));
    const install = spawnSync('bash', [SCRIPT, 'plugin-install', p.env.PULUMI_HOME!], { encoding: 'utf8', env: p.env });
    if (install.status !== 0) throw new Error(`plugin-install: ${install.stderr}`);
    p.must(['login', `file://${path.join(p.dir, 'state')}`]);
    p.must(['stack', 'init', stack]);
    for (const [k, v] of Object.entries(config)) p.must(['config', 'set', k, v]);
    return p;
  }

  run(args: readonly string[]): PulumiResult {
    const t = Date.now();
    const r = spawnSync(path.join(ENGINE_BIN, 'pulumi'), [...args, '--non-interactive'], { cwd: this.projectDir, env: this.env, encoding: 'utf8', maxBuffer: 1 << 28 });
    return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}`, seconds: (Date.now() - t) / 1000 };
  }

  must(args: readonly string[]): PulumiResult {
    const r = this.run(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(' ')} failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
    return r;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
