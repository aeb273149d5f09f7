import { z } from 'zod';

export const LAMBDA_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'python3.12', 'python3.13', 'java21', 'provided.al2023'] as const;

/** Lambda-only options of a function (`functions[].lambda`). */
export const lambdaOptionsSchema = z.strictObject({
  /** Memory in MB (Lambda allows 128–10240). @default from resources.limits.memory, else 256 */
  memoryMb: z.number().int().min(128, { message: 'Lambda memory must be 128–10240 MB' }).max(10240, { message: 'Lambda memory must be 128–10240 MB' }).optional(),
  /** @default 'arm64' */
  architecture: z.enum(['arm64', 'x86_64']).optional(),
  /** Reserved concurrency (caps the function). @default none */
  reservedConcurrency: z.number().int().min(0).optional(),
  /** A function URL with IAM auth, only when asked. @default false */
  functionUrl: z.boolean().optional(),
});
export type LambdaOptions = z.infer<typeof lambdaOptionsSchema>;
