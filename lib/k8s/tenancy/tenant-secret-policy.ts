import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { DNS_SUBDOMAIN } from '../../core/naming';
import { LABELS } from '../common/labels';

export interface TenantSecretPolicyProps {
  /** The tenant's namespace. */
  readonly namespace: string;
  /** Secrets the tenant's workloads may reference, by name (more with `grant`). @default none */
  readonly granted?: readonly string[];
}

/** The tenant-writable kinds that can make a pod or a dispatcher read a Secret, with where. */
const SERVING = { apiGroups: ['serving.knative.dev'], apiVersions: ['v1'], resources: ['services', 'configurations'], operations: ['CREATE', 'UPDATE'] };
const KAFKA_SOURCES = { apiGroups: ['sources.knative.dev'], apiVersions: ['v1', 'v1beta1'], resources: ['kafkasources'], operations: ['CREATE', 'UPDATE'] };

/** Name of a tenant's ValidatingAdmissionPolicy and its binding (cluster-scoped, so the namespace is in it). */
export const tenantSecretPolicyName = (namespace: string): string => `tenant-${namespace}-secret-references`;

// CEL, guarded with has(): every field below is optional in the objects' schemas. The policy
// matches kinds of different schemas (and Knative's init containers are schemaless), so the
// expressions read the spec as `dyn`: type-checked against each kind, a field of another kind
// would be a compile warning.
const PODSPEC = 'variables.spec.template.spec';
// Containers and init containers are typed differently in Knative's schema (init containers are open), so each is checked on its own.
const containersOk = (field: string) => `!has(${PODSPEC}.${field}) || ${PODSPEC}.${field}.all(${envOk})`;
const envOk = `c, (!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || e.valueFrom.secretKeyRef.name in variables.granted)) && (!has(c.envFrom) || c.envFrom.all(e, !has(e.secretRef) || e.secretRef.name in variables.granted))`;
const volumeOk = `v, (!has(v.secret) || !has(v.secret.secretName) || v.secret.secretName in variables.granted) && (!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || !has(s.secret.name) || s.secret.name in variables.granted))`;
const KAFKA_REFS = ['sasl.user', 'sasl.password', 'sasl.type', 'tls.caCert', 'tls.cert', 'tls.key'];
const kafkaRefOk = (path: string) => {
  const [block, field] = path.split('.');
  const at = `variables.spec.net.${block}.${field}`;
  return `(!has(variables.spec.net.${block}) || !has(${at}) || !has(${at}.secretKeyRef) || ${at}.secretKeyRef.name in variables.granted)`;
};

/**
 * Keeps "Secrets only by name" true for what a tenant runs, not only for what it reads: the
 * tenant's roles may create Knative Services and KafkaSources, and a pod (or a source's
 * dispatcher) can otherwise read any Secret of its namespace. A ValidatingAdmissionPolicy
 * (built into the API server, CEL) bound to the tenant's namespace refuses those objects when
 * they reference a Secret — container env and envFrom, secret and projected volumes, image
 * pull secrets, the KafkaSource's SASL/TLS references — that is not in the granted list. The
 * list is the toolkit's own: the Secrets the spec gives the tenant's functions and the Kafka
 * credentials the platform creates for them. Cluster-scoped, so tenants cannot edit it.
 */
export class TenantSecretPolicy extends Construct {
  readonly namespace: string;
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: TenantSecretPolicyProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.grant(...(props.granted ?? []));
    const name = tenantSecretPolicyName(props.namespace);
    const labels = { [LABELS.tenant]: props.namespace };
    const granted = Lazy.any({ produce: () => JSON.stringify(this.granted) });
    const listed = Lazy.any({ produce: () => (this.granted.length > 0 ? this.granted.join(', ') : 'none') });
    // A CEL string literal: the namespace and Secret names are DNS names, so no quote can occur.
    const refused = (what: string) =>
      Lazy.any({
        produce: () => `'${what} references a Secret not granted to tenant ${props.namespace} (granted: ${listed.produce()}); Secrets reach functions through the platform spec (functions[].secrets)'`,
      });
    const serving = (expr: string) => `!(request.resource.group == 'serving.knative.dev') || !has(variables.spec.template) || !has(${PODSPEC}) || ${expr}`;
    new ApiObject(this, 'policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [SERVING, KAFKA_SOURCES] },
        variables: [
          { name: 'granted', expression: granted },
          { name: 'spec', expression: 'has(object.spec) ? dyn(object.spec) : dyn({})' },
        ],
        validations: [
          { expression: serving(`(${containersOk('containers')}) && (${containersOk('initContainers')})`), message: refused('a container env or envFrom') },
          { expression: serving(`!has(${PODSPEC}.volumes) || ${PODSPEC}.volumes.all(${volumeOk})`), message: refused('a secret or projected volume') },
          {
            expression: serving(`!has(${PODSPEC}.imagePullSecrets) || ${PODSPEC}.imagePullSecrets.all(p, !has(p.name) || p.name in variables.granted)`),
            message: refused('imagePullSecrets'),
          },
          {
            expression: `!(request.resource.resource == 'kafkasources') || !has(variables.spec.net) || (${KAFKA_REFS.map(kafkaRefOk).join(' && ')})`,
            message: refused('spec.net (SASL/TLS) of the KafkaSource'),
          },
        ],
      },
    });
    new ApiObject(this, 'binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
      },
    });
  }

  /** Lets the tenant's workloads reference these Secrets (by name, in the tenant's namespace). */
  grant(...secrets: readonly string[]): this {
    for (const s of secrets) {
      if (typeof s !== 'string' || s.length > 253 || !DNS_SUBDOMAIN.test(s)) fail(`TenantSecretPolicy(${this.namespace}).granted`, s, 'must be a Secret name (a DNS-1123 subdomain)');
      this.names.add(s);
    }
    return this;
  }

  /** The granted Secrets, sorted. */
  get granted(): readonly string[] {
    return [...this.names].sort();
  }
}
