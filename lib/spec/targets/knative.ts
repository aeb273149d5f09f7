import { z } from 'zod';

/** Knative-only options of a function (`functions[].knative`). */
export const knativeOptionsSchema = z.strictObject({
  /** Requests one container handles at once; 0 = unlimited. @default 0 */
  containerConcurrency: z.number().int().min(0).max(1000).optional(),
  /** Only reachable inside the cluster (`networking.knative.dev/visibility: cluster-local`). @default false */
  clusterLocal: z.boolean().optional(),
});
export type KnativeOptions = z.infer<typeof knativeOptionsSchema>;
