/**
 * `npm run fuzz [-- --runs 10000 --seed 1 --synth 0.25]`: random and mutated platform specs
 * (test/support/spec-fuzz.ts) through parseSpec; a `--synth` fraction of the accepted ones is
 * also synthesized (every environment). Reports the outcomes and the crashes by kind — any
 * exception other than one SpecError from parseSpec, or any error from synthesis of a spec
 * parseSpec accepted — and exits 1 when there is one. The same seed gives the same cases.
 */
import fc from 'fast-check';
import { baseSpecs, caseInput, fuzzCase, runCase } from '../test/support/spec-fuzz';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) {
    console.error(`--${name} needs a number (got ${process.argv[i + 1]})`);
    process.exit(2);
  }
  return v;
}

const runs = option('runs', 10_000);
const seed = option('seed', 1);
const synthShare = option('synth', 0.25);

const bases = baseSpecs();
const counts = { accepted: 0, refused: 0, synthesized: 0, crashes: 0, skipped: 0 };
const kinds = new Map<string, { count: number; example: number }>();
let n = 0;
const started = Date.now();
fc.check(
  fc.property(fuzzCase(bases.length), (c) => {
    const index = n++;
    // every (1/share)-th accepted spec is synthesized
    let synth = false;
    const every = synthShare > 0 ? Math.max(1, Math.round(1 / synthShare)) : 0;
    const decide = () => (synth = every > 0 && (counts.accepted + counts.synthesized) % every === 0) && 'all';
    let input: unknown;
    try {
      input = caseInput(c, bases);
    } catch (e) {
      if (process.env.FUZZ_DEBUG) console.error(e);
      // a mutation the harness itself cannot apply (e.g. JSON of a too-deep value): not a case
      counts.skipped++;
      return true;
    }
    const outcome = runCase(input, decide);
    if (outcome.kind === 'crash') {
      counts.crashes++;
      const k = kinds.get(outcome.error) ?? { count: 0, example: index };
      k.count++;
      kinds.set(outcome.error, k);
    } else {
      counts[outcome.kind]++;
      if (outcome.kind === 'accepted' && synth) counts.synthesized++;
    }
    if (n % 1000 === 0) process.stderr.write(`${n} cases, ${counts.crashes} crashes (${Math.round((Date.now() - started) / 1000)} s)\n`);
    return true;
  }),
  { seed, numRuns: runs },
);

console.log(
  `fuzz: ${n} cases (seed ${seed}), ${counts.accepted} accepted (${counts.synthesized} of them synthesized), ${counts.refused} refused with one SpecError, ${counts.crashes} crashes${counts.skipped ? `, ${counts.skipped} skipped (not applicable)` : ''}`,
);
for (const [kind, { count, example }] of [...kinds].sort((a, b) => b[1].count - a[1].count)) console.log(`  ${String(count).padStart(5)}  ${kind}  (first: case ${example})`);
process.exitCode = counts.crashes > 0 ? 1 : 0;
