/**
 * ARNs from the spec become IAM grants: each rule of lib/core/arn refuses an ARN that would
 * name more than one resource, or the wrong kind, at parse time with the field's path.
 */
import { arnProblem, formatArn, MSK_CLUSTER_ARN, parseArn, SECRETS_MANAGER_SECRET_ARN } from '../../lib/core/arn';
import { parseErrorMessage } from '../support/errors';
import { parseSpec } from '../../lib/spec/parse';

const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/events/0a1b2c3d-1111-2222-3333-444455556666-7';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka/scram-AbC123';

describe('parseArn / formatArn', () => {
  test('splits partition, service, region, account, resource type and id; formats back', () => {
    expect(parseArn(CLUSTER)).toEqual({
      partition: 'aws',
      service: 'kafka',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'cluster/events/0a1b2c3d-1111-2222-3333-444455556666-7',
      resourceType: 'cluster',
      resourceId: 'events/0a1b2c3d-1111-2222-3333-444455556666-7',
    });
    expect(parseArn(SECRET)).toMatchObject({ resourceType: 'secret', resourceId: 'kafka/scram-AbC123' });
    expect(formatArn(parseArn(CLUSTER)!)).toBe(CLUSTER);
    expect(parseArn('arn:aws:kafka:eu-west-1')).toBeUndefined();
    expect(parseArn('urn:aws:kafka:eu-west-1:123456789012:cluster/x')).toBeUndefined();
  });
});

describe('one rule each: what makes an ARN name more than one resource, or the wrong one', () => {
  test.each([
    ['a specific cluster', CLUSTER, undefined],
    ['a GovCloud cluster', CLUSTER.replace('arn:aws:', 'arn:aws-us-gov:').replace('eu-west-1', 'us-gov-west-1'), undefined],
    ['not an ARN', 'events', 'does not have the form arn:<partition>:<service>:<region>:<account>:<resource>'],
    ['wildcard region and account', 'arn:aws:kafka:*:*:cluster/*', 'wildcards ("*", "?") are not allowed'],
    ['wildcard cluster name', 'arn:aws:kafka:eu-west-1:123456789012:cluster/*', 'wildcards ("*", "?") are not allowed'],
    ['"?" wildcard', CLUSTER.replace('events', 'event?'), 'wildcards ("*", "?") are not allowed'],
    ['unknown partition', CLUSTER.replace('arn:aws:', 'arn:awz:'), '"awz" is not an AWS partition'],
    ['another service', CLUSTER.replace(':kafka:', ':sqs:'), 'service "sqs" is not "kafka"'],
    ['empty region', CLUSTER.replace('eu-west-1', ''), '"" is not an AWS region'],
    ['no account', CLUSTER.replace('123456789012', ''), '"" is not a 12-digit account id'],
    ['an alias for an account', CLUSTER.replace('123456789012', 'acme'), '"acme" is not a 12-digit account id'],
    ['a topic instead of the cluster', CLUSTER.replace(':cluster/', ':topic/'), 'resource type "topic" is not "cluster"'],
    ['a cluster without its uuid', 'arn:aws:kafka:eu-west-1:123456789012:cluster/events', '"events" is not "<cluster name>/<cluster uuid>"'],
  ])('MSK cluster: %s', (_what, value, problem) => {
    const got = arnProblem(value, MSK_CLUSTER_ARN);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });

  test.each([
    ['a full secret ARN', SECRET, undefined],
    ['a partial ARN (no random suffix)', SECRET.replace('-AbC123', ''), 'is not "<secret name>-<6 characters>"'],
    ['a wildcard suffix', SECRET.replace('AbC123', '??????'), 'wildcards'],
    ['a parameter instead of a secret', 'arn:aws:ssm:eu-west-1:123456789012:parameter/kafka', 'service "ssm" is not "secretsmanager"'],
  ])('Secrets Manager secret: %s', (_what, value, problem) => {
    const got = arnProblem(value, SECRETS_MANAGER_SECRET_ARN);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('at parse time, with the spec path', () => {
  const spec = (kafka: unknown, lambda: Record<string, unknown> = {}) => ({
    name: 'acme',
    aws: { region: 'eu-west-1', accountId: '123456789012' },
    environments: { dev: { domain: 'dev.acme.example' } },
    tenants: [{ name: 'media' }],
    kafka,
    functions: [
      {
        name: 'reader',
        tenant: 'media',
        target: 'lambda',
        code: { path: 'test/aws/fixtures/echo', handler: 'index.handler', runtime: 'nodejs22.x' },
        triggers: [{ type: 'kafka', topic: 'orders' }],
        ...lambda,
      },
    ],
  });

  test('kafka.msk.clusterArn with wildcards (grants on every cluster of every account) is refused', () => {
    expect(parseErrorMessage(spec({ topics: [], msk: { clusterArn: 'arn:aws:kafka:*:*:cluster/*' } }))).toContain(
      'kafka.msk.clusterArn: must be the ARN of an MSK cluster, "arn:<partition>:kafka:<region>:<account>:cluster/…", e.g. "arn:aws:kafka:eu-west-1:123456789012:cluster/events/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2": wildcards ("*", "?") are not allowed, the ARN names one resource and becomes an IAM grant (got "arn:aws:kafka:*:*:cluster/*")',
    );
    expect(() => parseSpec(spec({ topics: [], msk: { clusterArn: CLUSTER } }))).not.toThrow();
  });

  test('lambda.selfManagedKafka secret ARNs: the path of the field that is wrong', () => {
    const selfManagedKafka = { bootstrapServers: ['kafka.acme.example:9094'], subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0def5678'], saslScram512SecretArn: SECRET };
    expect(() => parseSpec(spec(undefined, { lambda: { selfManagedKafka } }))).not.toThrow();
    expect(parseErrorMessage(spec(undefined, { lambda: { selfManagedKafka: { ...selfManagedKafka, rootCaSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:*' } } }))).toContain(
      'functions[0].lambda.selfManagedKafka.rootCaSecretArn: must be the ARN of a Secrets Manager secret',
    );
  });
});
