import * as iam from '@pulumi/aws/iam';
import type { Provider } from '@pulumi/aws/provider';
import * as pulumi from '@pulumi/pulumi';
import { fail } from '../../core/errors';
import { naming } from '../../core/naming';
import { lambdaNames } from '../lambda/limits';
import { arns, type AwsEnvironment } from '../context';
import { policyDocument, policyJson, type PolicyStatement } from './policy';
import { childOptions } from '../options';

export interface KongInvokeRoleArgs {
  readonly environment: AwsEnvironment;
  /** Issuer of the cluster's IAM OIDC provider, without `https://` (`spec.aws.oidcProvider`). */
  readonly oidcProvider: string;
  /** Kong's Kubernetes service account: only its tokens may assume the role. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Deterministic names of the Lambda functions routes send to: Kong may invoke only their `live` alias. */
  readonly functions: readonly string[];
  /** @default the parent's provider */
  readonly provider?: Provider;
}

/**
 * The IAM role Kong's pods assume through IRSA to call the routed Lambda functions: trusted
 * only for the web-identity tokens of Kong's service account (exact `sub`, audience STS),
 * allowed `lambda:InvokeFunction` on exactly the `live` alias of those functions — the qualifier
 * the aws-lambda plugin sends (lib/platform/modules/kong.ts), and the one that carries the
 * provisioned concurrency. Not the unqualified name: a call to `$LATEST` would miss the warm
 * instances, so the role refuses it.
 */
export class KongInvokeRole extends pulumi.ComponentResource {
  readonly role: iam.Role;
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
    // Alias ARNs only: the unqualified ARN is what would let a caller invoke $LATEST.
    this.statements = [{ Sid: 'InvokeRoutedFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: functions.map((f) => a.lambda(f, lambdaNames(f).alias)) }];
    const o = childOptions(this, args.provider, opts);
    this.role = new iam.Role(`${name}-role`, { name: this.roleName, assumeRolePolicy: policyJson(this.trustPolicy), description: 'Kong (IRSA) invoking the routed Lambda functions' }, o);
    new iam.RolePolicy(`${name}-policy`, { name: 'least-privilege', role: this.role.id, policy: policyJson(policyDocument(this.statements)) }, o);
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
