import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import * as sns from '@pulumi/aws/sns';
import * as sqs from '@pulumi/aws/sqs';
import type { Provider } from '@pulumi/aws/provider';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_BLOCKED_RUNTIMES, LAMBDA_EVENT_AGE_SECONDS, LAMBDA_MAX_ASYNC_RETRIES, LAMBDA_MAX_TIMEOUT_SECONDS, LAMBDA_MEMORY_MB, lambdaNames, logRetentionDays, type LambdaNames } from './limits';
import { arns, type Arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson, serviceTrustPolicy, type PolicyStatement } from '../iam/policy';
import { childOptions } from '../options';
import { environmentProvider } from '../provider';
import { writeBundle, type CodeBundle } from './code-bundle';
import type { IEventSource, ILambdaFunction, S3NotificationTarget } from './event-sources';

export type { S3NotificationTarget };

export { LAMBDA_BLOCKED_RUNTIMES };

/** SQS keeps a message at most 14 days: dead letters stay as long as possible. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/** The function's code: a deterministic zip (lib/aws/lambda/code-bundle) or an ECR image. */
export type LambdaCode =
  | { readonly bundle: CodeBundle; readonly runtime: string; readonly handler: string; /** Where the zip is written (`<root>/build/lambda/`). @default process.cwd() */ readonly root?: string }
  | { readonly imageUri: string };

/** Secrets Manager secrets the function reads at run time (it gets their names, never their values). */
export interface LambdaSecret {
  /** Variable names: the secret's name goes to `id`, the key inside it to `key`. */
  readonly variables: { readonly id: string; readonly key: string };
  readonly secret: string;
  readonly key: string;
}

/** The function's retries and dead letters on every asynchronous path. */
export interface LambdaDelivery {
  /** @default 2 (Lambda's maximum) */
  readonly retries?: number;
  /** @default 21600 (6 h, Lambda's maximum) */
  readonly maxEventAgeSeconds?: number;
  /** An SQS dead-letter queue for what still fails. @default true */
  readonly deadLetter?: boolean;
}

/**
 * A Lambda function in Lambda's terms (what the AWS CDK's `lambda.Function` takes); the
 * platform maps a spec's function to these (lib/platform/modules/lambda.ts).
 */
export interface LambdaFunctionArgs {
  /** Function name (roles, queues, log group and topics are named after it). */
  readonly functionName: string;
  /** Account, region, platform and environment. */
  readonly environment: AwsEnvironment;
  readonly code: LambdaCode;
  readonly memoryMb: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 'arm64' */
  readonly architecture?: 'arm64' | 'x86_64';
  /** Environment variables. @default none */
  readonly variables?: Readonly<Record<string, string>>;
  readonly secrets?: readonly LambdaSecret[];
  /** Objects the function writes: `s3:PutObject` on exactly `<bucket>/<prefix>*`. */
  readonly s3Write?: readonly { readonly bucket: string; readonly prefix: string }[];
  /** Reserved concurrency (caps the function). @default none */
  readonly reservedConcurrency?: number;
  /** Provisioned concurrency on the `live` alias. @default 0 */
  readonly provisionedConcurrency?: number;
  readonly delivery?: LambdaDelivery;
  /** Days to keep the function's logs (rounded up to a period CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** A function URL with IAM auth. @default false */
  readonly functionUrl?: boolean;
  /** What invokes the function (S3, SQS, Kafka, schedules); HTTP comes through Kong or the function URL. */
  readonly eventSources?: readonly IEventSource[];
  /** Tags of the function's taggable resources (the provider adds its default tags). @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Provider for the function's resources: pass the environment's (one provider process per
   * environment, not per function). @default a provider of its own for the environment
   */
  readonly provider?: Provider;
}

