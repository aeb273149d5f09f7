import { z } from 'zod';

/** One budget model for both halves: AWS Budgets (cloud) and the cluster-cost rule. */
export const budgetSchema = z.strictObject({
  /** Monthly limit in USD. @default the environment profile's budget.monthlyUsd */
  monthlyUsd: z.number().positive({ message: 'must be a positive amount in USD' }).optional(),
  /** Percentages at which alerts fire. @default the profile's thresholds */
  thresholds: z.array(z.number().positive().max(1000)).min(1).optional(),
  /** Email addresses notified. */
  emails: z.array(z.email({ message: 'must be an email address' })).default([]),
  /** Unit prices of the cluster (seed 004's cost model). */
  clusterPricing: z
    .strictObject({
      /** Price of one CPU core for an hour, in USD. */
      cpuCoreHourUsd: z.number().nonnegative(),
      /** Price of one GiB of memory for an hour, in USD. */
      memoryGiBHourUsd: z.number().nonnegative(),
    })
    .default({ cpuCoreHourUsd: 0.04, memoryGiBHourUsd: 0.005 }),
});
export type BudgetSpec = z.infer<typeof budgetSchema>;
