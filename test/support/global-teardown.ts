import * as fs from 'fs';

/** Removes the run's temp folder (test/support/global-setup.ts). */
export default function globalTeardown(): void {
  const dir = process.env.HYBRID_SERVERLESS_JEST_TMPDIR;
  if (dir && /hs-jest-[^/]+$/.test(dir)) fs.rmSync(dir, { recursive: true, force: true });
}
