import type { PlatformSpecInput } from '../../lib/spec/platform';

/** Options of {@link generatedSpec}. */
export interface GeneratedSpecOptions {
  /** Platform name. @default 'scale' */
  readonly name?: string;
  /** Number of tenants. @default max(3, ceil(functions / 50)) */
  readonly tenants?: number;
  /** Every how-many-th function gets a Kong route (when it has an http trigger). @default 2 */
  readonly routeEvery?: number;
  /**
   * Shuffles the order of functions and routes with a seeded pseudo-random generator (the same
   * seed gives the same spec). @default none (index order)
   */
  readonly seed?: number;
  /**
   * Lambda functions deploy this code (every one the same folder, as functions of one service
   * do) instead of an ECR image. @default none: each Lambda function has its own image
   */
  readonly lambdaCode?: NonNullable<NonNullable<PlatformSpecInput['functions']>[number]['code']>;
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: T[], next: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const pad = (i: number, width: number): string => String(i).padStart(width, '0');

/**
 * A large, valid platform spec for scale tests, shaped like the reference stack: `functions`
 * functions, a third each on Knative, OpenFaaS and Lambda (by index: i % 3), spread round-robin
 * over several tenants (by i / 3, so each tenant has all three), with a mix of triggers — Knative: http, event, kafka, schedule;
 * OpenFaaS: http, schedule, kafka (one shared connector group per topic); Lambda: http, s3,
 * sqs, schedule — Kong routes for about half of the http functions, one Kafka topic per
 * tenant plus a few shared ones, and per-tenant quotas large enough for every environment.
 * Deterministic: the same arguments give the same spec (`seed` only shuffles, reproducibly).
 */
export function generatedSpec(functions: number, opts: GeneratedSpecOptions = {}): PlatformSpecInput {
  const name = opts.name ?? 'scale';
  const tenantCount = opts.tenants ?? Math.max(3, Math.ceil(functions / 50));
  const routeEvery = opts.routeEvery ?? 2;
  const tw = Math.max(2, String(tenantCount - 1).length);
  const fw = Math.max(4, String(functions - 1).length);
  const tenantName = (t: number) => `t${pad(t, tw)}`;
  const tenants: PlatformSpecInput['tenants'] = Array.from({ length: tenantCount }, (_, t) => ({
    name: tenantName(t),
    groups: { developer: [`${tenantName(t)}-devs`], viewer: [`${tenantName(t)}-support`], deployer: [`ci-${tenantName(t)}`] },
    // Sized for ~functions/tenants functions in every profile (edge's default quota is 20 pods).
    quota: { requestsCpu: '64', requestsMemory: '128Gi', limitsCpu: '256', limitsMemory: '512Gi', pods: 2000 },
    ...(t % 4 === 0 && { readableSecrets: [`${tenantName(t)}-api`] }),
  }));

  // Topics: one per tenant (its functions' events), plus shared ones every tenant reads.
  const tenantTopic = (t: number) => `${tenantName(t)}-events`;
  const shared = ['orders', 'payments', 'telemetry'];
  const producers = new Map<string, string[]>();

  const fns: NonNullable<PlatformSpecInput['functions']> = [];
  const routes: NonNullable<PlatformSpecInput['routes']> = [];
  for (let i = 0; i < functions; i++) {
    const fnName = `fn-${pad(i, fw)}`;
    const k = Math.floor(i / 3); // index within the target
    const t = k % tenantCount; // each tenant gets functions of every target
    const tenant = tenantName(t);
    const j = Math.floor(k / tenantCount); // index within the tenant and target: picks the triggers
    let http = false;
    switch (i % 3) {
      case 0: {
        // Knative: http; event; kafka (own group) on the tenant's or a shared topic; schedule.
        const kind = j % 4;
        const triggers: NonNullable<NonNullable<PlatformSpecInput['functions']>[number]['triggers']> = [];
        if (kind === 0) triggers.push({ type: 'http' }, { type: 'event', eventType: `com.${name}.${tenant}.created`, source: `${tenant}/api` });
        if (kind === 1) triggers.push({ type: 'event', eventType: `com.${name}.${tenant}.e${k % 7}` });
        if (kind === 2) triggers.push({ type: 'kafka', topic: j % 3 === 0 ? shared[k % shared.length] : tenantTopic(t), consumerGroup: fnName });
        if (kind === 3) triggers.push({ type: 'schedule', cron: `${k % 60} ${k % 24} * * *` }, { type: 'http' });
        http = kind === 0 || kind === 3;
        fns.push({
          name: fnName,
          tenant,
          target: 'knative',
          image: `ghcr.io/${name}/${fnName}:1.0.${k % 10}`,
          env: { LOG_LEVEL: 'info', FUNCTION_INDEX: String(i) },
          scaling: { max: 5 + (k % 16), target: 50 },
          ...(k % 5 === 0 && { coldStart: 'warm' as const }),
          ...(k % 7 === 0 && { slo: { latencyP99Ms: 250 + (k % 4) * 50 } }),
          triggers,
        });
        // Every other Knative function writes to its tenant's topic.
        if (k % 2 === 0) producers.set(tenantTopic(t), [...(producers.get(tenantTopic(t)) ?? []), fnName]);
        break;
      }
      case 1: {
        // OpenFaaS: http; schedule; or kafka on the tenant's topic through the tenant's shared connector group.
        const kind = j % 3;
        const triggers: NonNullable<NonNullable<PlatformSpecInput['functions']>[number]['triggers']> =
          kind === 0
            ? [{ type: 'http' }]
            : kind === 1
              ? [{ type: 'schedule', cron: `${(k * 7) % 60} ${k % 24} * * ${k % 7}` }]
              : [{ type: 'kafka', topic: tenantTopic(t), consumerGroup: `${tenant}-openfaas` }];
        http = kind === 0;
        fns.push({
          name: fnName,
          tenant,
          target: 'openfaas',
          image: `ghcr.io/${name}/${fnName}:0.${k % 10}.0`,
          scaling: { min: k % 4 === 0 ? 1 : 0, max: 4 + (k % 12), target: 50, metric: 'rps' },
          timeoutSeconds: 20 + (k % 5) * 10,
          triggers,
        });
        break;
      }
      default: {
        // Lambda: http; s3 (own prefix of the tenant's bucket); sqs (own queue); schedule.
        const kind = j % 4;
        const triggers: NonNullable<NonNullable<PlatformSpecInput['functions']>[number]['triggers']> =
          kind === 0
            ? [{ type: 'http' }]
            : kind === 1
              ? [{ type: 's3', bucket: `${name}-{env}-${tenant}-uploads`, prefix: `${fnName}/`, suffix: '.json', via: k % 2 === 0 ? 'sns' : 'direct' }]
              : kind === 2
                ? [{ type: 'sqs', queue: `${fnName}-in` }]
                : [{ type: 'schedule', cron: `${k % 60} ${(k + 3) % 24} * * *` }];
        http = kind === 0;
        fns.push({
          name: fnName,
          tenant,
          target: 'lambda',
          ...(opts.lambdaCode ? { code: { ...opts.lambdaCode } } : { image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}/${fnName}:1.0.0` }),
          lambda: { memoryMb: 256 + (k % 4) * 128 },
          timeoutSeconds: 30,
          triggers,
        });
      }
    }
    if (http && i % routeEvery === 0) {
      routes.push({
        name: `r-${fnName}`,
        host: i % 3 === 0 ? 'api' : `${tenant}-api`,
        path: `/${tenant}/${fnName}`,
        methods: ['GET', 'POST'],
        function: fnName,
        auth: i % 5 === 0 ? 'none' : 'key-auth',
        ...(i % 4 === 0 && { rateLimit: { minute: 600 } }),
      });
    }
  }

  if (opts.seed !== undefined) {
    const next = random(opts.seed);
    shuffle(fns, next);
    shuffle(routes, next);
  }
  return {
    name,
    aws: { region: 'eu-west-1', accountId: '123456789012', oidcProvider: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
    environments: {
      dev: { domain: `dev.${name}.example` },
      staging: { domain: `staging.${name}.example` },
      prod: { domain: `${name}.example`, overrides: { budget: { monthlyUsd: 50000 } } },
      edge: { domain: `edge.${name}.example` },
    },
    tenants,
    operators: { groups: ['platform-oncall'] },
    // Hundreds of OpenFaaS functions with scale-to-zero, targets and Kafka triggers: OpenFaaS Pro.
    openfaas: { edition: 'pro' },
    functions: fns,
    routes,
    gateway: {
      consumers: [
        { name: 'mobile-app', credentialSecret: 'mobile-app-key' },
        { name: 'partner-portal', credentialSecret: 'partner-portal-key' },
      ],
    },
    kafka: {
      clusterName: 'events',
      topics: [
        ...shared.map((topic) => ({ name: topic, partitions: 12, retentionHours: 168 })),
        ...Array.from({ length: tenantCount }, (_, t) => ({
          name: tenantTopic(t),
          partitions: 6,
          retentionHours: 72,
          ...(producers.has(tenantTopic(t)) && { producers: producers.get(tenantTopic(t)) }),
        })),
      ],
    },
    observability: {
      defaultSlo: { latencyP99Ms: 1000, errorRatioPercent: 5 },
      receivers: [
        { name: 'platform-oncall', emails: ['oncall@scale.example'], severities: ['critical'] },
        ...tenants.slice(0, 3).map((t) => ({ name: `${t.name}-team`, webhookUrlSecret: { name: `${t.name}-webhook`, key: 'url' }, tenants: [t.name] })),
      ],
      smtp: { smarthost: 'smtp.scale.example:587', from: 'alertmanager@scale.example' },
    },
    budgets: { emails: ['finops@scale.example'], clusterPricing: { cpuCoreHourUsd: 0.0425, memoryGiBHourUsd: 0.0057 } },
  };
}
