import { Provider, type ProviderArgs } from '@pulumi/aws/provider';
import type { Region } from '@pulumi/aws/types/enums';
import * as pulumi from '@pulumi/pulumi';
import type { AwsEnvironment } from './context';

/** Cost-allocation tag keys on every AWS resource; the budget filters on `platform` and `env`. */
export const TAG_KEYS = { platform: 'platform', env: 'env', tenant: 'tenant', function: 'function' } as const;

/**
 * The default tags of an environment's provider. A function's resources add `tenant` and
 * `function` as resource tags (one provider serves the whole environment).
 */
export function defaultTags(e: AwsEnvironment): Record<string, string> {
  return { [TAG_KEYS.platform]: e.platform, [TAG_KEYS.env]: e.env, 'managed-by': 'hybrid-serverless' };
}

/**
 * How to authenticate, from the stack's `aws:` config: an explicit provider reads none of it
 * (only the default provider does), so the keys people set for the default one — a profile,
 * roles to assume, credential files, static keys — are passed on. Region and account come from
 * the spec.
 */
export function stackCredentials(): Partial<ProviderArgs> {
  const c = new pulumi.Config('aws');
  const out: Record<string, unknown> = {};
  const profile = c.get('profile');
  if (profile) out.profile = profile;
  for (const key of ['assumeRoles', 'assumeRoleWithWebIdentity', 'sharedCredentialsFiles', 'sharedConfigFiles'] as const) {
    const v = c.getObject(key);
    if (v !== undefined) out[key] = v;
  }
  for (const key of ['accessKey', 'secretKey', 'token'] as const) {
    const v = c.getSecret(key);
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<ProviderArgs>;
}

/**
 * An explicit AWS provider for the environment's account and region that tags everything it
 * creates, so cost allocation and the budget filter see every resource. `allowedAccountIds`
 * stops a stack from deploying into the wrong account with ambient credentials; credentials
 * follow the stack's `aws:` config (`stackCredentials`).
 */
export function environmentProvider(name: string, e: AwsEnvironment, opts?: pulumi.CustomResourceOptions): Provider {
  return new Provider(
    name,
    {
      ...stackCredentials(),
      region: e.region as Region,
      allowedAccountIds: [e.accountId],
      defaultTags: { tags: defaultTags(e) },
    },
    opts,
  );
}
