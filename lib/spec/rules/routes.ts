import type { Rule } from './context';

export const routeRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const functions = new Set(spec.functions.map((f) => f.name));
  const claimed = new Map<string, string>();
  for (const route of spec.routes) {
    if (!functions.has(route.function)) {
      issues.add(ctx.at('routes', route, 'function'), route.function, `no such function; defined functions: ${[...functions].join(', ') || '(none)'}`);
    }
    // Two routes may not claim the same host + path + method: the gateway would pick one at random.
    for (const method of route.methods ?? ['*']) {
      const key = `${route.host} ${route.path} ${method}`;
      const other = claimed.get(key);
      const clash = other ?? (method === '*' ? [...claimed.entries()].find(([k]) => k.startsWith(`${route.host} ${route.path} `))?.[1] : claimed.get(`${route.host} ${route.path} *`));
      if (clash && clash !== route.name) {
        issues.add(ctx.at('routes', route, 'path'), route.path, `conflicts with route "${clash}" on host ${route.host}, method ${method}; give one of them another path, host or method`);
        break;
      }
      claimed.set(key, route.name);
    }
  }
};
