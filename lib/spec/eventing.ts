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
  z.strictObject({
    /** A function of the tenant. */
    function: dnsLabel(),
  }),
  z.strictObject({
    /** A broker in the tenant's namespace. */
    broker: dnsLabel(),
  }),
  z.strictObject({
    /** A sequence of the tenant. */
    sequence: dnsLabel(),
  }),
  z.strictObject({
    /** A parallel of the tenant. */
    parallel: dnsLabel(),
  }),
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

/** A Knative Sequence: functions called in order, each with the previous one's reply. */
export const sequenceSchema = z.strictObject({
  /** Sequence name. */
  name: dnsLabel(),
  /** Tenant whose namespace holds the sequence and its functions. */
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

/** A Knative Parallel: every event goes to each branch whose filter accepts it. */
export const parallelSchema = z.strictObject({
  /** Parallel name. */
  name: dnsLabel(),
  /** Tenant whose namespace holds the parallel and its functions. */
  tenant: dnsLabel(),
  /** The branches, each a subscriber function with an optional filter function. */
  branches: z
    .array(
      z.strictObject({
        /** Function that decides whether the branch gets the event (replies to accept). @default every event */
        filter: dnsLabel().optional(),
        /** Function that handles the events of this branch. */
        subscriber: dnsLabel(),
        /** @default the parallel's reply */
        reply: eventDestinationSchema.optional(),
      }),
    )
    .min(1, { message: 'a parallel needs at least one branch' }),
  /** Where the branches' replies go. @default dropped */
  reply: eventDestinationSchema.optional(),
  /** Broker events that enter the parallel. @default none (send to the parallel's address) */
  trigger: flowTrigger.optional(),
  /** Retries and dead letters of each branch. @default 3 retries, exponential from PT1S, tenant dead-letter sink */
  delivery: deliverySchema.optional(),
});
export type ParallelSpec = z.infer<typeof parallelSchema>;

/** A Knative PingSource: an event on a cron schedule. */
export const pingSchema = z.strictObject({
  /** PingSource name. */
  name: dnsLabel(),
  /** Tenant whose namespace holds the source. */
  tenant: dnsLabel(),
  /** Five-field cron. */
  cron,
  /** IANA time zone. @default 'UTC' */
  timezone: z.string().min(1).optional(),
  /** Payload of each event. @default '' */
  data: z.string().max(4096).optional(),
  /** @default 'application/json' */
  contentType: z
    .string()
    .regex(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'must be a media type such as "application/json"' })
    .optional(),
  /** Where the events go. */
  sink: eventDestinationSchema,
});
export type PingSpec = z.infer<typeof pingSchema>;

/**
 * Where Knative Eventing keeps events in flight. `kafka`: brokers of class Kafka, KafkaChannel
 * for sequences and parallels, dead letters in a per-tenant Kafka topic (needs the top-level
 * `kafka` section). `in-memory`: MTChannelBasedBroker over InMemoryChannel, dead letters logged
 * by event_display; what a dispatcher buffers is lost when it restarts.
 */
export const EVENTING_BACKENDS = ['kafka', 'in-memory'] as const;
export type EventingBackend = (typeof EVENTING_BACKENDS)[number];

export const eventingSettingsSchema = z.strictObject({
  /**
   * @default `kafka` in environments whose profile keeps events durable (staging, prod) when the
   * spec has a `kafka` section; `in-memory` elsewhere (dev, edge)
   */
  backend: z.enum(EVENTING_BACKENDS).optional(),
  /**
   * Why in-memory eventing is acceptable where the profile asks for durable events (staging,
   * prod): required there for `backend: in-memory` or a spec without `kafka`.
   */
  inMemoryReason: z.string().trim().min(10, { message: 'must say why losing buffered events is acceptable (at least 10 characters)' }).max(500).optional(),
});

/**
 * A redelivery of a tenant's dead letters (Kafka eventing only): a KafkaSource named
 * `replay-<name>` reads the tenant's dead-letter topic with its own consumer group from the
 * oldest dead letter still kept and sends each event to `to`. Remove it once its consumer lag is 0.
 */
export const replaySchema = z.strictObject({
  /** Replay name (KafkaSource `replay-<name>`, consumer group `replay-<tenant>-<name>`). */
  name: dnsLabel(50),
  /** Tenant whose dead letters are replayed. */
  tenant: dnsLabel(),
  /** Environments to replay in: each must keep its events in Kafka. */
  environments: z.array(z.string().min(1)).min(1, { message: 'name the environment(s) to replay in, e.g. ["prod"]' }),
  /** Where the events go again. @default the tenant's `default` broker (every matching trigger gets them again) */
  to: eventDestinationSchema.optional(),
  /** Where a new consumer group starts: the oldest dead letter kept, or only those arriving from now on. @default 'earliest' */
  from: z.enum(['earliest', 'latest']).optional(),
});
export type ReplaySpec = z.infer<typeof replaySchema>;

export const knativePlatformSchema = z.strictObject({
  /** Where events in flight are kept (brokers, channels, dead letters). @default by profile */
  eventing: eventingSettingsSchema.optional(),
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
  features: z
    .record(z.string().regex(/^[a-z0-9.-]+$/, { message: 'must be a Knative feature flag name such as "kubernetes.podspec-affinity"' }), z.enum(['enabled', 'disabled', 'allowed']))
    .optional(),
  /**
   * Image of the per-tenant dead-letter sink: a CloudEvents receiver that logs every
   * undeliverable event with its attributes and the `knativeerror*` extensions.
   * @default Knative's event_display at the installed release
   */
  deadLetterImage: z
    .string()
    .regex(/^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/, { message: 'must be an image reference' })
    .optional(),
  /** Sequences: functions called in order. @default [] */
  sequences: z.array(sequenceSchema).default([]),
  /** Parallels: events fanned out to filtered branches. @default [] */
  parallels: z.array(parallelSchema).default([]),
  /** PingSources: events on a cron schedule. @default [] */
  pings: z.array(pingSchema).default([]),
  /** Redeliveries of dead letters (Kafka eventing). @default [] */
  replays: z.array(replaySchema).default([]),
});
export type KnativePlatformSpec = z.infer<typeof knativePlatformSchema>;
