/**
 * `npm run bench [-- --sizes 100,1000,5000 --rounds 2 --seed 1]`: synthesis speed on generated
 * specs (test/support/generated-spec.ts: a third each Knative, OpenFaaS and Lambda, triggers,
 * Kong routes, Kafka topics, tenants), every environment of the spec.
 *
 * Each measurement runs in its own process (clean peak RSS, no warm caches from the other side):
 * - `ours`: parseSpec, then per environment `new HybridPlatform` (build) and renderEnvironment
 *   (render), then writeOutputs (write);
 * - `floor`: raw cdk8s on the same objects: one App per environment, the same charts, one
 *   `ApiObject` per object of our output (read back from a file, untimed), `app.synth()`.
 * The two alternate (A/B interleaved) `--rounds` times per size; each figure is the round with
 * the least CPU time. CPU time (user + system) is the main figure: wall time is noisy on a shared
 * machine. The ratio is ours (build + render + write) to the floor, both for the same objects.
 * A measurement, not a test: nothing here passes or fails.
 *
 * `npm run bench -- --plan [--sizes 1000] [--image]`: the offline plan (`hybrid-serverless plan
 * --json`, lib/cli/main.ts, Pulumi mocks) of every environment of the generated spec, each
 * environment in its own process as `pulumi up` runs one stack: CPU time of the plan and of the
 * whole process, wall time, peak RSS. The spec and Pulumi.<env>.yaml files are written to a
 * temporary folder; the Lambda functions (a third) all deploy one code folder, the reference
 * stack's thumbnail handler (esbuild-bundled with the AWS SDK), or with `--image` an ECR image
 * each. The folder has no node_modules, so there is no disk cache: each process bundles once.
 * `--cpu-prof <dir>` writes a V8 CPU profile of each environment's process there.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { main as cli } from '../lib/cli/main';
import { HybridPlatform } from '../lib/platform/hybrid-platform';
import { LAYERS } from '../lib/platform/layers';
import { renderEnvironment, writeOutputs, type EnvironmentOutput } from '../lib/platform/synth';
import { parseSpec } from '../lib/spec/parse';
import { environmentNames } from '../lib/spec/resolve';
import { generatedSpec } from '../test/support/generated-spec';

/** One environment's offline plan, in its own process. */
interface PlanResult {
  env: string;
  exit: number;
  plan: Phase; // the plan command itself
  process: Phase; // the whole process: node, ts-node, module loading and the plan
  resources: number;
  rssMiB: number;
  error?: string;
}

interface Phase {
  cpu: number; // ms, user + system
  wall: number; // ms
}
interface OursResult {
  side: 'ours';
  parse: Phase;
  build: Phase;
  render: Phase;
  write: Phase;
  objects: number;
  bytes: number;
  rssMiB: number;
}
interface FloorResult {
  side: 'floor';
  synth: Phase;
  objects: number;
  rssMiB: number;
}
/** Our output's objects, chart by chart, for the floor. */
type Layout = { env: string; charts: { name: string; objects: Record<string, unknown>[] }[] }[];

function timed<T>(f: () => T): [T, Phase] {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, { cpu: (c.user + c.system) / 1000, wall: Number(process.hrtime.bigint() - w0) / 1e6 }];
}
const sum = (a: Phase, b: Phase): Phase => ({ cpu: a.cpu + b.cpu, wall: a.wall + b.wall });
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

function ours(size: number, seed: number, dir: string, layoutFile: string): OursResult {
  const input = generatedSpec(size, { seed });
  const [spec, parse] = timed(() => parseSpec(input));
  let build: Phase = { cpu: 0, wall: 0 };
  let render: Phase = { cpu: 0, wall: 0 };
  const outputs: EnvironmentOutput[] = [];
  const platforms: HybridPlatform[] = [];
  for (const env of environmentNames(spec)) {
    const [platform, b] = timed(() => new HybridPlatform(spec, env));
    const [out, r] = timed(() => renderEnvironment(platform));
    build = sum(build, b);
    render = sum(render, r);
    outputs.push(out);
    if (!fs.existsSync(layoutFile)) platforms.push(platform);
  }
  const [, write] = timed(() => writeOutputs(path.join(dir, 'out'), outputs));
  const objects = outputs.reduce((n, o) => n + Object.values(o.counts).reduce((a, b) => a + b, 0), 0);
  const bytes = outputs.reduce((n, o) => n + [...o.files.values()].reduce((a, f) => a + Buffer.byteLength(f), 0), 0);
  const rss = rssMiB();
  if (platforms.length > 0) {
    // After the measurement: the floor builds the same objects in the same charts.
    const layout: Layout = platforms.map((p) => ({
      env: p.envName,
      charts: [...LAYERS.flatMap((l) => p.chartsOf(l).map((c) => ({ name: `${l}-${c.name}`, chart: c.chart }))), { name: p.gitopsFolder, chart: p.gitopsChart }].map((c) => ({
        name: c.name,
        objects: c.chart.toJson(),
      })),
    }));
    fs.writeFileSync(layoutFile, JSON.stringify(layout));
  }
  return { side: 'ours', parse, build, render, write, objects, bytes, rssMiB: rss };
}

