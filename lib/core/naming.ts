/**
 * Deterministic names shared by the cluster and the cloud side, so each can reference the
 * other by name without waiting for Pulumi outputs.
 */
export const naming = {
  /** AWS Lambda function name: `<platform>-<env>-<function>` (≤ 64 chars by spec limits). */
  lambdaFunction: (platform: string, env: string, fn: string): string => `${platform}-${env}-${fn}`,
  /** ARN of a Lambda function from its deterministic name. */
  lambdaArn: (region: string, accountId: string, name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`,
  /** IAM role ARN from account and role name. */
  roleArn: (accountId: string, roleName: string): string => `arn:aws:iam::${accountId}:role/${roleName}`,
  /** IAM role assumed by Kong's service account (IRSA) to invoke the routed Lambda functions. */
  kongInvokeRole: (platform: string, env: string): string => `${platform}-${env}-kong-invoke`,
  /** ServiceAccount that functions of a tenant run as. */
  functionServiceAccount: 'functions',
  /** Prefix of every object the toolkit names per environment. */
  envPrefix: (platform: string, env: string): string => `${platform}-${env}`,
};

/**
 * The longest `<platform>-<env>` prefix every name derived from it fits with: Grafana
 * dashboard uids `<prefix>-<dashboard>` are cut at 40 characters and must stay distinct and
 * end alphanumeric (they name ConfigMaps), which holds for every prefix up to 32 (33 would
 * cut `-kafka-lag` after its "-"); the others are looser: the Kong invoke IAM role
 * `<prefix>-kong-invoke` (IAM: 64), the Flux Kustomizations / Argo CD Applications
 * `<prefix>-<layer>` (label values: 63), SNS topic and budget names. Lambda function, role and
 * queue names also hold the function's name: the spec rules check them per function.
 */
export const ENV_PREFIX_MAX = 32;

/**
 * The longest environment name the schema takes (a one-character platform name); the spec
 * rules check `<platform>-<env>` against ENV_PREFIX_MAX with the actual platform name.
 */
export const ENV_NAME_MAX = ENV_PREFIX_MAX - 2;

/** Token in S3 bucket names that stands for the environment name (`acme-{env}-uploads`). */
export const ENV_TOKEN = '{env}';

/**
 * The bucket an environment uses: S3 bucket names are global and a bucket keeps one
 * notification configuration, so each environment needs its own bucket; `{env}` gives it one.
 */
export const resolveBucket = (name: string, env: string): string => name.replace(ENV_TOKEN, env);

/** A route's host in an environment: a single label is relative to the environment's domain. */
export function resolveHost(host: string, domain: string): string {
  return host.includes('.') ? host : `${host}.${domain}`;
}

/** One DNS label's characters: lowercase alphanumerics and "-", alphanumeric at both ends. */
const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** A DNS-1123 label (RFC 1123): Namespace, Secret and most other names that are one label. */
export const DNS_1123_LABEL = new RegExp(`^${LABEL}$`);
/**
 * A DNS-1035 label (RFC 1035): a DNS-1123 label that starts with a letter. Service names, and
 * so the names of everything Kubernetes turns into a Service (Knative Services, Brokers, …).
 */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: DNS-1123 labels joined by "." (most object names, host names). */
export const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
/** A fully qualified domain name: a DNS-1123 subdomain of at least two labels. */
export const DNS_DOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})+$`);
/** Unanchored: a Kubernetes label value (≤ 63 characters, checked apart). */
export const LABEL_VALUE_PATTERN = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
/** Unanchored: a qualified name (a label or annotation key), `prefix/name` with a DNS-1123 subdomain prefix. */
export const QUALIFIED_NAME_PATTERN = `(${LABEL}(\\.${LABEL})*\\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
/** A Kubernetes label value (its length is checked apart). */
export const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_PATTERN}$`);
/** A qualified name (its lengths are checked apart). */
export const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_PATTERN}$`);
/** A host a TLS certificate covers: `*`, or a DNS-1123 subdomain whose first label may be `*`. */
export const TLS_HOST = new RegExp(`^(\\*|(\\*\\.)?${LABEL}(\\.${LABEL})*)$`);

/**
 * Kubernetes name limits. DNS labels (RFC 1123/1035): Service and Namespace names, label
 * values and every label of a host name; DNS subdomains: most other object names and hosts.
 */
export const DNS_LABEL_MAX = 63;
export const DNS_SUBDOMAIN_MAX = 253;

/**
 * What is wrong with an object name the toolkit derives from a user's name (`derived` is
 * built from `name` by adding a fixed part), or undefined when it fits in `max`: names the
 * derived object, its length, the limit, and the longest user name that fits.
 */
export function derivedNameProblem(name: string, derived: string, what: string, limit: string, max = DNS_LABEL_MAX): string | undefined {
  if (derived.length <= max) return undefined;
  const fixed = derived.length - name.length;
  return `${what} "${derived}" would be ${derived.length} characters; ${limit} are at most ${max}: use a name of at most ${max - fixed} characters`;
}

/** What a resolved host name breaks (over 253 characters, or a label over 63), or undefined. */
export function hostProblem(host: string): string | undefined {
  if (host.length > DNS_SUBDOMAIN_MAX) return `is ${host.length} characters; host names are at most ${DNS_SUBDOMAIN_MAX}`;
  const label = host.split('.').find((l) => l.length > DNS_LABEL_MAX);
  if (label) return `has a label of ${label.length} characters ("${label.length > 24 ? `${label.slice(0, 21)}...` : label}"); each label of a host name is at most ${DNS_LABEL_MAX} (DNS)`;
  return undefined;
}

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
export const isLabelValue = (v: string): boolean => v.length <= DNS_LABEL_MAX && LABEL_VALUE.test(v);

/**
 * What is wrong with a qualified name (a label or annotation key: `prefix/name`, prefix a DNS
 * subdomain ≤ 253, name ≤ 63 alphanumerics and `-_.`, alphanumeric at both ends), or undefined.
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > DNS_SUBDOMAIN_MAX || !DNS_SUBDOMAIN.test(prefix))) {
    return `prefix "${prefix}" must be a DNS subdomain of at most ${DNS_SUBDOMAIN_MAX} characters (lowercase alphanumerics, "-" and ".")`;
  }
  if (name.length === 0 || name.length > DNS_LABEL_MAX || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return `name part "${name}" must be 1–${DNS_LABEL_MAX} characters of letters, digits, "-", "_" and ".", beginning and ending alphanumeric`;
  }
  return undefined;
}

/**
 * A construct id for a user-chosen name. The constructs library keeps a scope's children in a
 * plain object and treats an inherited key as taken, so a tenant or function named
 * `constructor` (a valid DNS label) would collide with `Object.prototype`; such names get a
 * trailing `-`, which no DNS name has, so no other name can take the same id.
 * @internal
 */
export function constructId(name: string): string {
  return name in Object.prototype ? `${name}-` : name;
}
