import {
  OPENFAAS_CE_LIMITS,
  OPENFAAS_MANAGED_ANNOTATIONS,
  OPENFAAS_MANAGED_PREFIXES,
  OPENFAAS_SCALE_TYPES,
  OPENFAAS_TIMEOUT_ENV,
  openfaasCeProblems,
  openfaasTimeouts,
  type ExplicitTimeouts,
} from '../../k8s/openfaas/limits';
import { openfaasEditionOf } from '../platform';
import type { FunctionSpec } from '../function';
import type { PathSegment } from '../../core/errors';
import { timedFunction } from '../targets/openfaas';
import { isLabelValue, qualifiedNameProblem } from '../../core/naming';
import type { Rule, RuleContext } from './context';

/** Where each explicit timeout lives in the spec. */
const EXPLICIT_PATHS: Record<keyof ExplicitTimeouts, string[]> = {
  gatewayUpstream: ['openfaas', 'gateway', 'upstreamTimeout'],
  gatewayRead: ['openfaas', 'gateway', 'readTimeout'],
  gatewayWrite: ['openfaas', 'gateway', 'writeTimeout'],
  queueAckWait: ['openfaas', 'queueWorker', 'ackWait'],
};

/**
 * What OpenFaaS (gateway, operator, cron and Kafka connectors) would reject or silently
 * mishandle: unsupported scale metrics, timeouts the gateway or queue worker would cut,
 * triggers the connectors cannot express, annotations and variables the toolkit manages.
 */
