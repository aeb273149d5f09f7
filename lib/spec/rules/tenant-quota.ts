import { cpuCores, GiB, memoryBytes, MiB } from '../../core/quantity';
import { QUEUE_PROXY_LIMITS, QUEUE_PROXY_REQUESTS } from '../../k8s/knative/serving-install';
import { tenantQuotaProblems } from '../../k8s/tenancy/tenant-quota';
import { coldStartScale, type FunctionSpec } from '../function';
import type { Profile, ProfileName } from '../profiles';
import type { TenantSpec } from '../tenant';
import type { Rule } from './context';
import { environmentProfiles } from './environments';

/**
 * Pods a function keeps running in its namespace whatever the load: its min scale, or the
 * prewarmed initial scale. These must fit the quota, or the backend cannot even start them.
 */
const minPods = (fn: FunctionSpec) => {
  const { min, initial } = coldStartScale(fn);
  return Math.max(min, initial ?? 0);
};

// Sums in whole millicores and bytes, as the API server counts (no float drift: 825m is 825m).
const milli = (q: string | number) => Math.ceil(cpuCores(q) * 1000 - 1e-6);
const byteCount = (q: string | number) => Math.ceil(memoryBytes(q) - 1e-6);
const cores = (m: number) => (m < 1000 ? `${m}m` : `${+(m / 1000).toFixed(3)}`);
const bytes = (n: number) => (n >= GiB && n % GiB === 0 ? `${n / GiB}Gi` : `${+(n / MiB).toFixed(1)}Mi`);

type QuotaField = 'requestsCpu' | 'requestsMemory' | 'limitsCpu' | 'limitsMemory';

/**
 * What the queue-proxy sidecar Knative adds to every revision pod counts against each quota
 * field: requests from config-deployment; limits from there if set, otherwise the tenant
 * LimitRange's default limits (the profile's functionDefaults), which admission gives a
 * container that sets none.
 */
function queueProxyAmounts(defaults: { limits: { cpu: string | number; memory: string | number } }): Record<QuotaField, { value: string | number; source: string }> {
  const config = 'KnativeServing config-deployment';
  const limit = (v: string | undefined, fallback: string | number, key: string) =>
    v !== undefined ? { value: v, source: `${config} ${key}` } : { value: fallback, source: `the tenant LimitRange's default limit, as ${config} sets no ${key}` };
  return {
    requestsCpu: { value: QUEUE_PROXY_REQUESTS.cpu, source: `${config} queue-sidecar-cpu-request` },
    requestsMemory: { value: QUEUE_PROXY_REQUESTS.memory, source: `${config} queue-sidecar-memory-request` },
    limitsCpu: limit(QUEUE_PROXY_LIMITS.cpu, defaults.limits.cpu, 'queue-sidecar-cpu-limit'),
    limitsMemory: limit(QUEUE_PROXY_LIMITS.memory, defaults.limits.memory, 'queue-sidecar-memory-limit'),
  };
}

/** One environment as the quota checks see it. */
export interface QuotaEnvironment {
  readonly name: string;
  readonly profileName: ProfileName;
  readonly profile: Profile;
}