/** What Lambda would refuse in these args, as `field: problem` lines (empty when valid). */
export function lambdaFunctionProblems(args: Pick<LambdaFunctionArgs, 'code' | 'memoryMb' | 'timeoutSeconds' | 'delivery'>): string[] {
  const out: string[] = [];
  const timeout = args.timeoutSeconds ?? 30;
  if (timeout < 1 || timeout > LAMBDA_MAX_TIMEOUT_SECONDS) out.push(`timeoutSeconds: ${timeout}; Lambda functions time out after 1–${LAMBDA_MAX_TIMEOUT_SECONDS} seconds`);
  if (args.memoryMb < LAMBDA_MEMORY_MB.min || args.memoryMb > LAMBDA_MEMORY_MB.max) out.push(`memoryMb: ${args.memoryMb}; Lambda memory must be ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max} MB`);
  const retries = args.delivery?.retries ?? LAMBDA_MAX_ASYNC_RETRIES;
  if (retries < 0 || retries > LAMBDA_MAX_ASYNC_RETRIES) out.push(`delivery.retries: ${retries}; Lambda retries asynchronous invocations 0–${LAMBDA_MAX_ASYNC_RETRIES} times`);
  const age = args.delivery?.maxEventAgeSeconds ?? LAMBDA_EVENT_AGE_SECONDS.max;
  if (age < LAMBDA_EVENT_AGE_SECONDS.min || age > LAMBDA_EVENT_AGE_SECONDS.max)
    out.push(`delivery.maxEventAgeSeconds: ${age}; Lambda allows ${LAMBDA_EVENT_AGE_SECONDS.min}–${LAMBDA_EVENT_AGE_SECONDS.max}`);
  if ('runtime' in args.code && LAMBDA_BLOCKED_RUNTIMES[args.code.runtime]) out.push(`code.runtime: ${LAMBDA_BLOCKED_RUNTIMES[args.code.runtime]}`);
  if ('imageUri' in args.code && !/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(args.code.imageUri)) {
    out.push(`code.imageUri: ${args.code.imageUri}; Lambda runs container images from Amazon ECR only ("<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")`);
  }
  return out;
}

/**
 * A Lambda function: a deterministic code package (or an ECR image), an execution role whose
 * inline policy names exactly the resources its event sources and destinations use, its log
 * group, a published version behind the `live` alias (with provisioned concurrency),
 * asynchronous retries with an SQS dead-letter queue, and its event sources (S3 via SNS or
 * direct, SQS, EventBridge Scheduler, MSK/self-managed Kafka; HTTP through Kong, or a function
 * URL with IAM auth when asked).
 */
export class LambdaFunction extends pulumi.ComponentResource implements ILambdaFunction {
  readonly names: LambdaNames;
  /** Deterministic ARNs (known before deployment, so the cluster side can use them). */
  readonly functionArn: string;
  readonly aliasArn: string;
  readonly roleArn: string;
  /** Tags of the function's taggable resources. */
  readonly tags: Record<string, string>;
  readonly function: lambda.Function;
  readonly alias: lambda.Alias;
  readonly role: iam.Role;
  /** The execution role's inline policy (event sources wait for it). */
  readonly policy: iam.RolePolicy;
  readonly logGroup: cloudwatch.LogGroup;
  /** The function's dead-letter queue (absent when `delivery.deadLetter` is false). */
  readonly deadLetterQueue?: sqs.Queue;
  /** Every dead-letter queue this function owns (its own and its SQS sources'), by queue name. */
  readonly deadLetterQueueNames: string[] = [];
  /** The same dead-letter queues as resources. */
  readonly deadLetterQueues: sqs.Queue[] = [];
  /** The execution role's policy statements, exactly as deployed. */
  readonly statements: PolicyStatement[] = [];
  /** SNS topics S3 notifies (one per S3 source with `via: 'sns'`), by name: subscribe more consumers to fan out. */
  readonly topics: Record<string, sns.Topic> = {};
  /** Notifications for lib/aws/s3 BucketNotifications (S3 keeps one configuration per bucket). */
  readonly s3Notifications: S3NotificationTarget[] = [];
  /** Timeout in seconds (alarms compare Duration with it). */
  readonly timeoutSeconds: number;
  /** Base64 SHA-256 of the code package (zip functions only). */
  readonly codeSha256?: string;
  readonly functionUrl?: lambda.FunctionUrl;
  /** Retries, event age and dead letters of every asynchronous path. */
  readonly delivery: Required<LambdaDelivery>;
  readonly environment: AwsEnvironment;
  /** ARN builders of the function's environment. */
  readonly arns: Arns;
  /** How long dead-letter queues keep a message (SQS's maximum, 14 days). */
  readonly deadLetterRetentionSeconds = DLQ_RETENTION_SECONDS;
  /** @internal the component's name, which its children's names start with */
  readonly resourceName: string;
  /** @internal options of the function's children (parent, provider, dependencies) */
  readonly childOptions: pulumi.CustomResourceOptions;
  /** @internal topics that may send the function's dead letters (SNS subscriptions) */
  readonly snsSources: string[] = [];

