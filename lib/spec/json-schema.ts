import { z } from 'zod';
import { platformSchema } from './platform';
import { SCHEMA_DOCS } from './schema-docs';

/**
 * JSON Schema (draft 2020-12) of the spec as users write it (defaults optional), with the
 * TSDoc of every field as its `description` (editor hover docs).
 */
export function platformJsonSchema(): Record<string, unknown> {
  const schema = undocumentedJsonSchema();
  for (const [pointer, description] of Object.entries(SCHEMA_DOCS)) {
    const parent = pointer
      .split('/')
      .slice(1, -1)
      .reduce<Record<string, unknown> | undefined>((node, key) => node?.[key] as Record<string, unknown> | undefined, schema);
    const key = pointer.slice(pointer.lastIndexOf('/') + 1);
    const field = parent?.[key] as Record<string, unknown> | undefined;
    if (parent && field && typeof field === 'object' && field.description === undefined) parent[key] = { description, ...field };
  }
  return {
    ...schema,
    title: 'hybrid-serverless PlatformSpec',
    description: 'One platform spec for Knative, OpenFaaS, Kong, Kafka, observability and AWS Lambda; see README.md.',
  };
}

/**
 * The JSON schema zod generates, without descriptions.
 * @internal
 */
export function undocumentedJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(platformSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
