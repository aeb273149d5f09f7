import { servingDomainProblem } from '../../k8s/knative/serving-install';
import type { EnvironmentName } from '../common';
import { formatPath, valueAt } from '../../core/errors';
import { derivedNameProblem, ENV_PREFIX_MAX, hostProblem, naming } from '../../core/naming';
import { deepMerge, PROFILES, profileRequestsAboveLimits, profileSchema, type Profile, type ProfileName } from '../profiles';
import { profileOf, type PlatformSpec } from '../platform';
import type { Rule } from './context';

/** An environment of the spec with its profile and the spec's overrides merged (when valid). */
export interface EnvironmentProfile {
  readonly env: EnvironmentName;
  readonly profileName: ProfileName;
  readonly profile: Profile;
  readonly domain: string;
}

/**
 * The environments whose merged profile is valid (environmentRules reports the others), for
 * rules whose values depend on the environment (profile-filled resources, hosts).
 */
export function environmentProfiles(spec: PlatformSpec): EnvironmentProfile[] {
  const out: EnvironmentProfile[] = [];
  for (const [env, e] of Object.entries(spec.environments ?? {})) {
    if (!e) continue;
    const profileName = profileOf(env, e);
    const merged = profileSchema.safeParse(deepMerge(PROFILES[profileName], e.overrides));
    if (merged.success) out.push({ env, profileName, profile: merged.data, domain: e.domain });
  }
  return out;
}

/** Environment domains whose host names would be refused anyway (a label over 63 characters). */
export function brokenDomains(spec: PlatformSpec): Set<string> {
  return new Set(Object.values(spec.environments ?? {}).flatMap((e) => (e && hostProblem(e.domain) ? [e.domain] : [])));
}

/** Overrides are deep-merged over the profile; the merged profile must still be valid. */
export const environmentRules: Rule = (ctx) => {
  for (const [env, e] of Object.entries(ctx.spec.environments)) {
    if (!e) continue;
    // Every host of the environment ends in its domain: each label at most 63 characters.
    const serving = servingDomainProblem(e.domain);
    if (serving) ctx.issues.add(['environments', env, 'domain'], e.domain, `${serving} (Knative Serving's domain)`);
    const domain = hostProblem(e.domain);
    if (domain) ctx.issues.add(['environments', env, 'domain'], e.domain, `${domain}; every function and route host of environment ${env} ends in this domain`);
    // Resource names start with `<platform>-<env>`; the schema bounds the name for the shortest platform name.
    const prefix =
      ctx.spec.name === undefined
        ? undefined
        : derivedNameProblem(env, naming.envPrefix(ctx.spec.name, env), 'the name prefix', 'name prefixes (dashboard uids, IAM roles and Flux/Argo CD layers are derived from them)', ENV_PREFIX_MAX);
    if (prefix) ctx.issues.add(['environments', env], env, `${prefix} (with the platform name "${ctx.spec.name}")`);
    if (!e.overrides) continue;
    const merged = deepMerge(PROFILES[profileOf(env, e)], e.overrides);
    const result = profileSchema.safeParse(merged);
    if (result.success) {
      requestsAboveLimitsIssues(result.data, e.overrides, (path, value, message) => ctx.issues.add(['environments', env, 'overrides', ...path], value, `${message} in environment ${env}`));
      continue;
    }
    for (const issue of result.error.issues) {
      const path = ['environments', env, 'overrides', ...(issue.path as (string | number)[])];
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const full = key === undefined ? path : [...path, key];
        ctx.issues.add(
          formatPath(full),
          key === undefined ? valueAt(merged, issue.path) : undefined,
          key === undefined ? issue.message : 'unknown profile field; see lib/spec/profiles.ts for the fields a profile has',
        );
      }
    }
  }
};

/**
 * Reports each container of a merged profile whose request is above its limit, at the field
 * the overrides set (the limit when only the limit was overridden, else the request).
 * Shared with resolveEnvironment, which checks the overrides of Pulumi config the same way.
 */
export function requestsAboveLimitsIssues(profile: Profile, overrides: unknown, add: (path: string[], value: unknown, message: string) => void): void {
  for (const x of profileRequestsAboveLimits(profile)) {
    const set = (kind: 'requests' | 'limits') => valueAt(overrides, [...x.at, kind, x.resource]) !== undefined;
    const kind = set('limits') && !set('requests') ? 'limits' : 'requests';
    add(
      [...x.at, kind, x.resource],
      kind === 'limits' ? x.limit : x.request,
      `requests.${x.resource} ${String(x.request)} is above limits.${x.resource} ${String(x.limit)}; the API server refuses a container (or LimitRange default) whose request exceeds its limit: make requests.${x.resource} at most limits.${x.resource}`,
    );
  }
}
