import type { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { DNS_1123_LABEL } from '../../core/naming';
import { ComposedSecret, type SecretKeyRef } from '../kafka/composed-secret';

/**
 * Keys the kafka-connector chart 0.7.15 reads from the Secrets named by its `caSecret`,
 * `certSecret` and `keySecret` values (its values.yaml: `--from-file broker-ca=…`,
 * `broker-cert=…`, `broker-key=…`; the connector opens `/var/secrets/broker-ca/broker-ca`
 * and so on). Strimzi writes `ca.crt`, `user.crt` and `user.key` instead.
 */
export const KAFKA_CONNECTOR_SECRET_KEYS = { ca: 'broker-ca', certificate: 'broker-cert', key: 'broker-key' } as const;

export { FIELD_MANAGER, type SecretKeyRef } from '../kafka/composed-secret';

export interface KafkaConnectorCredentialsProps {
  /** Namespace of the connector, where the source Secrets are (Reflector mirrors) and the result is written. */
  readonly namespace: string;
  /** Name of the Secret to write, with keys `broker-ca`, `broker-cert` and `broker-key`. */
  readonly name: string;
  /** The cluster CA certificate (Strimzi `<cluster>-cluster-ca-cert`, key `ca.crt`). */
  readonly ca: SecretKeyRef;
  /** The client certificate (Strimzi TLS `KafkaUser` Secret, key `user.crt`). */
  readonly certificate: SecretKeyRef;
  /** The client private key (same Secret, key `user.key`). */
  readonly key: SecretKeyRef;
  /**
   * How often the copy is refreshed: Strimzi renews user certificates and the cluster CA
   * ahead of expiry (30 days by default), Reflector mirrors them at once. @default every 10 minutes
   */
  readonly schedule?: string;
  /** Image with `kubectl` (and its built-in kustomize) as entrypoint. @default 'registry.k8s.io/kubectl:v1.31.0' */
  readonly image?: string;
}

/**
 * Gives the OpenFaaS kafka-connector the broker credentials under the key names its chart
 * reads, from the Secrets Strimzi writes (mirrored into the connector's namespace by
 * Reflector), without the toolkit ever seeing a credential:
 *
 * - a projected volume maps `ca.crt` / `user.crt` / `user.key` to `broker-ca` / `broker-cert`
 *   / `broker-key` (the kubelet does the renaming) next to a `kustomization.yaml` whose
 *   `secretGenerator` builds the target Secret from those files;
 * - a CronJob runs `kubectl apply --server-side -k` on it, so certificate renewals reach the
 *   connector within one period;
 * - the target Secret is created empty by the toolkit, so the job needs only `get`/`patch`
 *   on that one name (RBAC cannot limit `create` by name, and creating arbitrary Secrets in
 *   the OpenFaaS namespace would let it mint service-account tokens).
 */
export class KafkaConnectorCredentials extends Construct {
  /** Name of the Secret the connector reads (all three keys). */
  readonly secretName: string;
  readonly cronJob: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: KafkaConnectorCredentialsProps) {
    const where = `KafkaConnectorCredentials(${props.name})`;
    for (const [field, ref] of Object.entries({ ca: props.ca, certificate: props.certificate, key: props.key })) {
      if (!DNS_1123_LABEL.test(ref.name)) fail(`${where}.${field}.name`, ref.name, 'must be a Secret name');
      if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) fail(`${where}.${field}.key`, ref.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
    }
    super(scope, id);
    const composed = new ComposedSecret(this, 'Composed', {
      where,
      namespace: props.namespace,
      name: props.name,
      component: 'kafka-connector-credentials',
      keys: { [KAFKA_CONNECTOR_SECRET_KEYS.ca]: props.ca, [KAFKA_CONNECTOR_SECRET_KEYS.certificate]: props.certificate, [KAFKA_CONNECTOR_SECRET_KEYS.key]: props.key },
      schedule: props.schedule,
      image: props.image,
    });
    this.secretName = composed.secretName;
    this.cronJob = composed.cronJob;
  }
}
