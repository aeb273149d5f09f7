import * as fs from 'fs';
import * as path from 'path';
import { compareDigests, parseDigests, referenceDigests, REFERENCE_DIGEST_FILE } from '../../scripts/reference-digest';

/**
 * The reference stack's GitOps output, every environment, byte for byte: a sha256 per file
 * (scripts/reference-digest.ts) against test/fixtures/reference-output.sha256. Refactors
 * (module wiring, construct props) must leave it unchanged.
 *
 * When the output changes ON PURPOSE, regenerate the fixture and commit it with the change,
 * after reading the diff of the files this test names:
 *
 *   npm run digest
 */
describe('reference stack output', () => {
  test('every file of every environment is byte-identical to test/fixtures/reference-output.sha256', () => {
    const expected = parseDigests(fs.readFileSync(REFERENCE_DIGEST_FILE, 'utf8'));
    expect(expected.size).toBeGreaterThan(0);
    const d = compareDigests(expected, referenceDigests());
    const report = [...d.changed.map((f) => `changed  ${f}`), ...d.missing.map((f) => `missing  ${f}`), ...d.added.map((f) => `added    ${f}`)];
    // Names the files that differ; `npm run digest` regenerates the fixture when the change is intended.
    expect({ fixture: path.relative(process.cwd(), REFERENCE_DIGEST_FILE), differences: report }).toEqual({ fixture: path.relative(process.cwd(), REFERENCE_DIGEST_FILE), differences: [] });
  });
});