function floor(dir: string, layoutFile: string): FloorResult {
  const layout = JSON.parse(fs.readFileSync(layoutFile, 'utf8')) as Layout;
  let objects = 0;
  const [, synth] = timed(() => {
    for (const env of layout) {
      const app = new App({ outdir: path.join(dir, 'floor', env.env) });
      for (const c of env.charts) {
        const chart = new Chart(app, c.name, { disableResourceNameHashes: true });
        c.objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o as never));
        objects += c.objects.length;
      }
      app.synth();
    }
  });
  return { side: 'floor', synth, objects, rssMiB: rssMiB() };
}

async function planChild(dir: string, env: string): Promise<PlanResult> {
  let out = '';
  let err = '';
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  const exit = await cli(['plan', '--env', env, '--spec', path.join(dir, 'spec.json'), '--json'], { cwd: dir, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  const c = process.cpuUsage(c0);
  const plan = { cpu: (c.user + c.system) / 1000, wall: Number(process.hrtime.bigint() - w0) / 1e6 };
  const all = process.cpuUsage();
  const resources = exit === 0 ? (JSON.parse(out) as { resources: unknown[] }).resources.length : 0;
  return {
    env,
    exit,
    plan,
    process: { cpu: (all.user + all.system) / 1000, wall: process.uptime() * 1000 },
    resources,
    rssMiB: rssMiB(),
    ...(exit !== 0 && { error: err.slice(0, 2000) }),
  };
}

/** `--plan`: every environment of the generated spec planned offline, one process each. */
function benchPlan(sizes: number[], seed: number, image: boolean, profile?: string): void {
  const code = { path: path.resolve(__dirname, '..', 'stacks', 'functions', 'thumbnail'), handler: 'index.handler', runtime: 'nodejs22.x' as const };
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, seed ${seed}; offline plan per environment, each in its own process; Lambda code: ${image ? 'an ECR image each' : 'one shared folder (thumbnail)'}`,
  );
  const rows: string[] = [];
  for (const size of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hs-bench-plan-${size}-`));
    try {
      const spec = generatedSpec(size, { seed, ...(!image && { lambdaCode: code }) });
      fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
      const envs = Object.keys(spec.environments ?? {});
      for (const env of envs) {
        fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), `config:\n  aws:region: eu-west-1\n  hybrid-serverless:environment: ${env}\n  hybrid-serverless:kubeContext: ${env}\n`);
      }
      const total: Phase = { cpu: 0, wall: 0 };
      const totalProcess: Phase = { cpu: 0, wall: 0 };
      let peak = 0;
      let resources = 0;
      const p = (x: Phase) => `${fmt(x.cpu)} (${fmt(x.wall)})`;
      for (const env of envs) {
        const r = child(['--plan-child', dir, env], profile ? [`--cpu-prof`, `--cpu-prof-dir=${profile}`] : []) as PlanResult;
        if (r.exit !== 0) throw new Error(`plan of ${env} failed (exit ${r.exit}): ${r.error}`);
        total.cpu += r.plan.cpu;
        total.wall += r.plan.wall;
        totalProcess.cpu += r.process.cpu;
        totalProcess.wall += r.process.wall;
        peak = Math.max(peak, r.rssMiB);
        resources += r.resources;
        process.stderr.write(`  n=${size} ${env}: plan ${fmt(r.plan.cpu)} CPU, ${r.resources} resources, ${Math.round(r.rssMiB)} MiB\n`);
        rows.push(`| ${size} | ${env} | ${p(r.plan)} | ${p(r.process)} | ${r.resources} | ${Math.round(r.rssMiB)} MiB |`);
      }
      rows.push(`| ${size} | **all** | **${p(total)}** | **${p(totalProcess)}** | ${resources} | **${Math.round(peak)} MiB** (max) |`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(['functions', 'environment:', 'plan CPU (wall)', 'process CPU (wall)', 'resources', 'peak RSS'], rows);
}

