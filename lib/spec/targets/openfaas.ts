import { z } from 'zod';

/** OpenFaaS-only options of a function (`functions[].openfaas`). */
export const openfaasOptionsSchema = z.strictObject({
  /** Node constraints (`node.kubernetes.io/arch=arm64`). @default none */
  constraints: z.array(z.string().min(1)).optional(),
  /** Invoke asynchronously through the queue worker (NATS) by default. @default false */
  async: z.boolean().optional(),
});
export type OpenFaaSOptions = z.infer<typeof openfaasOptionsSchema>;
