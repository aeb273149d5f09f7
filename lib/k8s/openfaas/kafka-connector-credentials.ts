import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { fail } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { DNS_1123_LABEL } from '../../core/naming';

/**
 * Keys the kafka-connector chart 0.7.15 reads from the Secrets named by its `caSecret`,
 * `certSecret` and `keySecret` values (its values.yaml: `--from-file broker-ca=…`,
 * `broker-cert=…`, `broker-key=…`; the connector opens `/var/secrets/broker-ca/broker-ca`
 * and so on). Strimzi writes `ca.crt`, `user.crt` and `user.key` instead.
 */
export const KAFKA_CONNECTOR_SECRET_KEYS = { ca: 'broker-ca', certificate: 'broker-cert', key: 'broker-key' } as const;

/** A key of a Secret in the connector's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

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

const q = (v: string) => k8s.Quantity.fromString(v);
const KEY = /^[-._a-zA-Z0-9]+$/;
/** Field manager of the copy: not `kubectl`, which Flux's kustomize-controller takes over (and would then prune). */
export const FIELD_MANAGER = 'hybrid-serverless-kafka-credentials';

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
    if (!DNS_1123_LABEL.test(props.namespace)) fail(`${where}.namespace`, props.namespace, 'must be a namespace name');
    // The CronJob is named "<name>-copy" and its Jobs get an 11-character suffix: 52 is the CronJob limit.
    if (!DNS_1123_LABEL.test(props.name) || props.name.length > 47) fail(`${where}.name`, props.name, 'must be a DNS label of at most 47 characters');
    for (const [field, ref] of Object.entries({ ca: props.ca, certificate: props.certificate, key: props.key })) {
      if (!DNS_1123_LABEL.test(ref.name)) fail(`${where}.${field}.name`, ref.name, 'must be a Secret name');
      if (!KEY.test(ref.key)) fail(`${where}.${field}.key`, ref.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
    }
    const schedule = props.schedule ?? '*/10 * * * *';
    if (schedule.trim().split(/\s+/).length !== 5) fail(`${where}.schedule`, schedule, 'must be a five-field cron expression');
    super(scope, id);
    this.secretName = props.name;
    const ns = props.namespace;
    const name = `${props.name}-copy`;
    const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'kafka-connector-credentials' };

    // Empty on purpose: the job fills `data`; GitOps and Pulumi own only the metadata.
    new k8s.KubeSecret(this, 'Secret', { metadata: { name: props.name, namespace: ns, labels }, type: 'Opaque' });

    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: ns,
      generatorOptions: { disableNameSuffixHash: true, labels },
      secretGenerator: [{ name: props.name, type: 'Opaque', files: Object.values(KAFKA_CONNECTOR_SECRET_KEYS) }],
    };
    new k8s.KubeConfigMap(this, 'Kustomization', { metadata: { name, namespace: ns, labels }, data: { 'kustomization.yaml': stringify(kustomization) } });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace: ns, labels }, automountServiceAccountToken: true });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: ns, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [props.name], verbs: ['get', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });

    const source = (ref: SecretKeyRef, path: string) => ({ secret: { name: ref.name, items: [{ key: ref.key, path }] } });
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name, namespace: ns, labels },
      spec: {
        schedule,
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            // A missing mirror keeps the pod waiting for its volume: give up and let the next run retry.
            backoffLimit: 3,
            activeDeadlineSeconds: 300,
            ttlSecondsAfterFinished: 3600,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: name,
                restartPolicy: 'Never',
                securityContext: { ...restrictedPodSecurityContext(), runAsUser: 65532, runAsGroup: 65532 },
                containers: [
                  {
                    name: 'apply',
                    image: props.image ?? 'registry.k8s.io/kubectl:v1.31.0',
                    args: ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-k', '/work'],
                    env: [{ name: 'HOME', value: '/tmp' }],
                    securityContext: restrictedContainerSecurityContext(),
                    resources: { requests: { cpu: q('10m'), memory: q('32Mi') }, limits: { cpu: q('200m'), memory: q('128Mi') } },
                    volumeMounts: [
                      { name: 'work', mountPath: '/work', readOnly: true },
                      { name: 'tmp', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  {
                    name: 'work',
                    projected: {
                      defaultMode: 0o400,
                      sources: [
                        { configMap: { name, items: [{ key: 'kustomization.yaml', path: 'kustomization.yaml' }] } },
                        source(props.ca, KAFKA_CONNECTOR_SECRET_KEYS.ca),
                        source(props.certificate, KAFKA_CONNECTOR_SECRET_KEYS.certificate),
                        source(props.key, KAFKA_CONNECTOR_SECRET_KEYS.key),
                      ],
                    },
                  },
                  { name: 'tmp', emptyDir: { sizeLimit: q('16Mi') } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
