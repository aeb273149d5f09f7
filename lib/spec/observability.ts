import { z } from 'zod';
import { dnsLabel, secretRef } from './common';

/**
 * Where alerts go. Secrets referenced here (webhook/Slack URLs, the SMTP password) are read
 * by Alertmanager from the monitoring namespace (`monitoring`): create them there.
 */
export const receiverSchema = z.strictObject({
  /** Receiver name (an Alertmanager receiver). */
  name: dnsLabel(),
  /** Addresses mailed (needs `observability.smtp`). */
  emails: z.array(z.email({ message: 'must be an email address' })).optional(),
  /** Webhook URL (any HTTP receiver), by reference to a secret. */
  webhookUrlSecret: secretRef.optional(),
  /** Slack incoming-webhook URL, by reference to a secret. @default none */
  slackUrlSecret: secretRef.optional(),
  /** Slack channel, when the webhook is not bound to one. @default the webhook's channel */
  slackChannel: z
    .string()
    .regex(/^[#@]?[a-z0-9._-]{1,80}$/, { message: 'must be a Slack channel such as "#shop-alerts"' })
    .optional(),
  /** Severities routed here. @default all */
  severities: z.array(z.enum(['critical', 'warning', 'info'])).optional(),
  /** Tenants routed here. @default all */
  tenants: z.array(dnsLabel()).optional(),
});
export type ReceiverSpec = z.infer<typeof receiverSchema>;

/** The mail server Alertmanager sends through, for receivers with `emails`. */
export const smtpSchema = z.strictObject({
  /** `host:port` of the SMTP server. */
  smarthost: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, { message: 'must be "host:port", e.g. "smtp.example.com:587"' }),
  /** Sender address. */
  from: z.email({ message: 'must be an email address' }),
  /** @default no authentication */
  authUsername: z.string().min(1).optional(),
  /** Password, by reference to a secret (needs authUsername). @default none */
  authPasswordSecret: secretRef.optional(),
  /** Require STARTTLS. @default true */
  requireTls: z.boolean().optional(),
});
export type SmtpSpec = z.infer<typeof smtpSchema>;

export const observabilitySchema = z.strictObject({
  /** Default SLO of every function. */
  defaultSlo: z
    .strictObject({
      /** 99th-percentile latency objective, in milliseconds. @default 1000 */
      latencyP99Ms: z.number().positive().default(1000),
      /** Largest acceptable share of failed requests, in percent. @default 5 */
      errorRatioPercent: z.number().positive().max(100).default(5),
    })
    .default({ latencyP99Ms: 1000, errorRatioPercent: 5 }),
  /** Where alerts go, routed by severity and tenant. @default [] (no notifications) */
  receivers: z.array(receiverSchema).default([]),
  /** SMTP server for email receivers. @default none (then no receiver may list emails) */
  smtp: smtpSchema.optional(),
  /** Consumer lag (records) above which a Kafka consumer group alerts. @default 1000 */
  kafkaLagThreshold: z.number().int().positive().optional(),
});
export type ObservabilitySpec = z.infer<typeof observabilitySchema>;

/** Default of `observability.kafkaLagThreshold`. */
export const DEFAULT_KAFKA_LAG_THRESHOLD = 1000;
