import { z } from 'zod';
import { dnsLabel, secretRef } from './common';

export const receiverSchema = z.strictObject({
  name: dnsLabel(),
  emails: z.array(z.email({ message: 'must be an email address' })).optional(),
  /** Webhook (e.g. Slack) URL, by reference to a secret. */
  webhookUrlSecret: secretRef.optional(),
  /** Severities routed here. @default all */
  severities: z.array(z.enum(['critical', 'warning', 'info'])).optional(),
  /** Tenants routed here. @default all */
  tenants: z.array(dnsLabel()).optional(),
});

export const observabilitySchema = z.strictObject({
  /** Default SLO of every function. */
  defaultSlo: z
    .strictObject({ latencyP99Ms: z.number().positive().default(1000), errorRatioPercent: z.number().positive().max(100).default(5) })
    .default({ latencyP99Ms: 1000, errorRatioPercent: 5 }),
  receivers: z.array(receiverSchema).default([]),
});
export type ObservabilitySpec = z.infer<typeof observabilitySchema>;
