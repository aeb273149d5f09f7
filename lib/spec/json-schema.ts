import { z } from 'zod';
import { platformSchema } from './platform';

/** JSON Schema (draft 2020-12) of the spec as users write it (defaults optional). */
export function platformJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(platformSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'hybrid-serverless PlatformSpec',
    description: 'One platform spec for Knative, OpenFaaS, Kong, Kafka, observability and AWS Lambda; see README.md.',
  };
}
