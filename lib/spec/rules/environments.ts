import { formatPath, valueAt } from '../errors';
import { deepMerge, PROFILES, profileSchema } from '../profiles';
import type { Rule } from './context';

/** Overrides are deep-merged over the profile; the merged profile must still be valid. */
export const environmentRules: Rule = (ctx) => {
  for (const [env, e] of Object.entries(ctx.spec.environments)) {
    if (!e?.overrides) continue;
    const merged = deepMerge(PROFILES[e.profile ?? (env as keyof typeof PROFILES)], e.overrides);
    const result = profileSchema.safeParse(merged);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const path = ['environments', env, 'overrides', ...(issue.path as (string | number)[])];
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const full = key === undefined ? path : [...path, key];
        ctx.issues.add(formatPath(full), key === undefined ? valueAt(merged, issue.path) : undefined, key === undefined ? issue.message : 'unknown profile field; see lib/spec/profiles.ts for the fields a profile has');
      }
    }
  }
};
