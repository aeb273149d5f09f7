import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { HelmChartInstall } from '../gitops/helm-chart-install';
import { KAFKA_CONNECTOR_CHART, OPENFAAS_SECRETS, type KafkaConnectorValues, type Resources } from './chart-values';
import { KAFKA_CONNECTOR_SECRET_KEYS } from './kafka-connector-credentials';
import type { OpenFaaSInstall } from './openfaas-install';

/**
 * How the connector authenticates to Kafka: mutual TLS, with Secrets in the OpenFaaS
 * namespace named here that hold the keys the chart reads — `broker-ca` in `caSecret`,
 * `broker-cert` in `certSecret`, `broker-key` in `keySecret` (`KAFKA_CONNECTOR_SECRET_KEYS`;
 * `KafkaConnectorCredentials` builds such a Secret from Strimzi's).
 *
 * Not SASL: chart 0.7.15 has no setting for the SASL mechanism and the connector offers
 * PLAIN (openfaas/faas-netes#1052), which Strimzi listeners do not accept (they take
 * SCRAM-SHA-512, TLS client certificates or OAuth).
 */
export interface KafkaConnectorAuth {
  readonly mechanism: 'tls';
  readonly caSecret: string;
  readonly certSecret: string;
  readonly keySecret: string;
}

/** The Kafka authentication the connector uses (see `KafkaConnectorAuth`). */
export const KAFKA_CONNECTOR_AUTHENTICATION = 'tls' as const;

export interface KafkaConnectorProps {
  readonly openfaas: OpenFaaSInstall;
  /** Topic this connector consumes; functions subscribe with `OpenFaaSFunction.addKafkaTopic()`. */
  readonly topic: string;
  /** Bootstrap servers, `host:port[,host:port]` (the platform's Kafka binding). */
  readonly brokerHosts: string;
  /** Consumer group. */
  readonly group: string;
  readonly auth: KafkaConnectorAuth;
  /** Replicas: at most the topic's partitions (extra consumers would idle). @default 1 */
  readonly replicas?: number;
  /** Partitions of the topic, to check `replicas`. @default not checked */
  readonly partitions?: number;
  /** Longest synchronous invocation; with async invocation only the hand-off to the queue. @default '2m' */
  readonly upstreamTimeout?: string;
  /**
   * Hand each record to the queue worker (retried there) and carry on with the stream.
   * @default true
   */
  readonly asyncInvocation?: boolean;
  /** Where a new consumer group starts. @default 'oldest' (no record is skipped) */
  readonly initialOffset?: 'oldest' | 'newest';
  /** @default 50m/64Mi requested, 256Mi limit */
  readonly resources?: Resources;
}

/**
 * The OpenFaaS kafka-connector for one topic: invokes every function annotated with the
 * topic for each record. It is an OpenFaaS Standard/Enterprise component and reads the
 * licence Secret `openfaas-license` (key `license`) in the OpenFaaS namespace, which must be
 * created out of band. Broker credentials are Secrets referenced by name (mutual TLS, see
 * `KafkaConnectorAuth`); the annotation `hybrid-serverless.io/requires-secrets` lists each
 * Secret and key the release needs.
 */
export class KafkaConnector extends Construct {
  readonly install: HelmChartInstall<KafkaConnectorValues>;

  constructor(scope: Construct, id: string, props: KafkaConnectorProps) {
    super(scope, id);
    const where = `KafkaConnector(${props.topic})`;
    if (props.openfaas.edition !== 'pro') {
      fail(
        `${where}.openfaas`,
        props.openfaas.edition,
        'the kafka-connector is OpenFaaS Pro (it needs a licence): install OpenFaaS with edition "pro", or consume the topic with a Knative KafkaSource',
      );
    }
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(props.topic)) fail(`${where}.topic`, props.topic, 'must be a Kafka topic name');
    if (!/^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/.test(props.brokerHosts)) fail(`${where}.brokerHosts`, props.brokerHosts, 'must be "host:port" entries separated by commas');
    if (!/^[a-zA-Z0-9._-]+$/.test(props.group)) fail(`${where}.group`, props.group, 'must be letters, digits, ".", "_" or "-"');
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) fail(`${where}.replicas`, replicas, 'must be a whole number ≥ 1');
    if (props.partitions !== undefined && replicas > props.partitions) {
      fail(`${where}.replicas`, replicas, `must not exceed the topic's ${props.partitions} partitions: extra consumers in group "${props.group}" get no partition`);
    }
    const auth = props.auth;
    if ((auth.mechanism as string) !== KAFKA_CONNECTOR_AUTHENTICATION) {
      fail(`${where}.auth.mechanism`, auth.mechanism, 'must be "tls": chart kafka-connector 0.7.15 cannot choose a SASL mechanism and the connector offers SASL/PLAIN, which Strimzi does not accept');
    }
    for (const k of ['caSecret', 'certSecret', 'keySecret'] as const) {
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(auth[k] ?? '')) fail(`${where}.auth.${k}`, auth[k], 'must name a Secret in the OpenFaaS namespace');
    }
    const values: KafkaConnectorValues = {
      topics: props.topic,
      brokerHosts: props.brokerHosts,
      replicas,
      upstreamTimeout: props.upstreamTimeout ?? '2m',
      rebuildInterval: '30s',
      asyncInvocation: props.asyncInvocation ?? true,
      contentType: 'application/json',
      group: props.group,
      initialOffset: props.initialOffset ?? 'oldest',
      gatewayURL: props.openfaas.gatewayUrl,
      basic_auth: true,
      printRequestBody: false,
      printResponseBody: false,
      logs: { format: 'json' },
      resources: props.resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      tls: true,
      saslAuth: false,
      caSecret: auth.caSecret,
      certSecret: auth.certSecret,
      keySecret: auth.keySecret,
    };
    this.install = new HelmChartInstall(this, 'Chart', {
      chart: KAFKA_CONNECTOR_CHART,
      releaseName: `kafka-connector-${props.topic.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 53).replace(/-+$/, ''),
      namespace: props.openfaas.namespace,
      values,
      dependsOn: [props.openfaas.install],
    });
    const needs = [`${props.openfaas.namespace}/${OPENFAAS_SECRETS.license.name} (key ${OPENFAAS_SECRETS.license.key})`];
    const keys = KAFKA_CONNECTOR_SECRET_KEYS;
    const broker = [
      [auth.caSecret, keys.ca],
      [auth.certSecret, keys.certificate],
      [auth.keySecret, keys.key],
    ];
    needs.push(...broker.map(([n, k]) => `${props.openfaas.namespace}/${n} (key ${k})`));
    this.install.release.metadata.addAnnotation('hybrid-serverless.io/requires-secrets', needs.join(', '));
  }
}
