import type { Rule } from './context';

/** Function timeout when the spec sets none (seconds); mirrors lib/spec/function.ts. */
const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * Alert routing and SLOs: receivers must be reachable and name real tenants, and an SLO
 * must be one the function can actually breach.
 */
export const observabilityRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const obs = spec.observability;
  const tenants = new Set(spec.tenants.map((t) => t.name));
  const seen = new Set<string>();
  obs.receivers.forEach((r, i) => {
    const at = (...p: (string | number)[]) => ['observability', 'receivers', i, ...p];
    if (seen.has(r.name)) issues.add(at('name'), r.name, 'duplicate receiver name; receiver names must be unique');
    seen.add(r.name);
    if (!r.emails?.length && !r.webhookUrlSecret && !r.slackUrlSecret) {
      issues.add(at(), { name: r.name }, 'a receiver needs at least one of "emails", "webhookUrlSecret" or "slackUrlSecret"');
    }
    if (r.emails?.length && !obs.smtp) {
      issues.add(at('emails'), r.emails, 'email receivers need "observability.smtp" (smarthost and from address)');
    }
    if (r.slackChannel && !r.slackUrlSecret) issues.add(at('slackChannel'), r.slackChannel, 'only applies with "slackUrlSecret"');
    (r.tenants ?? []).forEach((t, j) => {
      if (!tenants.has(t)) issues.add(at('tenants', j), t, `no such tenant; defined tenants: ${[...tenants].join(', ') || '(none)'}`);
    });
  });
  if (obs.smtp?.authPasswordSecret && !obs.smtp.authUsername) {
    issues.add(['observability', 'smtp', 'authUsername'], undefined, 'is required with "authPasswordSecret"');
  }

  // A p99 above the timeout can never be observed: requests are cut off at the timeout.
  for (const fn of spec.functions) {
    const timeoutMs = (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const own = fn.slo?.latencyP99Ms;
    const slo = own ?? obs.defaultSlo.latencyP99Ms;
    if (slo >= timeoutMs) {
      const path = own !== undefined ? ctx.at('functions', fn, 'slo', 'latencyP99Ms') : ['observability', 'defaultSlo', 'latencyP99Ms'];
      issues.add(path, slo, `must be below the timeout of function "${fn.name}" (${timeoutMs} ms): requests end at the timeout, so a p99 above it never fires`);
    }
  }

  const thresholds = spec.budgets.thresholds ?? [];
  thresholds.forEach((t, i) => {
    if (thresholds.indexOf(t) !== i) issues.add(['budgets', 'thresholds', i], t, 'duplicate threshold; each percentage alerts once');
  });
};
