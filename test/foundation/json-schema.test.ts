import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { platformJsonSchema } from '../../lib/spec/json-schema';
import { referenceSpec } from '../../stacks/reference';

const ROOT = path.resolve(__dirname, '../..');

describe('platform.schema.json (editor completion for YAML specs)', () => {
  const schema = platformJsonSchema();

  test('the committed file is what `npm run schema` generates', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'platform.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  test('accepts the reference stack and the example; rejects an unknown field and a bad target', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(referenceSpec)))).toBe(true);
    expect(validate(parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.platform.yaml'), 'utf8')))).toBe(true);
    const bad = structuredClone(referenceSpec) as any;
    bad.functions[0].target = 'cloudrun';
    bad.functions[1].bogus = 1;
    expect(validate(bad)).toBe(false);
    const where = (validate.errors ?? []).map((e) => e.instancePath);
    expect(where).toEqual(expect.arrayContaining(['/functions/0/target', '/functions/1']));
  });
});
