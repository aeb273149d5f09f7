/**
 * Amazon Resource Names, parsed in full: an ARN the spec accepts ends up in IAM policies, so a
 * wildcard or the wrong kind of resource in it would widen a grant. `arnProblem` is the one
 * check behind every ARN-typed spec field; the components build further ARNs from a parsed one
 * (`formatArn`) rather than by slicing strings.
 */

/** The parts of `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (IAM, S3). */
  readonly region: string;
  /** Empty for S3 buckets. */
  readonly account: string;
  /** Everything after the fifth colon, e.g. `cluster/events/<uuid>` or `secret:db-AbCdEf`. */
  readonly resource: string;
  /** The resource type: the resource up to its first `/` or `:` (`cluster`, `secret`). */
  readonly resourceType: string;
  /** The resource after the type and its separator (`events/<uuid>`, `db-AbCdEf`). */
  readonly resourceId: string;
}

/** AWS partitions (commercial, China, GovCloud, the ISO regions). */
export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$/;
const ACCOUNT = /^[0-9]{12}$/;

/** The parts of an ARN, or undefined when it does not have the six colon-separated parts. */
export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  const sep = resource.search(/[/:]/);
  return {
    partition,
    service,
    region,
    account,
    resource,
    resourceType: sep < 0 ? '' : resource.slice(0, sep),
    resourceId: sep < 0 ? resource : resource.slice(sep + 1),
  };
}

/** The ARN string of its parts (the inverse of parseArn for the fields given). */
export function formatArn(a: Pick<Arn, 'partition' | 'service' | 'region' | 'account' | 'resource'>): string {
  return `arn:${a.partition}:${a.service}:${a.region}:${a.account}:${a.resource}`;
}

/** What one ARN-typed field accepts: one service and resource type, in a region and account. */
export interface ArnKind {
  /** What the field names, for messages ("an MSK cluster"). */
  readonly what: string;
  readonly service: string;
  readonly resourceType: string;
  /** What separates the type from the id: `cluster/…`, `secret:…`. */
  readonly separator: '/' | ':';
  /** The resource id after `<type>/` or `<type>:`: a specific resource, so no wildcards. */
  readonly resourceId: RegExp;
  /** What a valid resource id looks like, for messages. */
  readonly resourceIdText: string;
  /** A valid ARN of this kind, for messages. */
  readonly example: string;
}

/** An MSK cluster (provisioned or serverless): `cluster/<name>/<uuid>`. */
export const MSK_CLUSTER_ARN: ArnKind = {
  what: 'an MSK cluster',
  service: 'kafka',
  resourceType: 'cluster',
  separator: '/',
  // Cluster names: letters, digits, "-" (1–64), starting with a letter; then the cluster's UUID with its "-<n>" suffix.
  resourceId: /^[A-Za-z][A-Za-z0-9-]{0,63}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-[0-9]{1,3})?$/,
  resourceIdText: '"<cluster name>/<cluster uuid>"',
  example: 'arn:aws:kafka:eu-west-1:123456789012:cluster/events/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2',
};

/** A Secrets Manager secret, by its full ARN: `secret:<name>-<6 random characters>`. */
export const SECRETS_MANAGER_SECRET_ARN: ArnKind = {
  what: 'a Secrets Manager secret',
  service: 'secretsmanager',
  resourceType: 'secret',
  separator: ':',
  // Secret names allow letters, digits and /_+=.@-; Secrets Manager appends "-" and six characters.
  resourceId: /^[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/,
  resourceIdText: '"<secret name>-<6 characters>" (the full ARN, with the suffix Secrets Manager appends)',
  example: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka/scram-AbC123',
};

/**
 * Why `value` is not a specific resource of `kind`, or undefined: every part checked on its
 * own so the message says which one is wrong, and no wildcard anywhere (IAM would match
 * `*` and `?` in a Resource, turning one resource into many).
 */
export function arnProblem(value: string, kind: ArnKind): string | undefined {
  const valid = `must be the ARN of ${kind.what}, "arn:<partition>:${kind.service}:<region>:<account>:${kind.resourceType}${kind.separator}…", e.g. "${kind.example}"`;
  const a = parseArn(value);
  if (!a) return `${valid}: it does not have the form arn:<partition>:<service>:<region>:<account>:<resource>`;
  if (/[*?]/.test(value)) return `${valid}: wildcards ("*", "?") are not allowed, the ARN names one resource and becomes an IAM grant`;
  if (!(AWS_PARTITIONS as readonly string[]).includes(a.partition)) return `${valid}: "${a.partition}" is not an AWS partition (${AWS_PARTITIONS.join(', ')})`;
  if (a.service !== kind.service) return `${valid}: service "${a.service}" is not "${kind.service}"`;
  if (!REGION.test(a.region)) return `${valid}: "${a.region}" is not an AWS region such as "eu-west-1"`;
  if (!ACCOUNT.test(a.account)) return `${valid}: "${a.account}" is not a 12-digit account id`;
  if (a.resourceType !== kind.resourceType) return `${valid}: resource type "${a.resourceType || a.resource}" is not "${kind.resourceType}"`;
  if (!kind.resourceId.test(a.resourceId)) return `${valid}: "${a.resourceId}" is not ${kind.resourceIdText}`;
  return undefined;
}
