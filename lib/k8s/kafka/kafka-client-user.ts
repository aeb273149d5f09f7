import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  KafkaUser,
  KafkaUserSpecAuthenticationType,
  KafkaUserSpecAuthorizationAclsOperations as Op,
  KafkaUserSpecAuthorizationAclsResourcePatternType,
  KafkaUserSpecAuthorizationAclsResourceType,
  KafkaUserSpecAuthorizationAclsType,
  KafkaUserSpecAuthorizationType,
  type KafkaUserSpecAuthorizationAcls,
} from '../../imports/strimzi-user-kafka.strimzi.io';
import { fail } from '../../core/errors';
import { LABELS } from '../common/labels';
import type { KafkaCluster, KafkaListenerAuth } from './kafka-cluster';
import { reflectionAnnotations } from './secret-reflector';
import { DNS_1123_LABEL } from '../../core/naming';

export interface KafkaClientUserProps {
  /** The cluster the user belongs to. */
  readonly cluster: KafkaCluster;
  /** User name: the `KafkaUser`, its Secret and (SCRAM) the Kafka principal. */
  readonly name: string;
  /** @default 'scram-sha-512' */
  readonly authentication?: KafkaListenerAuth;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** Keys of the Secret Strimzi writes for a user, per authentication. */
export const USER_SECRET_KEYS = {
  'scram-sha-512': { password: 'password', jaasConfig: 'sasl.jaas.config' },
  tls: { certificate: 'user.crt', key: 'user.key' },
} as const;

/** Keys of the connection Secret the toolkit writes next to each mirrored user Secret. */
export const CONNECTION_KEYS = { user: 'user', saslMechanism: 'sasl.mechanism', securityProtocol: 'security.protocol', bootstrapServers: 'bootstrap.servers' } as const;

/**
 * A `KafkaUser` with exactly the ACLs its client needs — Read on the topics it consumes and
 * on its consumer groups, Write on the topics it produces to, nothing else (Read and Write
 * imply Describe; since Kafka 3.0 Write also covers idempotent producing). The User Operator
 * writes its credentials into a Secret of the same name in the Kafka namespace; `shareWith`
 * mirrors that Secret (and the cluster CA) into the namespaces where the client runs and
 * writes a connection Secret there with the non-secret settings (user name, SASL mechanism,
 * bootstrap address) that KafkaSource accepts only as Secret references.
 */
export class KafkaClientUser extends Construct {
  readonly name: string;
  readonly authentication: KafkaListenerAuth;
  readonly cluster: KafkaCluster;
  readonly resource: KafkaUser;
  private readonly reads = new Set<string>();
  private readonly writes = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly groupPrefixes = new Set<string>();
  /** Topics (any Kafka topic name) → operations beyond Read/Write, e.g. a controller that creates and deletes them. */
  private readonly topicOps = new Map<string, Set<TopicOperation>>();
  private readonly namespaces = new Set<string>();

  constructor(scope: Construct, id: string, props: KafkaClientUserProps) {
    super(scope, id);
    if (!DNS_1123_LABEL.test(props.name) || props.name.length > 63) fail(`KafkaClientUser.name`, props.name, 'must be a DNS label of at most 63 characters (it names the user Secret and its labels)');
    this.name = props.name;
    this.cluster = props.cluster;
    this.authentication = props.authentication ?? 'scram-sha-512';
    this.resource = new KafkaUser(this, 'Resource', {
      metadata: { name: props.name, namespace: props.cluster.namespace, labels: { ...props.labels, 'strimzi.io/cluster': props.cluster.name, [LABELS.component]: 'kafka-user' } },
      spec: {
        authentication: { type: this.authentication === 'tls' ? KafkaUserSpecAuthenticationType.TLS : KafkaUserSpecAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 },
        authorization: { type: KafkaUserSpecAuthorizationType.SIMPLE, acls: Lazy.any({ produce: () => this.acls() }) },
        template: Lazy.any({ produce: () => (this.namespaces.size > 0 ? { secret: { metadata: { annotations: reflectionAnnotations([...this.namespaces]) } } } : undefined) }),
      },
    });
  }

  /** Lets the user consume `topic`. */
  allowRead(topic: string): this {
    this.reads.add(checked('topic', topic));
    return this;
  }

  /** Lets the user produce to `topic`. */
  allowWrite(topic: string): this {
    this.writes.add(checked('topic', topic));
    return this;
  }

  /** Lets the user join consumer group `group` (and commit its offsets). */
  allowGroup(group: string): this {
    if (!/^[a-zA-Z0-9._-]+$/.test(group)) fail('KafkaClientUser.group', group, 'must be letters, digits, ".", "_" or "-"');
    this.groups.add(group);
    return this;
  }