export const openfaasRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const functions = spec.functions.filter((f) => f.target === 'openfaas');
  const topicGroups = new Map<string, { group: string; fn: string }>();

  for (const fn of functions) {
    const at = (...p: (string | number)[]) => ctx.at('functions', fn, ...p);
    const metric = fn.scaling?.metric;
    if (metric !== undefined && !(metric in OPENFAAS_SCALE_TYPES)) {
      issues.add(at('scaling', 'metric'), metric, `OpenFaaS scales on ${Object.keys(OPENFAAS_SCALE_TYPES).join(', ')} (com.openfaas.scale.type ${Object.values(OPENFAAS_SCALE_TYPES).join('/')})`);
    }
    if (fn.scaling?.target !== undefined && !Number.isInteger(fn.scaling.target)) {
      issues.add(at('scaling', 'target'), fn.scaling.target, 'OpenFaaS takes a whole number for com.openfaas.scale.target');
    }
    for (const key of Object.keys(fn.env ?? {})) {
      if ((OPENFAAS_TIMEOUT_ENV as readonly string[]).includes(key)) {
        issues.add(at('env', key), fn.env![key], 'is set from timeoutSeconds (exec_timeout, read_timeout, write_timeout); set timeoutSeconds instead');
      }
    }
    // Constraints become the pods' nodeSelector, annotations the pods' annotations: the API
    // server refuses keys that are not qualified names and node label values over 63 characters.
    (fn.openfaas?.constraints ?? []).forEach((c, j) => {
      const eq = c.indexOf('=');
      const key = c.slice(0, eq);
      const value = c.slice(eq + 1);
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) issues.add(at('openfaas', 'constraints', j), c, `node label key: ${keyProblem}`);
      if (!isLabelValue(value))
        issues.add(
          at('openfaas', 'constraints', j),
          c,
          `node label value is ${value.length} characters; label values are at most 63 letters, digits, "-", "_" and ".", beginning and ending alphanumeric`,
        );
    });
    for (const key of Object.keys(fn.openfaas?.annotations ?? {})) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) issues.add(at('openfaas', 'annotations', key), key, `is not a valid annotation key: ${keyProblem}`);
      if ((OPENFAAS_MANAGED_ANNOTATIONS as readonly string[]).includes(key) || OPENFAAS_MANAGED_PREFIXES.some((p) => key.startsWith(p))) {
        issues.add(at('openfaas', 'annotations', key), fn.openfaas!.annotations![key], 'is managed by the toolkit (from triggers, scaling, delivery); use those fields instead');
      }
    }
    // OpenFaaS mounts every key of every secret at /var/openfaas/secrets/<key>: keys must not collide.
    const mounted = new Map<string, string>();
    (fn.secrets ?? []).forEach((s, i) => {
      const other = mounted.get(s.key);
      if (other !== undefined && other !== s.secret) {
        issues.add(at('secrets', i, 'key'), s.key, `collides with key "${s.key}" of secret "${other}": OpenFaaS mounts both at /var/openfaas/secrets/${s.key}`);
      }
      mounted.set(s.key, s.secret);
    });

    const triggers = fn.triggers ?? [];
    const schedules = triggers.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'schedule');
    const kafka = triggers.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'kafka');
    if (schedules.length > 1) {
      issues.add(
        at('triggers', schedules[1].i),
        schedules[1].t,
        'an OpenFaaS function takes one schedule (the cron-connector reads a single "schedule" annotation); deploy another function for another schedule',
      );
    }
    if (schedules.length > 0 && kafka.length > 0) {
      issues.add(
        at('triggers', kafka[0].i),
        kafka[0].t,
        'an OpenFaaS function cannot have both schedule and kafka triggers: both connectors read the "topic" annotation ("cron-function" vs the Kafka topics)',
      );
    }
    for (const { t, i } of schedules) {
      if (t.type !== 'schedule') continue;
      if (t.timezone !== undefined && t.timezone !== 'UTC') {
        issues.add(at('triggers', i, 'timezone'), t.timezone, 'the OpenFaaS cron-connector evaluates schedules in UTC; convert the cron expression to UTC and drop timezone');
      }
      if (t.data !== undefined && t.data !== '') {
        issues.add(at('triggers', i, 'data'), t.data, 'the OpenFaaS cron-connector invokes with an empty body; read fixed input from env instead');
      }
    }
    for (const { t, i } of kafka) {
      if (t.type !== 'kafka') continue;
      if (!spec.kafka) issues.add(at('triggers', i, 'topic'), t.topic, 'needs the platform\'s Kafka: add a top-level "kafka" section');
      if (t.batchSize !== undefined) issues.add(at('triggers', i, 'batchSize'), t.batchSize, 'the OpenFaaS kafka-connector invokes once per record; batchSize is for Lambda');
      // One kafka-connector (one consumer group) per topic serves every function annotated with it.
      const group = t.consumerGroup ?? fn.name;
      const first = topicGroups.get(t.topic);
      if (first && first.group !== group) {
        issues.add(
          at('triggers', i, 'consumerGroup'),
          group,
          `topic "${t.topic}" is already consumed for OpenFaaS by group "${first.group}" (function ${first.fn}); one kafka-connector per topic invokes every subscribed function, so give them the same consumerGroup`,
        );
      } else if (!first) topicGroups.set(t.topic, { group, fn: fn.name });
    }
  }

  openfaasCeRules(ctx, functions);

  // Timeouts: explicit gateway/queue-worker values must not cut any function's requests.
  if (functions.length > 0) {
    const o = spec.openfaas;
    const explicit: ExplicitTimeouts = {
      gatewayUpstream: o?.gateway?.upstreamTimeout,
      gatewayRead: o?.gateway?.readTimeout,
      gatewayWrite: o?.gateway?.writeTimeout,
      queueAckWait: o?.queueWorker?.ackWait,
    };
    const { problems } = openfaasTimeouts(functions.map(timedFunction), explicit);
    for (const p of problems) {
      const fn = p.function ? functions.find((f) => f.name === p.function) : undefined;
      const where = EXPLICIT_PATHS[p.field as keyof ExplicitTimeouts].join('.');
      if (fn) {
        issues.add(ctx.at('functions', fn, 'timeoutSeconds'), fn.timeoutSeconds ?? timedFunction(fn).timeoutSeconds, `is more than ${where} "${p.value}" allows: that setting ${p.message}`);
      } else {
        issues.add(EXPLICIT_PATHS[p.field as keyof ExplicitTimeouts], p.value, p.message);
      }
    }
  }
};

/**
 * What OpenFaaS Community Edition cannot do, for every environment that runs it: each feature
 * it lacks is refused at the spec path that asks for it, naming the edition and the
 * environments, never dropped. Defaults adapt instead (a CE function without `coldStart` or
 * `scaling.min` keeps one replica; without `scaling.max` it runs up to 5).
 */
