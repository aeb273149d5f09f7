import * as fs from 'fs';
import { parse } from 'yaml';
import { SpecError } from '../core/errors';
import { parseSpec } from '../spec/parse';
import type { PlatformSpec } from '../spec/platform';

/** Reads a platform spec from a YAML or JSON file and validates it. */
export function loadSpecFile(file: string): PlatformSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError([{ path: '(file)', value: file, message: `cannot read the spec file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new SpecError([{ path: '(file)', value: file, message: `is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}` }]);
  }
  return parseSpec(data);
}