/** A Markdown table after a blank line: columns right-aligned, a header ending in ":" left-aligned. */
function printTable(headers: string[], rows: string[]): void {
  console.log('');
  console.log(`| ${headers.map((h) => h.replace(/:$/, '')).join(' | ')} |`);
  console.log(`| ${headers.map((h) => (h.endsWith(':') ? ':---' : '---:')).join(' | ')} |`);
  for (const r of rows) console.log(r);
}

/** Runs this file in a child process; the plan runs as the CLI does, from scripts/run.js's bundle (no ts-node). */
function child(args: string[], nodeArgs: string[] = []): OursResult | FloorResult | PlanResult {
  const runner = args[0] === '--plan-child' ? [path.join(__dirname, 'run.js'), path.join(__dirname, 'bench.ts')] : ['-r', 'ts-node/register', __filename];
  const out = execFileSync(process.execPath, [...nodeArgs, ...runner, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const fmt = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

function main(): void {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : def;
  };
  if (argv[0] === '--plan-child') {
    void planChild(argv[1], argv[2]).then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      // the Pulumi runtime may keep handles open
      process.exit(0);
    });
    return;
  }
  if (argv[0] === '--child') {
    const [side, size, seed, dir, layoutFile] = argv.slice(1);
    const r = side === 'ours' ? ours(Number(size), Number(seed), dir, layoutFile) : floor(dir, layoutFile);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const seed = Number(opt('seed', '1'));
  if (argv.includes('--plan'))
    return benchPlan(opt('sizes', '1000').split(',').map(Number), seed, argv.includes('--image'), argv.includes('--cpu-prof') ? path.resolve(opt('cpu-prof', 'profiles')) : undefined);
  const sizes = opt('sizes', '100,1000,5000').split(',').map(Number);
  const rounds = Number(opt('rounds', '2'));
  const rows: string[] = [];
  const synthCpu: Record<number, number> = {};
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, seed ${seed}, ${rounds} round(s) A/B per size; CPU time (wall in brackets), best round`);
  for (const size of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hs-bench-${size}-`));
    const layoutFile = path.join(dir, 'layout.json');
    try {
      let best: OursResult | undefined;
      let bestFloor: FloorResult | undefined;
      for (let r = 0; r < rounds; r++) {
        fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
        fs.rmSync(path.join(dir, 'floor'), { recursive: true, force: true });
        const a = child(['--child', 'ours', String(size), String(seed), dir, layoutFile]) as OursResult;
        const b = child(['--child', 'floor', String(size), String(seed), dir, layoutFile]) as FloorResult;
        const total = (x: OursResult) => x.build.cpu + x.render.cpu + x.write.cpu;
        if (!best || total(a) < total(best)) best = a;
        if (!bestFloor || b.synth.cpu < bestFloor.synth.cpu) bestFloor = b;
        process.stderr.write(`  n=${size} round ${r + 1}: ours ${fmt(total(a))} CPU, floor ${fmt(b.synth.cpu)} CPU\n`);
      }
      const a = best!;
      const b = bestFloor!;
      if (a.objects !== b.objects) throw new Error(`object count differs: ours ${a.objects}, floor ${b.objects}`);
      const synth = a.build.cpu + a.render.cpu + a.write.cpu;
      synthCpu[size] = synth;
      const p = (x: Phase) => `${fmt(x.cpu)} (${fmt(x.wall)})`;
      rows.push(
        `| ${size} | ${p(a.parse)} | ${p(a.build)} | ${p(a.render)} | ${p(a.write)} | ${fmt(synth)} | ${a.objects} | ${mib(a.bytes)} | ${Math.round(a.rssMiB)} MiB | ${fmt(b.synth.cpu)} | ${Math.round(b.rssMiB)} MiB | **${(synth / b.synth.cpu).toFixed(2)}×** |`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(['functions', 'parse', 'build', 'render', 'write', 'synth (b+r+w)', 'objects', 'output', 'peak RSS', 'floor synth', 'floor RSS', 'ratio to floor'], rows);
  if (synthCpu[1000] && synthCpu[5000]) console.log(`\ngrowth 5,000/1,000 (synth CPU): ${(synthCpu[5000] / synthCpu[1000]).toFixed(2)}×`);
}

main();