function openfaasCeRules(ctx: RuleContext, functions: readonly FunctionSpec[]): void {
  const { spec, issues } = ctx;
  const ce = Object.keys(spec.environments ?? {}).filter((env) => spec.environments[env] && openfaasEditionOf(spec, env) === 'ce');
  if (ce.length === 0 || functions.length === 0) return;
  const edition = `OpenFaaS Community Edition (openfaas.edition "ce", environment${ce.length > 1 ? 's' : ''} ${ce.join(', ')})`;
  const pro = 'or set openfaas.edition "pro" (licensed) for those environments';

  if (functions.length > OPENFAAS_CE_LIMITS.maxFunctions) {
    const extra = functions[OPENFAAS_CE_LIMITS.maxFunctions];
    issues.add(
      ctx.at('functions', extra),
      extra.name,
      `is OpenFaaS function number ${OPENFAAS_CE_LIMITS.maxFunctions + 1}: ${edition} serves at most ${OPENFAAS_CE_LIMITS.maxFunctions} (with more, faas-netes disables every invocation); move functions to target "knative", ${pro}`,
    );
  }
  const maxInflight = spec.openfaas?.queueWorker?.maxInflight;
  if (maxInflight !== undefined) {
    issues.add(['openfaas', 'queueWorker', 'maxInflight'], maxInflight, `${edition} runs the CE queue worker, one invocation at a time: maxInflight is OpenFaaS Pro; remove it, ${pro}`);
  }

  for (const fn of functions) {
    const at = (...p: PathSegment[]) => ctx.at('functions', fn, ...p);
    const c = fn.coldStart;
    const explicitZero = (c === 'scale-to-zero' || (c === undefined && fn.scaling?.min !== undefined)) && (fn.scaling?.min ?? 0) === 0;
    const metric = fn.scaling?.metric;
    const problems = openfaasCeProblems({
      scaling: {
        min: fn.scaling?.min,
        max: fn.scaling?.max,
        target: fn.scaling?.target,
        type: metric === undefined ? undefined : (OPENFAAS_SCALE_TYPES[metric as keyof typeof OPENFAAS_SCALE_TYPES] ?? metric),
        zero: explicitZero,
      },
      retries: fn.delivery,
      annotations: fn.openfaas?.annotations,
    });
    const paths: Record<string, { path: PathSegment[]; value: unknown }> = {
      'scaling.zero': c === 'scale-to-zero' ? { path: at('coldStart'), value: c } : { path: at('scaling', 'min'), value: 0 },
      'scaling.target': { path: at('scaling', 'target'), value: fn.scaling?.target },
      'scaling.type': { path: at('scaling', 'metric'), value: metric },
      'scaling.max': { path: at('scaling', 'max'), value: fn.scaling?.max },
      'scaling.min': { path: at('scaling', 'min'), value: fn.scaling?.min },
      retries: { path: at('delivery'), value: fn.delivery },
    };
    for (const p of problems) {
      const where = paths[p.field] ?? { path: at('openfaas', ...p.field.split('.')), value: p.value };
      const fix = p.field === 'scaling.zero' ? '; use coldStart "warm" (CE keeps at least one replica)' : p.field === 'scaling.max' || p.field === 'scaling.min' ? '' : '; remove it';
      issues.add(where.path, where.value, `${edition}: ${p.message}${fix}, ${pro}`);
    }
    if (fn.openfaas?.idleTimeout !== undefined) {
      issues.add(at('openfaas', 'idleTimeout'), fn.openfaas.idleTimeout, `${edition}: the idle time before scaling to zero is OpenFaaS Pro (CE never scales to zero); remove it, ${pro}`);
    }
    (fn.triggers ?? []).forEach((t, i) => {
      if (t.type !== 'kafka') return;
      issues.add(
        at('triggers', i),
        t,
        `${edition}: the kafka-connector is OpenFaaS Pro (it needs a licence); set openfaas.edition "pro" for those environments, or deploy the function with target "knative" (a KafkaSource consumes the topic)`,
      );
    });
  }
}