/** A quota problem: path, value and message, as SpecIssue has them. */
export interface QuotaIssue {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/** The profile's tenantQuota with the tenant's own fields over it. */
export function tenantQuota(profile: Profile, tenant: TenantSpec): Profile['tenantQuota'] {
  return { ...profile.tenantQuota, ...Object.fromEntries(Object.entries(tenant.quota ?? {}).filter(([, v]) => v !== undefined)) };
}

/**
 * A tenant's quota in one environment: what the API server refuses in the ResourceQuota and
 * LimitRange (TenantQuota's own rule), and room for the pods the tenant's Knative functions
 * keep running (OpenFaaS CE runs functions in its own namespace and Lambda outside the
 * cluster, so neither counts here), counted as the API server counts them: per pod the
 * function container (its own requests and limits, or the profile's functionDefaults) plus
 * Knative's queue-proxy sidecar. Run by parseSpec and, for Pulumi-config overrides, by the
 * tenancy module.
 */
export function tenantQuotaIssues(env: QuotaEnvironment, tenant: TenantSpec, index: number, functions: readonly FunctionSpec[]): QuotaIssue[] {
  const out: QuotaIssue[] = [];
  const d = env.profile.functionDefaults;
  const quota = tenantQuota(env.profile, tenant);
  const where = `environment "${env.name}"`;
  const fromProfile = (field: keyof NonNullable<TenantSpec['quota']>) =>
    tenant.quota?.[field] === undefined ? ` (the "${env.profileName}" profile's tenantQuota; override it in tenants[${index}].quota)` : '';
  const own = tenantQuotaProblems({ quota, containerDefaults: d });
  for (const p of own) {
    // containerDefaults are the profile's functionDefaults: the environment rules report those
    if (!p.path.startsWith('quota.')) continue;
    const field = p.path.slice('quota.'.length) as keyof NonNullable<TenantSpec['quota']>;
    out.push({ path: `tenants[${index}].${p.path}`, value: p.value, message: `${where}: ${p.message}${fromProfile(field)}` });
  }
  if (own.length > 0) return out;
  const running = functions.filter((f) => f.target === 'knative' && minPods(f) > 0);
  if (running.length === 0) return out;
  const sidecar = queueProxyAmounts(d);
  const check = (field: QuotaField, per: (f: FunctionSpec) => number, parse: (q: string | number) => number, fmt: (n: number) => string, what: string) => {
    const qp = parse(sidecar[field].value);
    const need = running.reduce((s, f) => s + minPods(f) * (per(f) + qp), 0);
    const have = parse(quota[field]!);
    if (have >= need) return;
    const parts = running.map((f) => `${f.name} ${minPods(f)}×(${fmt(per(f))} + ${fmt(qp)})`).join(', ');
    out.push({
      path: `tenants[${index}].quota.${field}`,
      value: quota[field],
      message: `${where}: ${what} ${fmt(have)}${fromProfile(field)} is below the ${fmt(need)} the tenant's functions need at their minimum scale, Knative's queue-proxy sidecar included (pods × (function container + queue-proxy): ${parts}; queue-proxy ${what} from ${sidecar[field].source}); raise it to at least ${fmt(need)} or lower their min scale`,
    });
  };
  check('requestsCpu', (f) => milli(f.resources?.requests?.cpu ?? d.requests.cpu), milli, cores, 'requests.cpu');
  check('requestsMemory', (f) => byteCount(f.resources?.requests?.memory ?? d.requests.memory), byteCount, bytes, 'requests.memory');
  check('limitsCpu', (f) => milli(f.resources?.limits?.cpu ?? d.limits.cpu), milli, cores, 'limits.cpu');
  check('limitsMemory', (f) => byteCount(f.resources?.limits?.memory ?? d.limits.memory), byteCount, bytes, 'limits.memory');
  const pods = running.reduce((s, f) => s + minPods(f), 0);
  if (quota.pods! < pods) {
    out.push({
      path: `tenants[${index}].quota.pods`,
      value: quota.pods,
      message: `${where}: ${quota.pods} pods${fromProfile('pods')} is below the ${pods} the tenant's functions keep running at their minimum scale; raise it to at least ${pods}`,
    });
  }
  return out;
}

/** Every tenant's quota in every environment, checked at parse time with the spec path. */
export const tenantQuotaRules: Rule = (ctx) => {
  const { spec } = ctx;
  for (const e of environmentProfiles(spec)) {
    for (const t of spec.tenants) {
      const index = ctx.at('tenants', t)[1] as number;
      const fns = spec.functions.filter((f) => f.tenant === t.name);
      for (const i of tenantQuotaIssues({ name: e.env, profileName: e.profileName, profile: e.profile }, t, index, fns)) ctx.issues.add(i.path, i.value, i.message);
    }
  }
};
