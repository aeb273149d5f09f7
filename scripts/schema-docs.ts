/**
 * Carries the TSDoc of the spec model into the JSON schema: walks the spec's input type
 * (`PlatformSpecInput`, whose properties keep the doc comments written on the zod shapes)
 * alongside the JSON schema zod generates, and writes every field's comment (with its
 * `@default`) to lib/spec/schema-docs.ts, keyed by JSON pointer. `platformJsonSchema()` puts
 * them in as `description`s, which editors show on hover.
 *
 *   npm run schema:docs     (then `npm run schema` to rewrite platform.schema.json)
 *
 * A field without a comment of its own takes the comment of the model schema it is built from
 * (`delivery: deliverySchema.optional()` takes deliverySchema's).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { undocumentedJsonSchema } from '../lib/spec/json-schema';

const ROOT = path.resolve(__dirname, '..');
const MODEL = path.join(ROOT, 'lib/spec/platform.ts');
export const DOCS_FILE = path.join(ROOT, 'lib/spec/schema-docs.ts');

type JsonSchema = { [key: string]: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: JsonSchema | boolean; anyOf?: JsonSchema[]; oneOf?: JsonSchema[] };

/** JSON pointer → description, from the TSDoc of lib/spec. */
export function extractSchemaDocs(): Record<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([MODEL], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const model = checker.getSymbolAtLocation(program.getSourceFile(MODEL)!)!;
  const input = checker.getExportsOfModule(model).find((s) => s.name === 'PlatformSpecInput');
  if (!input) throw new Error('lib/spec/platform.ts exports no PlatformSpecInput');

  const docs: Record<string, string> = {};
  const render = (comment: string, tags: readonly ts.JSDocTagInfo[]): string | undefined => {
    const text = comment.replace(/\s+/g, ' ').trim();
    const fallback = tags.find((t) => t.name === 'default');
    const def = fallback ? ts.displayPartsToString(fallback.text).replace(/\s+/g, ' ').trim() : undefined;
    if (!text && !def) return undefined;
    return [text, def ? `Default: ${def}${/[.)]$/.test(def) ? '' : '.'}` : ''].filter(Boolean).join(text && !/[.:!?]$/.test(text) ? '. ' : ' ');
  };
  const docOfDeclaration = (node: ts.Node): string | undefined => {
    const jsdoc = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const last = jsdoc[jsdoc.length - 1];
    if (!last) return undefined;
    const comment = typeof last.comment === 'string' ? last.comment : (ts.getTextOfJSDocComment(last.comment) ?? '');
    const tags = (last.tags ?? []).map((t) => ({ name: t.tagName.text, text: [{ kind: 'text', text: (typeof t.comment === 'string' ? t.comment : ts.getTextOfJSDocComment(t.comment)) ?? '' }] }));
    return render(comment, tags);
  };
  /** The schema constant a property's initializer is built from: `x.optional()`, `z.array(x)`. */
  const baseSchemaDoc = (expr: ts.Expression | undefined): string | undefined => {
    while (expr) {
      if (ts.isCallExpression(expr)) {
        const callee = expr.expression;
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'z') expr = expr.arguments[0];
        else if (ts.isPropertyAccessExpression(callee)) expr = callee.expression;
        else return undefined;
      } else if (ts.isIdentifier(expr)) {
        const symbol = checker.getSymbolAtLocation(expr);
        const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        const declaration = target?.valueDeclaration;
        // the model's schemas (`deliverySchema`), not format validators (`dnsLabel`, `groupName`)
        return declaration && ts.isVariableDeclaration(declaration) && /Schema$/.test(expr.text) ? docOfDeclaration(declaration.parent.parent) : undefined;
      } else return undefined;
    }
    return undefined;
  };
  const docOf = (symbol: ts.Symbol): string | undefined => {
    const own = render(ts.displayPartsToString(symbol.getDocumentationComment(checker)), symbol.getJsDocTags(checker));
    if (own) return own;
    const declaration = symbol.declarations?.[0];
    return declaration && ts.isPropertyAssignment(declaration) ? baseSchemaDoc(declaration.initializer) : undefined;
  };
  const members = (type: ts.Type): ts.Type[] => (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  const matches = (schema: JsonSchema, type: ts.Type): boolean => {
    if (schema.properties) {
      const tag = (schema.properties.type as JsonSchema | undefined)?.const;
      const keys = Object.keys(schema.properties);
      if (!keys.every((k) => type.getProperty(k))) return false;
      if (tag === undefined) return true;
      const tagType = checker.getTypeOfSymbol(type.getProperty('type')!);
      return tagType.isStringLiteral() && tagType.value === tag;
    }
    if (schema.items) return checker.isArrayType(type) || checker.isTupleType(type);
    return false;
  };

  const walk = (schema: JsonSchema, type: ts.Type, pointer: string): void => {
    const candidates = members(type);
    for (const key of ['anyOf', 'oneOf'] as const) {
      schema[key]?.forEach((option, i) => {
        const match = candidates.find((t) => matches(option, t));
        if (match) walk(option, match, `${pointer}/${key}/${i}`);
      });
    }
    if (schema.properties) {
      const object = candidates.find((t) => matches({ properties: schema.properties }, t));
      if (object) {
        for (const [key, property] of Object.entries(schema.properties)) {
          const symbol = object.getProperty(key)!;
          const doc = docOf(symbol);
          if (doc) docs[`${pointer}/properties/${key}`] = doc;
          walk(property, checker.getTypeOfSymbol(symbol), `${pointer}/properties/${key}`);
        }
      }
    }
    if (schema.items && typeof schema.items === 'object') {
      const array = candidates.find((t) => checker.isArrayType(t));
      if (array) walk(schema.items, checker.getTypeArguments(array as ts.TypeReference)[0], `${pointer}/items`);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      // a record: its index type, or with enum keys (`partialRecord`) the type of any key
      const value = candidates.map((t) => checker.getIndexTypeOfType(t, ts.IndexKind.String) ?? (t.getProperties()[0] && checker.getTypeOfSymbol(t.getProperties()[0]))).find(Boolean);
      if (value) walk(schema.additionalProperties, value, `${pointer}/additionalProperties`);
    }
  };
  walk(undocumentedJsonSchema() as JsonSchema, checker.getDeclaredTypeOfSymbol(input), '');
  return docs;
}

/** The text of lib/spec/schema-docs.ts for these docs. */
export function docsModule(docs: Record<string, string>): string {
  const lines = Object.entries(docs).map(([pointer, text]) => `  ${JSON.stringify(pointer)}: ${JSON.stringify(text)},`);
  return [
    '// Generated by scripts/schema-docs.ts from the TSDoc of lib/spec (`npm run schema:docs`): do not edit.',
    '/** Descriptions of the spec fields in the JSON schema, by JSON pointer. */',
    'export const SCHEMA_DOCS: Readonly<Record<string, string>> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

if (require.main === module) {
  const docs = extractSchemaDocs();
  fs.writeFileSync(DOCS_FILE, docsModule(docs));
  console.log(`wrote ${path.relative(process.cwd(), DOCS_FILE)} (${Object.keys(docs).length} descriptions)`);
}
