import type { EnvironmentName } from './common';
import { formatPath, SpecError, valueAt } from '../core/errors';
import { deepMerge, PROFILE_NAMES, PROFILES, profileSchema, type Profile, type ProfileName } from './profiles';
import { openfaasEditionOf, profileOf, type PlatformSpec } from './platform';
import type { OpenFaaSEdition } from '../k8s/openfaas/limits';
import { requestsAboveLimitsIssues } from './rules/environments';

/** One environment of a spec, with its profile and overrides merged: what constructs read. */
export interface ResolvedEnvironment {
  readonly name: EnvironmentName;
  readonly profileName: ProfileName;
  readonly profile: Profile;
  readonly domain: string;
  readonly aws: { readonly region: string; readonly accountId: string; readonly oidcProvider?: string };
  /** The chart mirror of the environment (its own, else the top-level one); undefined: upstream repositories. */
  readonly chartMirror?: { readonly url: string };
  /**
   * Type of the gateway's proxy Service (the environment's own, else `gateway.proxyServiceType`,
   * else LoadBalancer). Only a LoadBalancer ever gets an address for Ingress status.
   */
  readonly proxyServiceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** OpenFaaS edition of the environment (its own, else `openfaas.edition`, else `ce`). */
  readonly openfaasEdition: OpenFaaSEdition;
  readonly budget: {
    readonly monthlyUsd: number;
    readonly thresholds: readonly number[];
    readonly emails: readonly string[];
    readonly clusterPricing: { readonly cpuCoreHourUsd: number; readonly memoryGiBHourUsd: number };
  };
  readonly spec: PlatformSpec;
}

/**
 * The environments a spec defines: those named after a profile in the order dev, staging,
 * prod, edge, then the others in the order the spec lists them.
 */
export function environmentNames(spec: PlatformSpec): EnvironmentName[] {
  const names = Object.keys(spec.environments ?? {}).filter((e) => spec.environments[e] !== undefined);
  const profiles = PROFILE_NAMES.filter((p) => names.includes(p));
  return [...profiles, ...names.filter((e) => !(profiles as readonly string[]).includes(e))];
}

/**
 * Merges profile, spec-level and per-environment settings. `extraOverrides` (e.g. from
 * `Pulumi.<env>.yaml`) win over everything.
 */
export function resolveEnvironment(spec: PlatformSpec, env: EnvironmentName, extraOverrides?: unknown, overridesSource = 'overrides'): ResolvedEnvironment {
  const e = Object.prototype.hasOwnProperty.call(spec.environments, env) ? spec.environments[env] : undefined;
  if (!e) {
    throw new SpecError([{ path: `environments.${env}`, value: undefined, message: `environment not defined; defined: ${environmentNames(spec).join(', ')}` }]);
  }
  const profileName = profileOf(env, e);
  const specBudget = { ...(spec.budgets.monthlyUsd !== undefined && { monthlyUsd: spec.budgets.monthlyUsd }), ...(spec.budgets.thresholds && { thresholds: spec.budgets.thresholds }) };
  let profile = deepMerge(PROFILES[profileName], { budget: specBudget });
  profile = deepMerge(profile, e.overrides);
  if (extraOverrides !== undefined) {
    const merged = deepMerge(profile, extraOverrides);
    const checked = profileSchema.safeParse(merged);
    if (!checked.success) {
      throw new SpecError(
        checked.error.issues.map((i) => ({
          path: formatPath([overridesSource, ...(i.path as (string | number)[]), ...(i.code === 'unrecognized_keys' ? [i.keys.join(',')] : [])]),
          value: valueAt(merged, i.path),
          message: i.code === 'unrecognized_keys' ? 'unknown profile field; see lib/spec/profiles.ts' : i.message,
        })),
        `Invalid overrides for environment "${env}"`,
      );
    }
    profile = checked.data;
    const excess: { path: string; value: unknown; message: string }[] = [];
    requestsAboveLimitsIssues(profile, extraOverrides, (path, value, message) => excess.push({ path: formatPath([overridesSource, ...path]), value, message }));
    if (excess.length > 0) throw new SpecError(excess, `Invalid overrides for environment "${env}"`);
  }
  return {
    name: env,
    profileName,
    profile,
    domain: e.domain,
    proxyServiceType: e.gateway?.proxyServiceType ?? spec.gateway.proxyServiceType ?? 'LoadBalancer',
    openfaasEdition: openfaasEditionOf(spec, env),
    ...((e.charts?.mirror ?? spec.charts?.mirror) && { chartMirror: e.charts?.mirror ?? spec.charts?.mirror }),
    aws: { region: e.aws?.region ?? spec.aws.region, accountId: e.aws?.accountId ?? spec.aws.accountId, oidcProvider: e.aws?.oidcProvider ?? spec.aws.oidcProvider },
    budget: {
      monthlyUsd: profile.budget.monthlyUsd,
      thresholds: profile.budget.thresholds,
      emails: spec.budgets.emails,
      clusterPricing: spec.budgets.clusterPricing,
    },
    spec,
  };
}
