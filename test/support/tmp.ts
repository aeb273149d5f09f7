import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const created: string[] = [];

// Registered when a test file imports this (jest gives each file its own module registry).
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder under the system temp dir (`<prefix>XXXXXX`), removed after the test file,
 * so a test run leaves no /tmp/hs-* folders behind.
 */
export function tmpFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}