  constructor(name: string, args: LambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:LambdaFunction', name, {}, opts);
    // Validation first: nothing is registered for a function Lambda would reject.
    const problems = lambdaFunctionProblems(args);
    if (problems.length > 0) throw new Error(`LambdaFunction ${args.functionName}: ${problems.join('; ')}`);
    this.resourceName = name;
    this.environment = args.environment;
    this.arns = arns(args.environment);
    this.names = lambdaNames(args.functionName);
    this.functionArn = this.arns.lambda(this.names.function);
    this.aliasArn = this.arns.lambda(this.names.function, this.names.alias);
    this.roleArn = this.arns.role(this.names.role);
    this.timeoutSeconds = args.timeoutSeconds ?? 30;
    this.delivery = {
      retries: args.delivery?.retries ?? LAMBDA_MAX_ASYNC_RETRIES,
      maxEventAgeSeconds: args.delivery?.maxEventAgeSeconds ?? LAMBDA_EVENT_AGE_SECONDS.max,
      deadLetter: args.delivery?.deadLetter !== false,
    };
    this.tags = { ...args.tags };
    const tags = this.tags;
    const code = 'bundle' in args.code ? args.code : undefined;
    this.codeSha256 = code?.bundle.sha256;

    const provider = args.provider ?? environmentProvider(`${name}-aws`, args.environment, { parent: this });
    this.childOptions = childOptions(this, provider, opts);
    const o = this.childOptions;

    this.role = new iam.Role(
      `${name}-exec`,
      { name: this.names.role, assumeRolePolicy: policyJson(serviceTrustPolicy('lambda.amazonaws.com')), description: `Execution role of Lambda function ${this.names.function}`, tags },
      o,
    );
    this.logGroup = new cloudwatch.LogGroup(`${name}-logs`, { name: this.names.logGroup, retentionInDays: logRetentionDays(args.logRetentionDays), tags }, o);
    this.grant('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], this.arns.logStreams(this.names.logGroup));

    if (this.delivery.deadLetter) {
      this.deadLetterQueue = this.queue(`${name}-dlq`, this.names.deadLetterQueue, { messageRetentionSeconds: DLQ_RETENTION_SECONDS }, true);
      this.grant('DeadLetterQueue', ['sqs:SendMessage'], this.arns.sqs(this.names.deadLetterQueue));
    }
    (args.secrets ?? []).forEach((s, i) => {
      // Secrets Manager appends six random characters to a secret's ARN; `??????` matches exactly those.
      this.grant(
        `Secret${i}`,
        ['secretsmanager:GetSecretValue'],
        `arn:${args.environment.partition ?? 'aws'}:secretsmanager:${args.environment.region}:${args.environment.accountId}:secret:${s.secret}-??????`,
      );
    });
    (args.s3Write ?? []).forEach((w, i) => this.grant(`S3Write${i}`, ['s3:PutObject'], this.arns.s3Objects(w.bucket, `${w.prefix}*`)));

    // Event source permissions are known before any resource exists: grant them all, then create the policy once.
    const sources = (args.eventSources ?? []).map((source, i) => ({ source, key: source.key ?? i }));
    for (const { source, key } of sources) this.statements.push(...source.grants(this, key));
    const policy = (this.policy = new iam.RolePolicy(`${name}-policy`, { name: 'least-privilege', role: this.role.id, policy: policyJson(policyDocument(this.statements)) }, o));

    const variables: Record<string, string> = { ...(args.variables ?? {}) };
    for (const s of args.secrets ?? []) {
      variables[s.variables.id] = s.secret;
      variables[s.variables.key] = s.key;
    }
    this.function = new lambda.Function(
      `${name}-function`,
      {
        name: this.names.function,
        role: this.role.arn,
        architectures: [args.architecture ?? 'arm64'],
        memorySize: args.memoryMb,
        timeout: this.timeoutSeconds,
        publish: true,
        ...(code
          ? { packageType: 'Zip', runtime: code.runtime, handler: code.handler, code: new pulumi.asset.FileArchive(writeBundle(code.bundle, code.root)), sourceCodeHash: code.bundle.sha256 }
          : { packageType: 'Image', imageUri: (args.code as { imageUri: string }).imageUri }),
        ...(Object.keys(variables).length > 0 && { environment: { variables } }),
        loggingConfig: { logFormat: 'JSON', logGroup: this.names.logGroup },
        ...(args.reservedConcurrency !== undefined && { reservedConcurrentExecutions: args.reservedConcurrency }),
        tracingConfig: { mode: 'PassThrough' },
        tags,
      },
      { ...o, dependsOn: [policy, this.logGroup] },
    );
    this.alias = new lambda.Alias(`${name}-live`, { name: this.names.alias, functionName: this.function.name, functionVersion: this.function.version }, o);
    const warm = args.provisionedConcurrency ?? 0;
    if (warm > 0) {
      new lambda.ProvisionedConcurrencyConfig(`${name}-warm`, { functionName: this.names.function, qualifier: this.alias.name, provisionedConcurrentExecutions: warm }, o);
    }
    new lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.names.function,
        qualifier: this.alias.name,
        maximumRetryAttempts: this.delivery.retries,
        maximumEventAgeInSeconds: this.delivery.maxEventAgeSeconds,
        ...(this.deadLetterQueue && { destinationConfig: { onFailure: { destination: this.arns.sqs(this.names.deadLetterQueue) } } }),
      },
      // Lambda checks the role may send to the destination when the config is saved.
      { ...o, dependsOn: [policy, ...(this.deadLetterQueue ? [this.deadLetterQueue] : [])] },
    );
    if (args.functionUrl) {
      this.functionUrl = new lambda.FunctionUrl(`${name}-url`, { functionName: this.names.function, qualifier: this.alias.name, authorizationType: 'AWS_IAM' }, o);
    }

