/**
 * The `hybrid-serverless` command line: synth, plan, verify, schema and import. `main(argv)`
 * runs one command and resolves to its exit code; every error the user can cause ends as one
 * message on stderr, never a stack trace.
 *
 * Exit codes: 0 done; 1 invalid spec or failure (verify: an object refused); 2 usage error
 * (unknown command or option, missing value; verify: also bad values and an unreachable cluster).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadSpecFile } from '../platform/load';
import { checkOutputFolder, OUTPUT_MARKER, summary, writeOutputs } from '../platform/synth';
import { renderAll } from '../platform/synth-all';
import { dnsLabel, type EnvironmentName } from '../spec/common';
import { SpecError } from '../core/errors';
import { parseSpec } from '../spec/parse';
import type { PlatformSpec, PlatformSpecInput } from '../spec/platform';
import { environmentNames } from '../spec/resolve';
import { prodImagesWithoutDigest } from '../spec/rules/functions';
import { eventingNotes } from '../spec/rules/eventing';
import { formatOptions, parseArgs, UsageError, type OptionSpec, type ParsedArgs } from './args';

export { UsageError } from './args';

/** A spec built into the entry point, used when `--spec` is not given. */
export interface DefaultSpec {
  readonly input: PlatformSpecInput;
  /** Folder that its functions' `code.path` are relative to. */
  readonly root: string;
  /** How `--help` names it, e.g. `the reference stack (stacks/reference.ts)`. */
  readonly label: string;
}

export interface CliContext {
  /** The spec used without `--spec`. @default none: `platform.yaml` in the working directory, else `--spec` is required */
  readonly defaultSpec?: DefaultSpec;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default process.stdout */
  readonly stdout?: (text: string) => void;
  /** @default process.stderr */
  readonly stderr?: (text: string) => void;
  /** Root of the package (or repository checkout): where `import` finds scripts/import-crds.sh. @default two folders above this file */
  readonly packageRoot?: string;
}

/** A failure with its own exit code and a message for the user (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const PROGRAM = 'hybrid-serverless';

interface Io {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly ctx: CliContext;
  readonly packageRoot: string;
}

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Paragraphs after the option table. */
  readonly details: string;
  readonly options: (ctx: CliContext) => OptionSpec[];
  /** Exit code of a SpecError (bad spec or bad option value). */
  readonly specErrorCode: number;
  /** Appended to a SpecError's message. */
  readonly specErrorNote?: string;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

function specHelp(ctx: CliContext): string {
  return `platform spec, YAML or JSON\n(default: ${ctx.defaultSpec ? ctx.defaultSpec.label : 'platform.yaml in the working directory'})`;
}

/** The spec: `--spec`, else the entry point's built-in one, else `./platform.yaml`. */
function loadSpec(file: string | undefined, io: Io): { spec: PlatformSpec; file?: string } {
  if (file) return { spec: loadSpecFile(path.resolve(io.cwd, file)), file: path.resolve(io.cwd, file) };
  if (io.ctx.defaultSpec) return { spec: parseSpec(io.ctx.defaultSpec.input) };
  const local = path.resolve(io.cwd, 'platform.yaml');
  if (fs.existsSync(local)) return { spec: loadSpecFile(local), file: local };
  throw new UsageError('no spec: pass --spec <file> (YAML or JSON), or put a platform.yaml in the working directory');
}

/**
 * `--env` as a list: each an environment of `spec` when given, else (no spec at hand) at
 * least an environment name.
 */
function envList(value: string | undefined, spec?: PlatformSpec, message?: string): EnvironmentName[] | undefined {
  if (value === undefined) return undefined;
  const names = spec ? environmentNames(spec) : undefined;
  const problem = (e: string): string | undefined => {
    if (names) return names.includes(e) ? undefined : (message ?? `must be one of the spec's environments: ${names.join(', ')}`);
    const label = dnsLabel().safeParse(e);
    return label.success ? undefined : `${message ? `${message}; ` : ''}${label.error.issues[0].message}`;
  };
  const bad = value.split(',').flatMap((e) => {
    const message = problem(e);
    return message ? [{ path: '--env', value: e, message }] : [];
  });
  if (bad.length > 0) throw new SpecError(bad, 'Invalid arguments');
  return [...new Set(value.split(','))];
}

/** `./a/b` (forward slashes), for paths inside a GitOps source. */
function sourcePath(relative: string): string {
  const p = relative.split(path.sep).join('/');
  return p === '' ? './' : `./${p}`;
}

