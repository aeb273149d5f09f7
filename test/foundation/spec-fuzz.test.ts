import fc from 'fast-check';
import { baseSpecs, caseInput, fuzzCase, runCase, type Outcome } from '../support/spec-fuzz';

/**
 * Any input → a spec that synthesizes, or one SpecError; never another exception (DESIGN,
 * testing tier 1). Random specs and mutations of the reference stack and the examples: fields
 * deleted or retyped, huge strings, deep nesting, odd numbers and quantities, names that are
 * keys of every JavaScript object. Parse-only for most cases; every 10th accepted spec is also
 * synthesized in all its environments. `npm run fuzz` runs more (10,000 by default).
 */
const bases = baseSpecs();

test('2,000 random and mutated specs: parseSpec accepts (and the spec synthesizes) or throws one SpecError', () => {
  const outcomes: Record<Outcome['kind'], number> = { accepted: 0, refused: 0, crash: 0 };
  let accepted = 0;
  fc.assert(
    fc.property(fuzzCase(bases.length), (c) => {
      let input: unknown;
      try {
        input = caseInput(c, bases);
      } catch {
        return; // a mutation the harness cannot apply (JSON of a too-deep value): not a case
      }
      const outcome = runCase(input, () => (accepted++ % 10 === 0 ? 'all' : false));
      outcomes[outcome.kind]++;
      if (outcome.kind === 'crash') throw new Error(outcome.error);
    }),
    { numRuns: 2000, seed: 20261130 },
  );
  // Not vacuous: both sides are reached.
  expect(outcomes.accepted).toBeGreaterThan(50);
  expect(outcomes.refused).toBeGreaterThan(1000);
});
