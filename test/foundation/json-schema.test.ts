import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { platformJsonSchema } from '../../lib/spec/json-schema';
import { referenceSpec } from '../../stacks/reference';
import { DOCS_FILE, docsModule, extractSchemaDocs } from '../../scripts/schema-docs';

const ROOT = path.resolve(__dirname, '../..');

describe('platform.schema.json (editor completion for YAML specs)', () => {
  const schema = platformJsonSchema();

  test('the committed file is what `npm run schema` generates', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'platform.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  test('accepts the reference stack and the example; rejects an unknown field and a bad target', () => {
    const validate = addFormats(new Ajv2020({ strict: false, allErrors: true })).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(referenceSpec)))).toBe(true);
    expect(validate(parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.platform.yaml'), 'utf8')))).toBe(true);
    expect(validate(parse(fs.readFileSync(path.join(ROOT, 'examples/openfaas-ce.platform.yaml'), 'utf8')))).toBe(true);
    // openfaas.edition is ce or pro, at the top and per environment
    expect(validate({ ...JSON.parse(JSON.stringify(referenceSpec)), openfaas: { edition: 'enterprise' } })).toBe(false);
    const bad = structuredClone(referenceSpec) as any;
    bad.functions[0].target = 'cloudrun';
    bad.functions[1].bogus = 1;
    expect(validate(bad)).toBe(false);
    const where = (validate.errors ?? []).map((e) => e.instancePath);
    expect(where).toEqual(expect.arrayContaining(['/functions/0/target', '/functions/1']));
  });

  test('lib/spec/schema-docs.ts is the TSDoc of lib/spec (`npm run schema:docs`, then `npm run schema`)', () => {
    expect(fs.readFileSync(DOCS_FILE, 'utf8')).toBe(docsModule(extractSchemaDocs()));
  });

  type Node = { description?: string; properties?: Record<string, Node>; items?: Node; additionalProperties?: Node; oneOf?: Node[]; anyOf?: Node[] };
  const root = schema as Node;
  const fieldsOf = (node: Node | undefined, where: string): [string, Node][] => Object.entries(node?.properties ?? {}).map(([k, v]) => [`${where}.${k}`, v]);
  const environment = root.properties!.environments.additionalProperties ?? Object.values(root.properties!.environments.properties ?? {})[0];
  const triggers = root.properties!.functions.items!.properties!.triggers.items!;

  test.each([
    ['the top level', fieldsOf(root, '')],
    ['an environment', fieldsOf(environment, 'environments.<name>')],
    ['a function', fieldsOf(root.properties!.functions.items, 'functions[]')],
    ['a trigger', (triggers.oneOf ?? triggers.anyOf ?? []).flatMap((t, i) => fieldsOf(t, `triggers[${i}]`))],
    ['a tenant', fieldsOf(root.properties!.tenants.items, 'tenants[]')],
    ['a route', fieldsOf(root.properties!.routes.items, 'routes[]')],
    ['gitops, kafka, knative, observability and budgets', ['gitops', 'kafka', 'knative', 'observability', 'budgets'].flatMap((k) => fieldsOf(root.properties![k], k))],
  ])('every field of %s has a description (editor hover docs)', (_, fields) => {
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.filter(([, node]) => !node.description?.trim()).map(([where]) => where)).toEqual([]);
  });
});