/** The nearest folder at or above `dir` that holds `.git`. */
function gitRepositoryOf(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** True when git is sure `dir` is ignored in its repository (false when git is missing or unsure). */
function ignoredByGit(dir: string): boolean {
  const repo = gitRepositoryOf(dir);
  if (!repo) return false;
  const r = spawnSync('git', ['check-ignore', '-q', path.relative(repo, dir) || '.'], { cwd: repo, stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Where the output sits inside the repository Flux or Argo CD reads: relative to the nearest
 * folder at or above it that holds `.git`; without one, relative to the working directory if
 * the output is inside it, else the output folder is taken as the repository's root.
 */
export function gitopsPathFor(outdir: string, cwd: string): string {
  const repo = gitRepositoryOf(outdir);
  if (repo) return sourcePath(path.relative(repo, outdir));
  const rel = path.relative(cwd, outdir);
  return rel.startsWith('..') || path.isAbsolute(rel) ? './' : sourcePath(rel);
}

const GITOPS_PATH = /^\.\/?[A-Za-z0-9._/-]*$/;

/**
 * Mirrors the written environments into the folder `cdk8s synth` hands the app
 * (CDK8S_OUTDIR, cdk8s.yaml's `output`), as hard links (copies across file systems): cdk8s-cli
 * deletes that folder before it runs the app, so it must never be the real output.
 */
function mirrorForCdk8s(outdir: string, envs: readonly string[], cdk8sOutdir: string): void {
  const link = (from: string, to: string): void => {
    if (fs.statSync(from).isDirectory()) {
      fs.mkdirSync(to, { recursive: true });
      for (const e of fs.readdirSync(from)) link(path.join(from, e), path.join(to, e));
      return;
    }
    fs.rmSync(to, { force: true });
    try {
      fs.linkSync(from, to);
    } catch {
      fs.copyFileSync(from, to);
    }
  };
  fs.mkdirSync(cdk8sOutdir, { recursive: true });
  for (const env of envs) link(path.join(outdir, env), path.join(cdk8sOutdir, env));
}

const synth: Command = {
  name: 'synth',
  summary: 'write the GitOps output of every environment: <out>/<env>/{platform,config,apps,flux|argocd}',
  usage: 'synth [--spec <file>] [--env <envs>] [--out <dir>] [--force] [--gitops-path <path>]',
  options: (ctx) => [
    { name: 'spec', value: 'file', help: specHelp(ctx) },
    { name: 'env', value: 'envs', help: "only these environments (comma list of the spec's environment names);\nthe other environment folders in <out> stay as they are" },
    { name: 'out', value: 'dir', help: 'output folder (default: dist)' },
    {
      name: 'force',
      help: 'write into a non-empty folder that hybrid-serverless did not write\n(e.g. the root of a GitOps repository): only the environment folders\nare written there, everything else (.git included) stays',
    },
    {
      name: 'gitops-path',
      value: 'path',
      help: "path of <out> inside the GitOps repository, for the Flux/Argo CD paths\n(default: the spec's gitops.path, else <out> relative to the root of\nthe git repository holding it, e.g. ./dist)",
    },
  ],
  details: [
    `The output folder gets a ${OUTPUT_MARKER} file listing the environment folders written there;`,
    'only those are ever replaced (or removed when an environment leaves the spec). A folder that is not',
    'empty and has no such file is refused unless --force. Everything is rendered in memory first and',
    'swapped in atomically: on a spec error nothing is written and the previous output stays as it was.',
  ].join('\n'),
  specErrorCode: 1,
  specErrorNote: 'Nothing was written.',
  async run(args, io) {
    const started = process.hrtime.bigint();
    const outArg = args.values.out ?? 'dist';
    const outdir = path.resolve(io.cwd, outArg);
    const force = args.flags.has('force');
    // refuse a folder we may not write before the (slower) rendering
    checkOutputFolder(outdir, { force, label: outArg });
    const { spec } = loadSpec(args.values.spec, io);
    const environments = envList(args.values.env, spec);
    let gitopsPath = args.values['gitops-path'] ?? (spec.gitops.path === undefined ? gitopsPathFor(outdir, io.cwd) : undefined);
    if (gitopsPath !== undefined && !GITOPS_PATH.test(gitopsPath)) {
      throw new SpecError(
        [
          {
            path: args.values['gitops-path'] ? '--gitops-path' : '--out',
            value: gitopsPath,
            message: 'must give a path inside the GitOps repository such as "./dist" (letters, digits, . _ / -); set --gitops-path or gitops.path in the spec',
          },
        ],
        'Invalid arguments',
      );
    }
    const outputs = renderAll(spec, { environments, ...(gitopsPath !== undefined && { gitopsPath }) });
    writeOutputs(outdir, outputs, { only: environments !== undefined, force });
    const cdk8sOutdir = io.env.CDK8S_OUTDIR;
    if (cdk8sOutdir && path.resolve(io.cwd, cdk8sOutdir) !== outdir) {
      // cdk8s-cli empties it before it runs the app; a folder with content is someone else's
      const mirror = path.resolve(io.cwd, cdk8sOutdir);
      if (!fs.existsSync(mirror) || fs.readdirSync(mirror).length === 0)
        mirrorForCdk8s(
          outdir,
          outputs.map((o) => o.env),
          mirror,
        );
      else io.err(`note: CDK8S_OUTDIR (${cdk8sOutdir}) is not empty, so it gets no copy of the output (cdk8s synth empties it first)`);
    }
    gitopsPath ??= spec.gitops.path ?? './dist';
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const engine = spec.gitops.engine === 'argocd' ? 'Argo CD' : 'Flux';
    io.out(`Synthesized ${outputs.length} environment(s) into ${outArg.replace(/\/$/, '')}/ in ${seconds.toFixed(2)}s\n${summary(outputs)}`);
    io.out(
      `${engine} reads ${gitopsPath.replace(/\/$/, '')}/<env>/ from the GitOps repository${spec.gitops.path !== undefined && !args.values['gitops-path'] ? ' (gitops.path in the spec)' : ''}; commit ${outArg.replace(/\/$/, '')}/ there.`,
    );
    for (const { env, functions } of prodImagesWithoutDigest(
      spec,
      outputs.map((o) => o.env),
    )) {
      io.out(`note: environment ${env} (prod profile) runs images by tag, not digest: ${functions.join(', ')}; a digest ("image@sha256:…") pins the exact image.`);
    }
    for (const note of eventingNotes(
      spec,
      outputs.map((o) => o.env),
    )) {
      io.out(`note: ${note}`);
    }
    if (ignoredByGit(outdir)) io.out(`note: ${outArg.replace(/\/$/, '')}/ is ignored by git here (.gitignore), so it is a local copy: Flux and Argo CD read only what is committed.`);
    return 0;
  },
};

const plan: Command = {
  name: 'plan',
  summary: 'list every resource `pulumi up` would register for one environment, offline (Pulumi mocks)',
  usage: 'plan [--env <env>] [--spec <file>] [--json]',
  options: (ctx) => [
    { name: 'env', value: 'env', help: "the environment / Pulumi stack, one of the spec's (default: dev)" },
    {
      name: 'spec',
      value: 'file',
      help: `${specHelp(ctx).split('\n')[0]}; functions' code.path are relative to its folder\n(default: hybrid-serverless:specFile of Pulumi.<env>.yaml, else\n${ctx.defaultSpec ? ctx.defaultSpec.label : 'platform.yaml in the working directory'})`,
    },
    { name: 'json', help: 'print the plan as JSON (for machines)' },
  ],
  details: [
    'Runs the Pulumi program under pulumi.runtime.setMocks with the config of Pulumi.<env>.yaml in the',
    'working directory: no cloud account, cluster or Pulumi CLI needed. Lists type, name and parent of',
    'every resource, grouped by cluster layer and cloud, with counts. Fails when an IAM policy in the',
    'plan allows a wildcard action or a "*" resource (beyond EC2 Describe*, which AWS cannot scope).',
  ].join('\n'),
  specErrorCode: 1,
  async run(args, io) {
    const started = process.hrtime.bigint();
    const env = envList(args.values.env ?? 'dev')!;
    if (env.length !== 1) throw new SpecError([{ path: '--env', value: args.values.env, message: 'takes one environment' }], 'Invalid arguments');
    // Pulumi loads lazily: the other commands start without it.
    const pulumi = await import('@pulumi/pulumi');
    const { formatPlan, iamProblems, planProgram, stackConfig } = await import('../pulumi/plan');
    const { runProgram, CONFIG_NAMESPACE } = await import('../pulumi/program');
    const config = stackConfig(io.cwd, env[0]);
    const specKey = `${CONFIG_NAMESPACE}:specFile`;
    const local = path.resolve(io.cwd, 'platform.yaml');
    const file = args.values.spec ? path.resolve(io.cwd, args.values.spec) : config[specKey] ? path.resolve(io.cwd, config[specKey]) : !io.ctx.defaultSpec && fs.existsSync(local) ? local : undefined;
    if (!file && !io.ctx.defaultSpec)
      throw new UsageError('no spec: pass --spec <file> (YAML or JSON), set hybrid-serverless:specFile in Pulumi.<env>.yaml, or put a platform.yaml in the working directory');
    const input = io.ctx.defaultSpec?.input;
    let root = io.ctx.defaultSpec?.root ?? io.cwd;
    // checked here for a clean error before Pulumi starts; the program reads the spec again
    envList(env[0], file ? loadSpecFile(file) : parseSpec(input));
    if (file) {
      config[specKey] = file;
      // functions' code paths are relative to the spec file's folder
      root = path.dirname(file);
    }
    let result;
    try {
      result = await planProgram({ root: io.cwd, stack: env[0], config, load: () => runProgram((input ?? {}) as PlatformSpecInput, { root }) });
    } catch (e) {
      if (pulumi.RunError.isInstance(e as Error)) throw new CliError((e as Error).message, 1);
      throw e;
    }
    // Least privilege as a gate: a wildcard grant in the plan is an error, not a line to overlook.
    const problems = iamProblems(result);
    if (problems.length > 0) throw new CliError(`The plan grants more than it names (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, 1);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (args.flags.has('json')) io.out(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(2)) }, null, 2));
    else io.out(`${formatPlan(result)}\nplanned in ${seconds.toFixed(2)}s`);
    return 0;
  },
};

const verify: Command = {
  name: 'verify',
  summary: 'server-side dry run of <out>/<env> against a cluster, layer by layer (changes nothing)',
  usage: 'verify --env <env> [--out <dir>] [--kubeconfig <file>] [--context <name>] [--kubectl <path>]',
  options: () => [
    { name: 'env', value: 'env', help: 'environment to check (required): its folder <out>/<env>' },
    { name: 'out', value: 'dir', help: 'the synthesized output (default: dist)' },
    { name: 'kubeconfig', value: 'file', help: "kubeconfig (default: kubectl's)" },
    { name: 'context', value: 'name', help: 'kubeconfig context (default: the current one)' },
    { name: 'kubectl', value: 'path', help: 'kubectl binary (default: kubectl on the PATH)' },
  ],
  details: [
    'Dry-runs (dryRun=All, strict field validation, server-side apply) platform, config, apps, then',
    'flux/ or argocd/. Custom resources whose CRD is not installed yet and objects in a namespace an',
    'earlier layer creates are listed as waiting, not as errors.',
    'Exit codes: 0 nothing refused; 1 an object refused; 2 bad arguments or the cluster cannot be reached.',
  ].join('\n'),
  specErrorCode: 2,
  async run(args, io) {
    const { Kubectl, KubectlError } = await import('../cluster/kubectl');
    const { formatReport, verifyEnvironment } = await import('../cluster/verify');
    const env = args.values.env ?? '';
    if (env === '') throw new SpecError([{ path: '--env', value: undefined, message: 'is required: the environment whose output folder <out>/<env> to check' }], 'Invalid arguments');
    envList(env);
    const envDir = path.resolve(io.cwd, args.values.out ?? 'dist', env);
    if (!fs.existsSync(envDir)) {
      throw new SpecError([{ path: '--out', value: path.join(args.values.out ?? 'dist', env), message: `no synthesized output there; run \`${PROGRAM} synth\` first` }], 'Invalid arguments');
    }
    try {
      const kubectl = new Kubectl({ binary: args.values.kubectl, kubeconfig: args.values.kubeconfig, context: args.values.context });
      const reach = kubectl.run(['version', '-o', 'json']);
      if (reach.code !== 0) throw new KubectlError(`cannot reach the cluster: ${reach.stderr.trim()}`);
      const report = verifyEnvironment(kubectl, envDir);
      io.out(formatReport(env, report));
      return report.errors.length === 0 ? 0 : 1;
    } catch (e) {
      if (e instanceof KubectlError) throw new CliError(e.message, 2);
      throw e;
    }
  },
};

const schema: Command = {
  name: 'schema',
  summary: 'write the JSON Schema of the platform spec (editor completion and checking)',
  usage: 'schema [--out <file>]',
  options: () => [{ name: 'out', value: 'file', help: 'where to write it (default: platform.schema.json; - for stdout)' }],
  details: [
    'Start a spec file with `# yaml-language-server: $schema=<path>/platform.schema.json`. Cross-field',
    'rules (unique names, references, profile-dependent limits) are checked by synth and plan only.',
  ].join('\n'),
  specErrorCode: 1,
  async run(args, io) {
    const { platformJsonSchema } = await import('../spec/json-schema');
    const text = `${JSON.stringify(platformJsonSchema(), null, 2)}\n`;
    const out = args.values.out ?? 'platform.schema.json';
    if (out === '-') {
      io.out(text.trimEnd());
      return 0;
    }
    const file = path.resolve(io.cwd, out);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    io.out(`wrote ${path.relative(io.cwd, file) || file}`);
    return 0;
  },
};

const importCrds: Command = {
  name: 'import',
  summary: 'regenerate lib/imports from the pinned upstream CRDs (in a checkout of the repository only)',
  usage: 'import',
  options: () => [],
  details: [
    'Runs scripts/import-crds.sh: `cdk8s import` of every CRD in ../shared/upstream/crds into lib/imports.',
    'It is a development task of this repository: the script and the CRDs are not in the npm package, so',
    'it works only from a checkout (`npm run import`).',
  ].join('\n'),
  specErrorCode: 1,
  async run(_args, io) {
    const script = path.join(io.packageRoot, 'scripts', 'import-crds.sh');
    if (!fs.existsSync(script)) {
      throw new CliError(`import works only in a checkout of the hybrid-serverless repository (${path.relative(io.cwd, script) || script} is not in the npm package)`, 1);
    }
    const r = spawnSync(script, [], { cwd: io.packageRoot, stdio: 'inherit', env: io.env });
    if (r.error) throw new CliError(`cannot run ${script}: ${r.error.message}`, 1);
    if (r.status !== 0) throw new CliError(`${path.relative(io.cwd, script) || script} failed (exit code ${r.status ?? r.signal})`, 1);
    return 0;
  },
};

export const COMMANDS: readonly Command[] = [synth, plan, verify, schema, importCrds];

function commandHelp(c: Command, ctx: CliContext): string {
  return [`Usage: ${PROGRAM} ${c.usage}`, '', `${c.summary[0].toUpperCase()}${c.summary.slice(1)}.`, '', 'Options:', formatOptions(c.options(ctx)), '', c.details].join('\n');
}

/** The tool's `--help`. */
export function toolHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'A hybrid serverless platform (Knative, OpenFaaS, Kong, AWS Lambda, Kafka, Prometheus) from one spec.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
    'Exit codes: 0 done; 1 invalid spec or failure; 2 usage error (verify: see its --help).',
  ].join('\n');
}

function packageVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs one command; resolves to its exit code. Nothing is thrown for errors a user can cause. */
export async function main(argv: readonly string[], ctx: CliContext = {}): Promise<number> {
  const write = (fallback: NodeJS.WriteStream, f?: (text: string) => void) => (line: string) => (f ? f(`${line}\n`) : fallback.write(`${line}\n`));
  const io: Io = {
    cwd: path.resolve(ctx.cwd ?? process.cwd()),
    env: ctx.env ?? process.env,
    out: write(process.stdout, ctx.stdout),
    err: write(process.stderr, ctx.stderr),
    ctx,
    packageRoot: ctx.packageRoot ?? path.resolve(__dirname, '..', '..'),
  };
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(toolHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    io.out(c ? commandHelp(c, ctx) : toolHelp());
    return 0;
  }
  if (name === '--version') {
    io.out(packageVersion(io.packageRoot));
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`${PROGRAM}: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\nRun \`${PROGRAM} --help\` for usage.`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command.options(ctx));
    if (args.help) {
      io.out(commandHelp(command, ctx));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${PROGRAM} ${command.name}: ${e.message}\nRun \`${PROGRAM} ${command.name} --help\` for usage.`);
      return 2;
    }
    if (e instanceof SpecError) {
      io.err(command.specErrorNote ? `${e.message}\n${command.specErrorNote}` : e.message);
      return command.specErrorCode;
    }
    if (e instanceof CliError) {
      io.err(e.message);
      return e.exitCode;
    }
    const err = e as Error;
    const debug = io.env.HYBRID_SERVERLESS_DEBUG;
    io.err(`${PROGRAM} ${command.name}: ${err?.message ?? String(e)}${debug ? `\n${err?.stack ?? ''}` : '\n(set HYBRID_SERVERLESS_DEBUG=1 to see where it failed)'}`);
    return 1;
  }
}

/** Runs `main` for a process: exit code once stdout has been flushed. */
export function run(argv: readonly string[], ctx: CliContext = {}): void {
  void main(argv, ctx).then((code) => {
    process.exitCode = code;
    // the Pulumi runtime (plan) may keep handles open: exit once the output is flushed
    process.stdout.write('', () => process.exit(code));
  });
}
