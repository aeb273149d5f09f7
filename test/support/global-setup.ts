import { crdIndexFile } from './validate';

/** Once per jest run: the parsed CRD index every validating test file reads (test/support/validate.ts). */
export default function globalSetup(): void {
  crdIndexFile();
}
