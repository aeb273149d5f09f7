import { cronProblem } from '../core/cron';
import { z } from 'zod';
import { isQuantity } from '../core/quantity';
import { GO_DURATION } from '../core/duration';
import { DNS_1035_LABEL, DNS_SUBDOMAIN } from '../core/naming';
import { arnProblem, type ArnKind } from '../core/arn';

/** RFC 1123 label: what Kubernetes accepts as a namespace or Service name. */
export const dnsLabel = (max = 63) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(DNS_1035_LABEL, {
      message: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting with a letter, ending alphanumeric',
    });

/** RFC 1123 subdomain (hosts, secret names). */
export const dnsSubdomain = z.string().max(253, { message: 'must be at most 253 characters' }).regex(DNS_SUBDOMAIN, {
  message: 'must be a DNS-1123 subdomain: lowercase alphanumerics, "-" and "."',
});

export const quantity = z.union([z.string(), z.number().nonnegative()]).refine((q) => isQuantity(q), { message: 'must be a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi"' });

export const resourceList = z.strictObject({
  /** CPU, e.g. "250m" or "0.5". */
  cpu: quantity.optional(),
  /** Memory, e.g. "128Mi" or "1Gi". */
  memory: quantity.optional(),
});

/** Container resources; requests default from the environment profile. */
export const resources = z.strictObject({
  /** What the scheduler reserves for each replica. */
  requests: resourceList.optional(),
  /** The most each replica may use. */
  limits: resourceList.optional(),
});

/**
 * An ARN of one kind of resource, parsed in full (lib/core/arn): it becomes an IAM grant, so
 * wildcards and other services' or resource types' ARNs are refused with the part that is wrong.
 */
export const arnOf = (kind: ArnKind) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const problem = arnProblem(v, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ pattern: `^arn:aws[a-z-]*:${kind.service}:[a-z0-9-]+:[0-9]{12}:${kind.resourceType}${kind.separator}[^*?]+$` });

/**
 * A literal part of an S3 key (a prefix or suffix): S3 filters match "*" and "?" literally,
 * but IAM grants built from the same text would read them as wildcards and widen.
 */
export const s3KeyPart = z
  .string()
  .regex(/^[^*?]*$/, { message: 'must be a literal key prefix/suffix without "*" or "?" (S3 matches them literally; in the IAM grant built from it they would be wildcards)' });

export const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a C identifier: letters, digits and "_", not starting with a digit' });

/** A reference to a secret held elsewhere: never the value itself. */
export const secretRef = z.strictObject({
  /** Secret name (a Kubernetes Secret, or the Secrets Manager/SSM name on AWS). */
  name: dnsSubdomain,
  /** Key inside the secret. */
  key: z.string().min(1),
});

/** Five-field cron, checked with cron-parser; the message says why it is not valid. */
export const cron = z.string().superRefine((expr, ctx) => {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({ code: 'custom', message: `must be a 5-field cron expression "min hour day month weekday" (has ${fields.length} fields)` });
    return;
  }
  const problem = cronProblem(expr);
  if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid cron expression: ${problem}` });
});

/** Go-style duration as Kubernetes controllers take it: `30s`, `5m`, `1h30m`. */
export const goDuration = z.string().regex(GO_DURATION, { message: 'must be a duration such as "30s", "5m" or "1h"' });

/**
 * The name of an environment of a spec (a key of `environments`, e.g. `prod` or
 * `edge-shanghai`): it names the output folder, resources and labels; its behaviour comes
 * from its profile (`ResolvedEnvironment.profileName`).
 */
export type EnvironmentName = string;
