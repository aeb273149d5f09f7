import type { PlatformSpecInput } from '../lib/spec/platform';

/**
 * The reference stack: the seeds' three scenarios on one platform.
 * - e-commerce order pipeline (seeds 002/004): order events → validate → payment → ship on
 *   Knative, a promo-discount function on OpenFaaS, orders/payments topics on Kafka;
 * - media processing (seed 000): S3 uploads → SNS → a thumbnail Lambda, also routed by Kong;
 * - IoT telemetry (seed 000): a telemetry topic consumed by a temperature-alert function.
 * Every environment (dev, staging, prod, edge) is synthesized from this one definition.
 */
export const referenceSpec: PlatformSpecInput = {
  name: 'acme',
  aws: { region: 'eu-west-1', accountId: '123456789012', oidcProvider: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
  gitops: { sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' } },
  environments: {
    dev: { domain: 'dev.acme.example' },
    // OpenFaaS: Community Edition (no licence) in dev and edge, Pro (licensed) in staging and prod.
    staging: { domain: 'staging.acme.example', openfaas: { edition: 'pro' } },
    prod: { domain: 'acme.example', overrides: { budget: { monthlyUsd: 8000 } }, openfaas: { edition: 'pro' } },
    edge: { domain: 'edge.acme.example' },
  },
  tenants: [
    { name: 'shop', groups: { developer: ['shop-devs'], viewer: ['shop-support'], deployer: ['ci-shop'] }, readableSecrets: ['payment-api'], developerExec: ['dev', 'edge'] },
    { name: 'media', groups: { developer: ['media-devs'], viewer: ['media-support'], deployer: ['ci-media'] } },
    { name: 'iot', groups: { developer: ['iot-devs'], deployer: ['ci-iot'] }, developerExec: ['dev'] },
  ],
  operators: { groups: ['platform-oncall'] },
  functions: [
    {
      name: 'validate-order',
      tenant: 'shop',
      target: 'knative',
      image: 'ghcr.io/acme/validate-order:1.4.2',
      env: { LOG_LEVEL: 'info' },
      scaling: { max: 20, target: 50, metric: 'concurrency' },
      coldStart: 'warm',
      timeoutSeconds: 30,
      slo: { latencyP99Ms: 300 },
      triggers: [{ type: 'http' }, { type: 'event', eventType: 'com.acme.order.created', source: 'shop/orders' }],
    },
    {
      name: 'payment',
      tenant: 'shop',
      target: 'knative',
      image: 'ghcr.io/acme/payment:2.0.1',
      secrets: [{ env: 'PAYMENT_API_KEY', secret: 'payment-api', key: 'api-key' }],
      scaling: { max: 10, target: 20 },
      coldStart: { preset: 'prewarmed', instances: 2 },
      timeoutSeconds: 60,
      triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'payment' }],
    },
    {
      name: 'ship',
      tenant: 'shop',
      target: 'knative',
      image: 'ghcr.io/acme/ship:1.1.0',
      scaling: { max: 5 },
      triggers: [{ type: 'event', eventType: 'com.acme.payment.completed' }],
    },
    {
      name: 'promo-discount',
      tenant: 'shop',
      target: 'openfaas',
      image: 'ghcr.io/acme/promo-discount:0.9.0',
      // Within what OpenFaaS CE runs (dev, edge): at most 5 replicas, no scale target or metric.
      scaling: { min: 1, max: 5 },
      timeoutSeconds: 20,
      triggers: [{ type: 'http' }],
    },
    {
      name: 'weekly-report',
      tenant: 'shop',
      target: 'openfaas',
      image: 'ghcr.io/acme/weekly-report:1.0.0',
      timeoutSeconds: 300,
      triggers: [{ type: 'schedule', cron: '0 6 * * 1' }],
    },
    {
      name: 'nightly-backup',
      tenant: 'shop',
      target: 'openfaas',
      image: 'ghcr.io/acme/nightly-backup:1.0.3',
      timeoutSeconds: 600,
      triggers: [{ type: 'schedule', cron: '30 2 * * *' }],
    },
    {
      name: 'hello-python',
      tenant: 'shop',
      target: 'openfaas',
      image: 'ghcr.io/openfaas/hello-python:0.1.0',
      triggers: [{ type: 'http' }],
    },
    {
      name: 'thumbnail',
      tenant: 'media',
      target: 'lambda',
      code: { path: 'stacks/functions/thumbnail', handler: 'index.handler', runtime: 'nodejs22.x' },
      // A bucket per environment (names are global; one notification configuration per bucket).
      lambda: { memoryMb: 512, architecture: 'arm64', s3Write: [{ bucket: 'acme-{env}-media-uploads', prefix: 'thumbnails/', envVar: 'SOURCE_BUCKET' }] },
      env: { SOURCE_PREFIX: 'uploads/', THUMBNAIL_PREFIX: 'thumbnails/' },
      coldStart: 'warm',
      timeoutSeconds: 60,
      triggers: [{ type: 'http' }, { type: 's3', bucket: 'acme-{env}-media-uploads', prefix: 'uploads/', suffix: '.jpg', via: 'sns' }],
    },
    {
      name: 'temperature-alert',
      tenant: 'iot',
      target: 'knative',
      image: 'ghcr.io/acme/temperature-alert:0.3.0',
      scaling: { max: 8 },
      triggers: [{ type: 'kafka', topic: 'telemetry', consumerGroup: 'temperature-alert' }],
    },
  ],
  routes: [
    { name: 'orders', host: 'api', path: '/orders', methods: ['POST'], function: 'validate-order', auth: 'key-auth', rateLimit: { minute: 600 } },
    { name: 'promo', host: 'api', path: '/promo', methods: ['GET', 'POST'], function: 'promo-discount', auth: 'key-auth', rateLimit: { minute: 300 } },
    { name: 'thumbnails', host: 'api', path: '/thumbnails', methods: ['POST'], function: 'thumbnail', auth: 'key-auth', rateLimit: { minute: 120 } },
  ],
  gateway: {
    consumers: [
      { name: 'mobile-app', credentialSecret: 'mobile-app-key' },
      { name: 'partner-portal', credentialSecret: 'partner-portal-key' },
    ],
    tls: [{ hosts: ['api'], secretName: 'api-tls' }],
  },
  // Knative flows of the order pipeline (seeds 002/004): checkout events run validate → payment →
  // ship in order, the result goes back to the shop's broker; a one-minute heartbeat proves
  // the broker path end to end (observability can alert when it stops).
  knative: {
    sequences: [
      {
        name: 'order-pipeline',
        tenant: 'shop',
        steps: ['validate-order', 'payment', 'ship'],
        reply: { broker: 'default' },
        trigger: { eventType: 'com.acme.order.placed', source: 'shop/checkout' },
      },
    ],
    pings: [{ name: 'heartbeat', tenant: 'shop', cron: '*/1 * * * *', contentType: 'application/json', data: '{"message":"heartbeat"}', sink: { broker: 'default' } }],
  },
  kafka: {
    clusterName: 'events',
    topics: [
      // producers get Write on the topic (consumers come from the functions' kafka triggers)
      { name: 'orders', partitions: 6, retentionHours: 168, producers: ['validate-order'] },
      { name: 'payments', partitions: 6, retentionHours: 336, producers: ['payment'] },
      { name: 'telemetry', partitions: 12, retentionHours: 24 },
    ],
  },
  observability: {
    defaultSlo: { latencyP99Ms: 1000, errorRatioPercent: 5 },
    receivers: [
      { name: 'platform-oncall', emails: ['oncall@acme.example'], severities: ['critical'] },
      { name: 'shop-team', webhookUrlSecret: { name: 'shop-slack-webhook', key: 'url' }, tenants: ['shop'] },
    ],
    // Alertmanager mails through this relay; the password is a Secret in the monitoring namespace.
    smtp: { smarthost: 'smtp.acme.example:587', from: 'alertmanager@acme.example', authUsername: 'alertmanager', authPasswordSecret: { name: 'alertmanager-smtp', key: 'password' } },
  },
  budgets: {
    emails: ['finops@acme.example'],
    clusterPricing: { cpuCoreHourUsd: 0.0425, memoryGiBHourUsd: 0.0057 },
  },
};