    for (const { source, key } of sources) source.bind(this, key);
    if (this.deadLetterQueue && this.snsSources.length > 0) {
      // SNS delivers what it cannot hand to Lambda (throttling, missing permission) to the same DLQ.
      new sqs.QueuePolicy(
        `${name}-dlq-policy`,
        {
          queueUrl: this.deadLetterQueue.url,
          policy: policyJson(
            policyDocument([
              {
                Sid: 'SnsDeadLetters',
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: this.arns.sqs(this.names.deadLetterQueue),
                Condition: { ArnEquals: { 'aws:SourceArn': this.snsSources } },
              },
            ]),
          ),
        },
        o,
      );
    }

    this.registerOutputs({ functionArn: this.functionArn, aliasArn: this.aliasArn, roleArn: this.roleArn, deadLetterQueues: this.deadLetterQueueNames });
  }

  private grant(sid: string, actions: string[], resources: string | string[]): void {
    this.statements.push({ Sid: sid, Effect: 'Allow', Action: actions, Resource: resources });
  }

  /** @internal an SSE-encrypted queue of the function; dead-letter queues are listed for the not-empty alarms. */
  queue(resourceName: string, queueName: string, args: Omit<sqs.QueueArgs, 'name'>, deadLetter: boolean): sqs.Queue {
    const q = new sqs.Queue(resourceName, { name: queueName, sqsManagedSseEnabled: true, ...args, tags: this.tags }, this.childOptions);
    if (deadLetter) {
      this.deadLetterQueueNames.push(queueName);
      this.deadLetterQueues.push(q);
    }
    return q;
  }
}
