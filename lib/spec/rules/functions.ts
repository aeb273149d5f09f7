import { coldStartScale, TRIGGERS_BY_TARGET } from '../function';
import { imagePinProblem, imageVersion } from '../../core/image';
import { profileOf, type PlatformSpec } from '../platform';
import { requestsAboveLimits } from '../../core/quantity';
import { LAMBDA_MAX_TIMEOUT_SECONDS } from '../../aws/lambda/limits';
import type { Rule } from './context';
import { environmentProfiles } from './environments';

/** Environment variable names that hold credentials by convention (`DB_PASSWORD`, `API_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `STRIPE_KEY`). */
export const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|^KEY$|CREDENTIAL/i;

export const functionRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const environments = environmentProfiles(spec);
  const tenants = new Set(spec.tenants.map((t) => t.name));
  for (const fn of spec.functions) {
    const at = (...p: (string | number)[]) => ctx.at('functions', fn, ...p);
    if (!tenants.has(fn.tenant)) {
      issues.add(at('tenant'), fn.tenant, `no such tenant; defined tenants: ${[...tenants].join(', ') || '(none)'}`);
    }
    // What each target runs: an image for the cluster; code or an image for Lambda.
    if (fn.target !== 'lambda' && !fn.image) issues.add(at('image'), fn.image, `is required for target "${fn.target}" (a container image reference)`);
    if (fn.target !== 'lambda' && fn.code) issues.add(at('code'), fn.code, `is only for target "lambda"; target "${fn.target}" runs an image`);
    if (fn.target === 'lambda' && !fn.code === !fn.image) issues.add(at('code'), fn.code, 'target "lambda" needs exactly one of "code" (bundled with esbuild) or "image" (a container image URI)');
    if (fn.image) {
      const pin = imagePinProblem(fn.image);
      if (pin) issues.add(at('image'), fn.image, pin);
    }
    // A literal value under a credential's name would be written in clear text into the output (and the Lambda configuration).
    for (const name of Object.keys(fn.env ?? {})) {
      if (CREDENTIAL_NAME.test(name)) {
        issues.add(
          at('env', name),
          '(redacted)',
          `looks like a credential, and env values are written in clear text into the output (and the Lambda configuration): put it in a Secret and reference it with secrets: [{ env: "${name}", secret: "<secret name>", key: "<key>" }]`,
        );
      }
    }
    for (const other of ['knative', 'openfaas', 'lambda'] as const) {
      if (other !== fn.target && fn[other]) issues.add(at(other), fn[other], `options for target "${other}" on a function whose target is "${fn.target}"`);
    }
    const allowed = TRIGGERS_BY_TARGET[fn.target];
    (fn.triggers ?? []).forEach((t, i) => {
      if (!allowed.includes(t.type)) issues.add(at('triggers', i, 'type'), t.type, `target "${fn.target}" supports triggers ${allowed.join(', ')}`);
    });
    const max = fn.scaling?.max ?? 10;
    const { min } = coldStartScale(fn);
    if (fn.scaling?.min !== undefined && fn.scaling.min > max) {
      issues.add(at('scaling', 'min'), fn.scaling.min, `must be ≤ scaling.max (${max})`);
    } else if (min > max) {
      issues.add(at('coldStart'), fn.coldStart, `keeps ${min} instances warm, more than scaling.max (${max}); lower the preset or raise scaling.max`);
    }
    if (fn.target === 'lambda' && fn.timeoutSeconds !== undefined && fn.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
      issues.add(at('timeoutSeconds'), fn.timeoutSeconds, `Lambda functions time out after at most ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds`);
    }
    // Container functions: the profile's functionDefaults fill what the function leaves out;
    // the API server refuses a container whose request is above its limit.
    if (fn.target === 'knative' || fn.target === 'openfaas') {
      for (const e of environments) {
        const d = e.profile.functionDefaults;
        const own = fn.resources;
        for (const x of requestsAboveLimits({ ...d.requests, ...own?.requests }, { ...d.limits, ...own?.limits })) {
          const r = x.resource;
          // Both from the profile: the environment rule reports functionDefaults itself.
          if (own?.requests?.[r] === undefined && own?.limits?.[r] === undefined) continue;
          const fromProfile = (kind: 'requests' | 'limits') => (own?.[kind]?.[r] === undefined ? ` (functionDefaults of profile ${e.profileName})` : '');
          const kind = own?.requests?.[r] !== undefined ? 'requests' : 'limits';
          issues.add(
            at('resources', kind, r),
            kind === 'requests' ? x.request : x.limit,
            `in environment ${e.env} requests.${r} ${String(x.request)}${fromProfile('requests')} is above limits.${r} ${String(x.limit)}${fromProfile('limits')}; the API server refuses a container whose request exceeds its limit: set resources.limits.${r} to at least ${String(x.request)} or resources.requests.${r} to at most ${String(x.limit)}`,
          );
        }
      }
    }
  }
};

/**
 * Container functions of each prod-profile environment whose image has a tag but no digest: a
 * tag can be pushed again, a digest cannot. A recommendation, not an error (the CLI notes it).
 */
export function prodImagesWithoutDigest(spec: PlatformSpec, environments: readonly string[]): { env: string; functions: string[] }[] {
  return environments.flatMap((env) => {
    const e = spec.environments[env];
    if (!e || profileOf(env, e) !== 'prod') return [];
    const functions = spec.functions.filter((f) => f.image && !imageVersion(f.image).digest).map((f) => f.name);
    return functions.length > 0 ? [{ env, functions }] : [];
  });
}
