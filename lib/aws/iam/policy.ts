import { fail } from '../../core/errors';

/** One IAM policy statement, as AWS stores it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: Record<string, string | string[]>;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/**
 * Actions AWS does not scope to a resource (EC2 `Describe*`): the only statements allowed
 * `"Resource": "*"`, each named here with why.
 */
export const UNSCOPABLE_ACTIONS: Readonly<Record<string, string>> = {
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe* actions support no resource-level permissions',
  'ec2:DescribeVpcs': 'EC2 Describe* actions support no resource-level permissions',
  'ec2:DescribeSubnets': 'EC2 Describe* actions support no resource-level permissions',
  'ec2:DescribeSecurityGroups': 'EC2 Describe* actions support no resource-level permissions',
};

/**
 * A policy document from statements, checked for least privilege: no Allow with a wildcard
 * action, and a `*` resource only for the unscopable actions above. Statements with the same Sid must not
 * repeat. The JSON is stable (statement order as given).
 */
export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  const sids = new Set<string>();
  for (const s of statements) {
    const actions = ([] as string[]).concat(s.Action);
    const resources = s.Resource === undefined ? [] : ([] as string[]).concat(s.Resource);
    // A Deny only narrows: "*" there widens nothing.
    if (s.Effect === 'Allow') {
      for (const a of actions) if (a.includes('*')) fail(`policy.${s.Sid ?? 'statement'}.Action`, a, 'wildcard actions are not allowed; name each action');
      if (resources.includes('*') && !actions.every((a) => a in UNSCOPABLE_ACTIONS)) {
        fail(`policy.${s.Sid ?? 'statement'}.Resource`, '*', `"*" is allowed only for actions that support no resource scoping (${Object.keys(UNSCOPABLE_ACTIONS).join(', ')})`);
      }
    }
    if (s.Sid) {
      if (sids.has(s.Sid)) fail(`policy.${s.Sid}`, s.Sid, 'duplicate statement id');
      sids.add(s.Sid);
    }
  }
  return { Version: '2012-10-17', Statement: statements.map((s) => ({ ...s })) };
}

/**
 * The trust policy letting an AWS service assume a role; with `source`, only on behalf of this
 * account and the given source resources (confused-deputy protection, for services that send
 * them: EventBridge Scheduler does, Lambda's own execution-role assumption does not).
 */
export function serviceTrustPolicy(service: string, source?: { accountId: string; arn?: string }): PolicyDocument {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(source && {
        Condition: {
          StringEquals: { 'aws:SourceAccount': source.accountId },
          ...(source.arn && { ArnLike: { 'aws:SourceArn': source.arn } }),
        },
      }),
    },
  ]);
}

/** Deterministic JSON of a policy document. */
export const policyJson = (doc: PolicyDocument): string => JSON.stringify(doc);