  /**
   * Lets the user run `operations` on `topic` — for clients that manage their own topics (the
   * KafkaChannel controller creates and deletes its channels' topics). Any Kafka topic name.
   */
  allowTopic(topic: string, operations: readonly TopicOperation[]): this {
    if (!KAFKA_TOPIC.test(topic)) fail('KafkaClientUser.topic', topic, 'must be a Kafka topic name (letters, digits, ".", "_", "-"; at most 249)');
    if (operations.length === 0) fail('KafkaClientUser.operations', operations, `must name at least one of ${TOPIC_OPERATIONS.join(', ')}`);
    for (const o of operations) if (!(TOPIC_OPERATIONS as readonly string[]).includes(o)) fail('KafkaClientUser.operations', o, `must be one of ${TOPIC_OPERATIONS.join(', ')}`);
    const ops = this.topicOps.get(topic) ?? new Set<TopicOperation>();
    operations.forEach((o) => ops.add(o));
    this.topicOps.set(topic, ops);
    return this;
  }

  /** Lets the user join every consumer group whose id starts with `prefix` (groups named after ids it cannot know, e.g. subscription UIDs). */
  allowGroupPrefix(prefix: string): this {
    if (!/^[a-zA-Z0-9._-]+$/.test(prefix)) fail('KafkaClientUser.groupPrefix', prefix, 'must be letters, digits, ".", "_" or "-"');
    this.groupPrefixes.add(prefix);
    return this;
  }

  /**
   * Makes the credentials, the cluster CA and the connection settings available in
   * `namespace` (once per namespace).
   */
  shareWith(namespace: string): this {
    checked('namespace', namespace);
    if (this.namespaces.has(namespace)) return this;
    this.namespaces.add(namespace);
    this.cluster.shareCaWith(namespace);
    const scram = this.authentication === 'scram-sha-512';
    new k8s.KubeSecret(Chart.of(this), `${this.node.path.replace(/\//g, '-')}-connection-${namespace}`, {
      metadata: { name: this.connectionSecretName, namespace, labels: { [LABELS.component]: 'kafka-client' } },
      type: 'Opaque',
      // Not secret: the principal name and where to connect. KafkaSource reads these only from Secrets.
      stringData: {
        [CONNECTION_KEYS.user]: this.name,
        [CONNECTION_KEYS.securityProtocol]: scram ? 'SASL_SSL' : 'SSL',
        ...(scram && { [CONNECTION_KEYS.saslMechanism]: 'SCRAM-SHA-512' }),
        [CONNECTION_KEYS.bootstrapServers]: this.cluster.bootstrapServers(this.authentication),
      },
    });
    return this;
  }

  /** Name of the connection Secret in each shared namespace. */
  get connectionSecretName(): string {
    return `${this.name}-connection`;
  }

  /** Namespaces the credentials are mirrored into, sorted. */
  get sharedWith(): string[] {
    return [...this.namespaces].sort();
  }

  /** The ACLs, one per resource, in a stable order. */
  acls(): KafkaUserSpecAuthorizationAcls[] {
    const out: KafkaUserSpecAuthorizationAcls[] = [];
    const topics = [...new Set([...this.reads, ...this.writes, ...this.topicOps.keys()])].sort();
    for (const t of topics) {
      const extra = this.topicOps.get(t) ?? new Set<TopicOperation>();
      const has = (o: TopicOperation, set: ReadonlySet<string>) => set.has(t) || extra.has(o);
      const ops = TOPIC_OPERATIONS.filter((o) => (o === 'Read' ? has(o, this.reads) : o === 'Write' ? has(o, this.writes) : extra.has(o))).map((o) => OP_OF[o]);
      out.push(acl(KafkaUserSpecAuthorizationAclsResourceType.TOPIC, t, ops));
    }
    for (const g of [...this.groups].sort()) out.push(acl(KafkaUserSpecAuthorizationAclsResourceType.GROUP, g, [Op.READ]));
    for (const g of [...this.groupPrefixes].sort()) out.push(acl(KafkaUserSpecAuthorizationAclsResourceType.GROUP, g, [Op.READ], KafkaUserSpecAuthorizationAclsResourcePatternType.PREFIX));
    return out;
  }
}

/** Topic operations a client may be granted, in the order ACLs list them. */
export const TOPIC_OPERATIONS = ['Read', 'Write', 'Create', 'Delete', 'Describe'] as const;
export type TopicOperation = (typeof TOPIC_OPERATIONS)[number];
const OP_OF: Record<TopicOperation, Op> = { Read: Op.READ, Write: Op.WRITE, Create: Op.CREATE, Delete: Op.DELETE, Describe: Op.DESCRIBE };
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

function acl(
  type: KafkaUserSpecAuthorizationAclsResourceType,
  name: string,
  operations: Op[],
  patternType = KafkaUserSpecAuthorizationAclsResourcePatternType.LITERAL,
): KafkaUserSpecAuthorizationAcls {
  return {
    type: KafkaUserSpecAuthorizationAclsType.ALLOW,
    resource: { type, name, patternType },
    operations,
  };
}

function checked(what: string, v: string): string {
  if (!DNS_1123_LABEL.test(v)) fail(`KafkaClientUser.${what}`, v, `must be a ${what} name (lowercase letters, digits and "-")`);
  return v;
}
