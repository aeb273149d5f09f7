import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../spec/errors';
import { naming } from '../../spec/naming';
import { arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson, type PolicyStatement } from './policy';

export interface KongInvokeRoleArgs {
  readonly environment: AwsEnvironment;
  /** Issuer of the cluster's IAM OIDC provider, without `https://` (`spec.aws.oidcProvider`). */
  readonly oidcProvider: string;
  /** Kong's Kubernetes service account: only its tokens may assume the role. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Deterministic names of the Lambda functions routes send to: the only functions Kong may invoke. */
  readonly functions: readonly string[];
  /** Alias Kong invokes besides the unqualified name. @default 'live' */
  readonly alias?: string;
  /** @default the parent's provider */
  readonly provider?: aws.Provider;
}

/**
 * The IAM role Kong's pods assume through IRSA to call the routed Lambda functions: trusted
 * only for the web-identity tokens of Kong's service account (exact `sub`, audience STS),
 * allowed `lambda:InvokeFunction` on exactly those functions.
 */
export class KongInvokeRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleName: string;
  readonly roleArn: string;
  readonly trustPolicy: ReturnType<typeof policyDocument>;
  readonly statements: PolicyStatement[];

  constructor(name: string, args: KongInvokeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hybrid-serverless:aws:KongInvokeRole', name, {}, opts);
    const issuer = args.oidcProvider.replace(/^https:\/\//, '');
    if (!/^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/.test(issuer)) fail('aws.oidcProvider', args.oidcProvider, 'must be an OIDC issuer host/path such as "oidc.eks.eu-west-1.amazonaws.com/id/ABC123"');
    if (args.functions.length === 0) fail('routes', [], 'KongInvokeRole needs at least one routed Lambda function');
    const a = arns(args.environment);
    const alias = args.alias ?? 'live';
    this.roleName = naming.kongInvokeRole(args.environment.platform, args.environment.env);
    this.roleArn = a.role(this.roleName);
    this.trustPolicy = policyDocument([
      {
        Sid: 'KongServiceAccount',
        Effect: 'Allow',
        Principal: { Federated: a.oidcProvider(issuer) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${args.serviceAccount.namespace}:${args.serviceAccount.name}`,
            [`${issuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ]);
    const functions = [...new Set(args.functions)].sort();
    // The plugin may call a function by name (its $LATEST) or by the alias that carries the warm instances.
    this.statements = [{ Sid: 'InvokeRoutedFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: functions.flatMap((f) => [a.lambda(f), a.lambda(f, alias)]) }];
    const o = { parent: this, ...(args.provider && { provider: args.provider }) };
    this.role = new aws.iam.Role(`${name}-role`, { name: this.roleName, assumeRolePolicy: policyJson(this.trustPolicy), description: 'Kong (IRSA) invoking the routed Lambda functions' }, o);
    new aws.iam.RolePolicy(`${name}-policy`, { name: 'least-privilege', role: this.role.id, policy: policyJson(policyDocument(this.statements)) }, o);
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
