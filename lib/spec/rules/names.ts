import type { Rule } from './context';
import { uniqueBy } from './context';

/** Names must be unique: they become Kubernetes and AWS names. */
export const uniqueNames: Rule = (ctx) => {
  const { spec } = ctx;
  uniqueBy(ctx, 'tenants', spec.tenants, (t) => t.name, 'name');
  uniqueBy(ctx, 'functions', spec.functions, (f) => f.name, 'name');
  uniqueBy(ctx, 'routes', spec.routes, (r) => r.name, 'name');
  const topics = spec.kafka?.topics ?? [];
  const seen = new Set<string>();
  topics.forEach((t, i) => {
    if (seen.has(t.name)) ctx.issues.add(['kafka', 'topics', i, 'name'], t.name, 'duplicate topic name; topic names must be unique');
    seen.add(t.name);
  });
};
