import type { FunctionSpec } from '../spec/function';
import type { KafkaBinding, KafkaClientAuth } from './bindings';
import type { ModuleContext } from './modules/context';

/** How a producing function's container reaches Kafka: plain settings and secret references. */
export interface KafkaProducerSettings {
  /** Non-secret settings, as environment variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Credentials, by reference: variable name → Secret (in the function's namespace) and key. */
  readonly secrets: readonly { readonly env: string; readonly secret: string; readonly key: string }[];
}

/** The Kafka client settings a producer gets (librdkafka/Java client names in the comments). */
export function kafkaProducerSettings(auth: KafkaClientAuth): KafkaProducerSettings {
  const scram = auth.mechanism === 'scram-sha-512';
  return {
    env: {
      KAFKA_BOOTSTRAP_SERVERS: auth.bootstrapServers, // bootstrap.servers
      KAFKA_SECURITY_PROTOCOL: scram ? 'SASL_SSL' : 'SSL', // security.protocol
      ...(scram && { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_USERNAME: auth.user }),
    },
    secrets: [
      ...(scram
        ? [{ env: 'KAFKA_PASSWORD', secret: auth.secret.name, key: auth.secretKeys.password ?? 'password' }]
        : [
            { env: 'KAFKA_CLIENT_CERT', secret: auth.secret.name, key: auth.secretKeys.certificate ?? 'user.crt' },
            { env: 'KAFKA_CLIENT_KEY', secret: auth.secret.name, key: auth.secretKeys.key ?? 'user.key' },
          ]),
      { env: 'KAFKA_CA_CERT', secret: auth.caSecret.name, key: auth.caKey },
    ],
  };
}

/**
 * Credentials for a function that produces to Kafka topics (`kafka.topics[].producers`), or
 * undefined when it produces nothing. Variables the function already defines are reported:
 * the platform will not silently override a user's setting.
 */
export function kafkaProducerFor(ctx: Pick<ModuleContext, 'spec' | 'issues'>, kafka: KafkaBinding | undefined, fn: FunctionSpec): KafkaProducerSettings | undefined {
  const write = kafka?.access.get(fn.name)?.write ?? [];
  if (!kafka || write.length === 0) return undefined;
  const settings = kafkaProducerSettings(kafka.client(fn, { write }));
  const index = ctx.spec.functions.indexOf(fn);
  const taken = new Set([...Object.keys(fn.env ?? {}), ...(fn.secrets ?? []).map((s) => s.env)]);
  for (const name of [...Object.keys(settings.env), ...settings.secrets.map((s) => s.env)]) {
    if (taken.has(name)) {
      ctx.issues.add(['functions', index, 'env', name], name, `is set by the platform for Kafka producers (topics ${write.join(', ')}); remove it from the function's env/secrets`);
    }
  }
  return settings;
}
