import * as fs from 'fs';
import { parse } from 'yaml';
import { SpecError } from '../core/errors';
import { INPUT_LIMITS } from '../spec/input-limits';
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
    // the YAML parser recurses per level: a file nested thousands deep overflows it (its error wraps the RangeError)
    if (e instanceof RangeError || /Maximum call stack size exceeded/.test((e as Error).message))
      throw new SpecError([{ path: '(file)', value: file, message: `is nested too deeply to read; no field of the spec is more than ${INPUT_LIMITS.depth} levels deep` }]);
    throw new SpecError([{ path: '(file)', value: file, message: `is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}` }]);
  }
  return parseSpec(data);
}
