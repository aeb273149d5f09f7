import type { KafkaBootstrapAddress } from '../k8s/kafka/kafka-cluster';
import type { KafkaClientUser } from '../k8s/kafka/kafka-client-user';
import type { FunctionSpec, Target } from '../spec/function';
import type { KafkaAccess } from '../spec/kafka';

/**
 * Seams between modules: what one upstream system offers the others. The module that owns
 * it returns it from its `build…` function; HybridPlatform hands it to the modules that
 * take it as an argument.
 */

/** How the gateway (and anything else) reaches a function on its backend. */
export interface FunctionEndpoint {
  readonly function: FunctionSpec;
  readonly target: Target;
  /** In-cluster Service that serves the function (knative ingress, OpenFaaS gateway); absent for Lambda. */
  readonly service?: { readonly namespace: string; readonly name: string; readonly port: number };
  /** Host header the backend routes on (Knative). */
  readonly hostHeader?: string;
  /** Path prefix on the backend (OpenFaaS `/function/<name>`). */
  readonly path?: string;
  /** Deterministic Lambda function name (target lambda), as the cloud side names the function. */
  readonly lambdaName?: string;
}

/** How a client authenticates to the platform's Kafka. */
export interface KafkaClientAuth {
  /** Kafka user (Strimzi `KafkaUser` name). */
  readonly user: string;
  readonly mechanism: 'scram-sha-512' | 'tls';
  /** Secret with the client's credentials, in the namespace where the client runs. */
  readonly secret: { readonly namespace: string; readonly name: string };
  /** Secret with the cluster CA certificate (`ca.crt`), in the same namespace. */
  readonly caSecret: { readonly namespace: string; readonly name: string };
  /** Bootstrap address of the TLS listener for this mechanism, `host:port`. */
  readonly bootstrapServers: string;
  /** Keys in `secret`: SCRAM `password` and `sasl.jaas.config`; TLS `user.crt` and `user.key`. */
  readonly secretKeys: { readonly password?: string; readonly jaasConfig?: string; readonly certificate?: string; readonly key?: string };
  /** Key of the CA certificate in `caSecret`. */
  readonly caKey: string;
  /**
   * Secret (same namespace) with the non-secret settings KafkaSource takes only as Secret
   * references: user name, SASL mechanism, security protocol, bootstrap address.
   */
  readonly connectionSecret: {
    readonly namespace: string;
    readonly name: string;
    readonly keys: { readonly user: string; readonly saslMechanism: string; readonly securityProtocol: string; readonly bootstrapServers: string };
  };
}

/** The cluster's Kafka as clients see it (what buildKafka returns). */
export interface KafkaBinding {
  readonly clusterName: string;
  readonly namespace: string;
  /** Bootstrap address of the authenticated TLS listener of the cluster's default client authentication, `host:port`. */
  readonly bootstrapServers: string;
  /** The same address, typed: the bootstrap Service's host and the listener's port (e.g. for network policies). */
  readonly bootstrap: KafkaBootstrapAddress;
  /**
   * Declares a client of the cluster: creates its user with exactly the ACLs it needs and
   * returns where its credentials are. Called by the backend modules for kafka triggers.
   */
  client(
    fn: FunctionSpec,
    access: {
      readonly read?: readonly string[];
      readonly write?: readonly string[];
      readonly group?: string;
      /** Where the client runs. @default the tenant namespace (knative), `openfaas` for OpenFaaS consumers (the connector), `openfaas-fn` for OpenFaaS producers */
      readonly namespace?: string;
    },
  ): KafkaClientAuth;
  /** Namespaces where the spec's Kafka clients run → the listener ports they use (their egress to allow). */
  readonly clients: ReadonlyMap<string, readonly number[]>;
  /** Labels of the broker pods, for network policies. */
  readonly brokerPods: Record<string, string>;
  /** What each knative/openfaas function needs from Kafka, from the spec (triggers and topic producers). */
  readonly access: ReadonlyMap<string, KafkaAccess>;
  /** Kafka-backed Knative Eventing, when this environment runs it (see eventingBackendOf). */
  readonly eventing?: KafkaEventingBinding;
}

/** What Kafka-backed Knative Eventing gets from the cluster: its principals and topics. */
export interface KafkaEventingBinding {
  /** Where eventing-kafka-broker's controller and data planes run (their client namespace). */
  readonly namespace: string;
  /** Bootstrap address of the listener the eventing principals authenticate on, `host:port`. */
  readonly bootstrapServers: string;
  /** How the eventing principals authenticate (the cluster's client authentication). */
  readonly authentication: 'scram-sha-512' | 'tls';
  /**
   * A principal of eventing (a tenant's brokers and dead-letter sink, or the channels) with the
   * cluster's client authentication and no ACL yet: the caller grants exactly what it uses.
   * Its credentials are shared into the eventing namespace.
   */
  user(name: string, labels: Record<string, string>): KafkaClientUser;
  /**
   * Composes the Secret eventing-kafka-broker reads (`protocol`, `sasl.mechanism`, `user`,
   * `password`, `ca.crt`; or `ca.crt`, `user.crt`, `user.key` for mTLS) for `user` as `name` in
   * `namespace`, from the Secrets Strimzi writes (a CronJob in the eventing namespace copies them).
   */
  authSecret(user: KafkaClientUser, namespace: string, name: string): void;
  /** Name of the copy job of `authSecret(…, namespace, …)`: one per target namespace, in the eventing namespace. */
  authSecretJob(namespace: string): string;
  /** A topic created by Strimzi with the profile's replication and min ISR. */
  topic(name: string, options: { readonly retentionHours: number; readonly partitions?: number; readonly labels?: Record<string, string> }): void;
  /** The cluster's replication factor (for topics eventing creates itself: KafkaChannels). */
  readonly replicationFactor: number;
}
