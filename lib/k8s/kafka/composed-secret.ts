import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { fail } from '../../core/errors';
import { DNS_1123_LABEL } from '../../core/naming';
import { LABELS, MANAGED_BY } from '../common/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';

/** A key of a Secret in the composing job's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface ComposedSecretProps {
  /** Namespace the job runs in, where the source Secrets are (Reflector mirrors). */
  readonly namespace: string;
  /** Namespace of the Secret to write. @default `namespace` */
  readonly targetNamespace?: string;
  /** Name of the Secret to write. */
  readonly name: string;
  /** Name of the job's objects (CronJob, ServiceAccount, ConfigMap in `namespace`; Role and binding in `targetNamespace`). @default `<name>-copy` */
  readonly jobName?: string;
  /** Each key of the Secret to write → the Secret key it is copied from. */
  readonly keys: Readonly<Record<string, SecretKeyRef>>;
  /** Value of the `app.kubernetes.io/component` label of every object. */
  readonly component: string;
  /**
   * How often the copy is refreshed: Strimzi renews user certificates and the cluster CA
   * ahead of expiry (30 days by default), Reflector mirrors them at once. @default every 10 minutes
   */
  readonly schedule?: string;
  /** Image with `kubectl` (and its built-in kustomize) as entrypoint. @default 'registry.k8s.io/kubectl:v1.31.0' */
  readonly image?: string;
  /** Name of the caller for messages. @default `ComposedSecret(<name>)` */
  readonly where?: string;
}

const q = (v: string) => k8s.Quantity.fromString(v);
/** Requests of the copy job's one container (while it runs, every period). */
export const COPY_JOB_REQUESTS = { cpu: '10m', memory: '32Mi' } as const;
const KEY = /^[-._a-zA-Z0-9]+$/;
/** Field manager of the copy: not `kubectl`, which Flux's kustomize-controller takes over (and would then prune). */
export const FIELD_MANAGER = 'hybrid-serverless-kafka-credentials';

/**
 * A Secret whose keys are copied from other Secrets (those Strimzi writes, mirrored into the
 * job's namespace by Reflector) under the names its reader expects, without the toolkit ever
 * seeing a credential:
 *
 * - a projected volume maps each source key to a file named after the target key (the kubelet
 *   does the renaming) next to a `kustomization.yaml` whose `secretGenerator` builds the target
 *   Secret from those files;
 * - a CronJob runs `kubectl apply --server-side -k` on it, so certificate renewals and password
 *   changes reach the reader within one period;
 * - the target Secret is created empty by the toolkit, so the job needs only `get`/`patch`
 *   on that one name (RBAC cannot limit `create` by name, and creating arbitrary Secrets would
 *   let it mint service-account tokens).
 */
export class ComposedSecret extends Construct {
  /** Name of the Secret written. */
  readonly secretName: string;
  readonly targetNamespace: string;
  readonly cronJob: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: ComposedSecretProps) {
    const where = props.where ?? `ComposedSecret(${props.name})`;
    const target = props.targetNamespace ?? props.namespace;
    for (const [field, ns] of Object.entries({ namespace: props.namespace, targetNamespace: target })) {
      if (!DNS_1123_LABEL.test(ns)) fail(`${where}.${field}`, ns, 'must be a namespace name');
    }
    // The CronJob is named "<name>-copy" and its Jobs get an 11-character suffix: 52 is the CronJob limit.
    if (props.jobName === undefined && (!DNS_1123_LABEL.test(props.name) || props.name.length > 47)) fail(`${where}.name`, props.name, 'must be a DNS label of at most 47 characters');
    if (!DNS_1123_LABEL.test(props.name)) fail(`${where}.name`, props.name, 'must be a DNS label');
    if (props.jobName !== undefined && (!DNS_1123_LABEL.test(props.jobName) || props.jobName.length > 52))
      fail(`${where}.jobName`, props.jobName, 'must be a DNS label of at most 52 characters (the CronJob limit)');
    const entries = Object.entries(props.keys);
    if (entries.length === 0) fail(`${where}.keys`, props.keys, 'must name at least one key');
    for (const [key, ref] of entries) {
      if (!KEY.test(key)) fail(`${where}.keys`, key, 'must be a Secret key (letters, digits, "-", "_", ".")');
      if (!DNS_1123_LABEL.test(ref.name)) fail(`${where}.${key}.name`, ref.name, 'must be a Secret name');
      if (!KEY.test(ref.key)) fail(`${where}.${key}.key`, ref.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
    }
    const schedule = props.schedule ?? '*/10 * * * *';
    if (schedule.trim().split(/\s+/).length !== 5) fail(`${where}.schedule`, schedule, 'must be a five-field cron expression');
    super(scope, id);
    this.secretName = props.name;
    this.targetNamespace = target;
    const ns = props.namespace;
    const name = props.jobName ?? `${props.name}-copy`;
    const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: props.component };

    // Empty on purpose: the job fills `data`; GitOps and Pulumi own only the metadata.
    new k8s.KubeSecret(this, 'Secret', { metadata: { name: props.name, namespace: target, labels }, type: 'Opaque' });

    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: target,
      generatorOptions: { disableNameSuffixHash: true, labels },
      secretGenerator: [{ name: props.name, type: 'Opaque', files: entries.map(([key]) => key) }],
    };
    new k8s.KubeConfigMap(this, 'Kustomization', { metadata: { name, namespace: ns, labels }, data: { 'kustomization.yaml': stringify(kustomization) } });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace: ns, labels }, automountServiceAccountToken: true });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: target, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [props.name], verbs: ['get', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: target, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });

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
                    resources: { requests: { cpu: q(COPY_JOB_REQUESTS.cpu), memory: q(COPY_JOB_REQUESTS.memory) }, limits: { cpu: q('200m'), memory: q('128Mi') } },
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
                        ...entries.map(([key, ref]) => ({ secret: { name: ref.name, items: [{ key: ref.key, path: key }] } })),
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
