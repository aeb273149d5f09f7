/**
 * Writes the JSON Schema of the platform spec (what users write in YAML/JSON), for editor
 * completion and validation: `# yaml-language-server: $schema=./platform.schema.json`.
 * Cross-field rules (unique names, references, profile-dependent limits) are checked by
 * parseSpec only.
 *
 *   npm run schema            (writes platform.schema.json)
 */
import * as fs from 'fs';
import * as path from 'path';
import { platformJsonSchema } from '../lib/spec/json-schema';

const out = path.resolve(__dirname, '..', 'platform.schema.json');
fs.writeFileSync(out, `${JSON.stringify(platformJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
