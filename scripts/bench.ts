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
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { HybridPlatform } from '../lib/platform/hybrid-platform';
import { LAYERS } from '../lib/platform/layers';
import { renderEnvironment, writeOutputs, type EnvironmentOutput } from '../lib/platform/synth';
import { parseSpec } from '../lib/spec/parse';
import { environmentNames } from '../lib/spec/resolve';
import { generatedSpec } from '../test/support/generated-spec';

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

function child(args: string[]): OursResult | FloorResult {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
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
  if (argv[0] === '--child') {
    const [side, size, seed, dir, layoutFile] = argv.slice(1);
    const r = side === 'ours' ? ours(Number(size), Number(seed), dir, layoutFile) : floor(dir, layoutFile);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const sizes = opt('sizes', '100,1000,5000').split(',').map(Number);
  const rounds = Number(opt('rounds', '2'));
  const seed = Number(opt('seed', '1'));
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
  console.log('');
  console.log('| functions | parse | build | render | write | synth (b+r+w) | objects | output | peak RSS | floor synth | floor RSS | ratio to floor |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  if (synthCpu[1000] && synthCpu[5000]) console.log(`\ngrowth 5,000/1,000 (synth CPU): ${(synthCpu[5000] / synthCpu[1000]).toFixed(2)}×`);
}

main();
