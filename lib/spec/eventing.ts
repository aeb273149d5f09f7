import { z } from 'zod';
import { cron, dnsLabel } from './common';
import { deliverySchema } from './function';

/**
 * The platform-wide Knative settings (`knative` in the spec): how Serving and Eventing are
 * installed, and the event flows that are more than one function's trigger — Sequences,
 * Parallels and PingSources — wired between functions of one tenant.
 */

const duration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { message: 'must be a duration such as "30s", "2m" or "1h"' });

/** Where events go: a function, a broker, or a flow of the same tenant. */
export const eventDestinationSchema = z.union([
  z.strictObject({ function: dnsLabel() }),
  z.strictObject({ broker: dnsLabel() }),
  z.strictObject({ sequence: dnsLabel() }),
  z.strictObject({ parallel: dnsLabel() }),
]);
export type EventDestination = z.infer<typeof eventDestinationSchema>;

/** Events of the tenant's broker that feed a flow. */
const flowTrigger = z.strictObject({
  /** CloudEvent `type` to receive. */
  eventType: z.string().min(1),
  /** CloudEvent `source` to match. @default any */
  source: z.string().min(1).optional(),
  /** Broker in the tenant's namespace. @default 'default' */
  broker: dnsLabel().optional(),
});

export const sequenceSchema = z.strictObject({
  name: dnsLabel(),
  tenant: dnsLabel(),
  /** Functions called one after another, each getting the previous one's reply. */
  steps: z.array(dnsLabel()).min(1, { message: 'a sequence needs at least one step' }),
  /** Where the last step's reply goes. @default dropped */
  reply: eventDestinationSchema.optional(),
  /** Broker events that enter the sequence. @default none (send to the sequence's address) */
  trigger: flowTrigger.optional(),
  /** Retries and dead letters of each step. @default 3 retries, exponential from PT1S, tenant dead-letter sink */
  delivery: deliverySchema.optional(),
});
export type SequenceSpec = z.infer<typeof sequenceSchema>;

export const parallelSchema = z.strictObject({
  name: dnsLabel(),
  tenant: dnsLabel(),
  branches: z
    .array(
      z.strictObject({
        /** Function that decides whether the branch gets the event (replies to accept). @default every event */
        filter: dnsLabel().optional(),
        subscriber: dnsLabel(),
        /** @default the parallel's reply */
        reply: eventDestinationSchema.optional(),
      }),
    )
    .min(1, { message: 'a parallel needs at least one branch' }),
  reply: eventDestinationSchema.optional(),
  trigger: flowTrigger.optional(),
  delivery: deliverySchema.optional(),
});
export type ParallelSpec = z.infer<typeof parallelSchema>;

export const pingSchema = z.strictObject({
  name: dnsLabel(),
  tenant: dnsLabel(),
  /** Five-field cron. */
  cron,
  /** IANA time zone. @default 'UTC' */
  timezone: z.string().min(1).optional(),
  /** Payload of each event. @default '' */
  data: z.string().max(4096).optional(),
  /** @default 'application/json' */
  contentType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'must be a media type such as "application/json"' }).optional(),
  sink: eventDestinationSchema,
});
export type PingSpec = z.infer<typeof pingSchema>;

export const knativePlatformSchema = z.strictObject({
  /** Ingress of Knative Serving. @default 'kourier' */
  ingress: z.enum(['kourier', 'istio']).optional(),
  /** config-autoscaler defaults for every Knative function. */
  autoscaler: z
    .strictObject({
      /** How long the last replica lingers after traffic stops. @default '30s' */
      scaleToZeroGracePeriod: duration.optional(),
      /** @default '60s' */
      stableWindow: duration.optional(),
      /** Concurrency target of a replica when a function sets none. @default 100 */
      containerConcurrencyTargetDefault: z.number().positive().optional(),
      /** @default true */
      enableScaleToZero: z.boolean().optional(),
    })
    .optional(),
  /** config-features flags, e.g. `{ "kubernetes.podspec-affinity": "enabled" }`. @default {} */
  features: z.record(z.string().regex(/^[a-z0-9.-]+$/, { message: 'must be a Knative feature flag name such as "kubernetes.podspec-affinity"' }), z.enum(['enabled', 'disabled', 'allowed'])).optional(),
  /**
   * Image of the per-tenant dead-letter sink: a CloudEvents receiver that logs every
   * undeliverable event with its attributes and the `knativeerror*` extensions.
   * @default Knative's event_display at the installed release
   */
  deadLetterImage: z.string().regex(/^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/, { message: 'must be an image reference' }).optional(),
  sequences: z.array(sequenceSchema).default([]),
  parallels: z.array(parallelSchema).default([]),
  pings: z.array(pingSchema).default([]),
});
export type KnativePlatformSpec = z.infer<typeof knativePlatformSchema>;
