import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { LAYERS } from '../../lib/platform/layers';
import { chartsObjects, toYamlDocument, toYamlDocumentReference } from '../../lib/platform/synth';
import { parseSpec } from '../../lib/spec/parse';
import { referenceSpec } from '../../stacks/reference';
import { generatedSpec } from '../support/generated-spec';
import { REFERENCE_ENVIRONMENTS } from '../support/synth';

/** Every object of every environment of a spec, as renderEnvironment reads them. */
function objectsOf(input: unknown): unknown[] {
  const spec = parseSpec(input);
  return REFERENCE_ENVIRONMENTS.flatMap((env) => {
    const p = new HybridPlatform(spec, env);
    return chartsObjects([...LAYERS.flatMap((l) => p.chartsOf(l).map((c) => c.chart)), p.gitopsChart]).flat();
  });
}

// The fast emitter must write exactly what the yaml library's Document model writes.
describe('YAML emitter', () => {
  test('writes every object of the reference stack and a generated spec byte for byte as the Document model does', () => {
    const objects = [...objectsOf(referenceSpec), ...objectsOf(generatedSpec(60, { seed: 7 }))];
    expect(objects.length).toBeGreaterThan(1000);
    const differing = objects.filter((o) => toYamlDocument(o) !== toYamlDocumentReference(o));
    expect(differing.slice(0, 3)).toEqual([]);
  });

  const awkward = [
    ...['', ' ', 'yes', 'Yes', 'NO', 'off', 'On', 'y', 'n', 'Y', 'N', 'true', 'False', 'null', 'Null', '~', '=', '<<', '-', '?', ':', '!', '&a', '*a', '|', '>', '%x', '@x', '`x'],
    ...['1', '-1', '+1', '0.5', '.5', '1e3', '1_000', '0x1F', '0o17', '017', '0b101', '1:20', '190:20:30', '.inf', '-.Inf', '.NaN', '2026-11-25', '2026-11-25T10:00:00Z', '2026-11-25 10:00:00'],
    ...['a: b', 'a:b', 'a #b', 'a#b', '#a', '- a', '-a', ' lead', 'trail ', 'tab\there', "it's", 'say "hi"', `both ' and "`, '[a]', '{a}', 'a,b', 'a]', 'é', '日本', '😀', '\u0007bell', '\\', 'C:\\x'],
    ...['line\nbreak', 'two\n\nbreaks', 'trailing\n', '\nleading', 'indented\n  more', '---', '--- x', '...', '...x', 'x---', '*', 'x'.repeat(2000)],
  ];
  const values = [...awkward, 0, 1, -1, 1.5, -0.25, 1e21, 1e-7, 2 ** 53, -0, NaN, Infinity, true, false, null, [], {}, [[]], [{}], [[1, 2], ['a']], [{ a: 1, b: [] }, { c: {} }]];

  test.each(values.map((v) => [(JSON.stringify(v) ?? String(v)).slice(0, 40), v]))('value %s: as the Document model writes it, in every position', (_, v) => {
    const objects = [
      { kind: 'X', v },
      { kind: 'X', a: { b: { v } } },
      { kind: 'X', list: [v, v] },
      { kind: 'X', list: [{ v, w: v }] },
      { kind: 'X', list: [[v]] },
      { kind: 'X', m: { [typeof v === 'string' ? v : String(v)]: v } },
      { [typeof v === 'string' ? v : String(v)]: { nested: v } },
    ];
    for (const o of objects) expect(toYamlDocument(o)).toBe(toYamlDocumentReference(o));
  });

  test('keys: numeric, empty, reserved words, special characters and very long ones', () => {
    const o = { '1': 'a', '': 'b', on: 'c', 'a b': 'd', 'x:y': 'e', '-': 'f', '- x': 'g', '?': 'h', '---': 'i', 'k\nl': 'j', ['k'.repeat(1100)]: 'l', '=': '=', nested: { '---': 1 } };
    expect(toYamlDocument(o)).toBe(toYamlDocumentReference(o));
  });
});
