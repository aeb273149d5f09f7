import { kongBackendName } from '../../k8s/kong/kong-backend';
import { pluginSpecProblems } from '../../k8s/kong/plugins';
import { derivedNameProblem, hostProblem, resolveHost } from '../../core/naming';
import { certManagerSecret, certificateFor, servesHttps, tlsHostsIn } from '../route';
import type { Rule } from './context';
import { brokenDomains } from './environments';

export const routeRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  const functions = new Map(spec.functions.map((f) => [f.name, f]));
  const consumers = spec.gateway.consumers;
  const badDomains = brokenDomains(spec);
  for (const route of spec.routes) {
    // Names and hosts the API server (or DNS) would refuse.
    const backend = derivedNameProblem(route.name, kongBackendName(route.name), 'the Kong backend Service', 'Service names (DNS-1035 labels)');
    if (backend) issues.add(ctx.at('routes', route, 'name'), route.name, backend);
    const ownHost = hostProblem(route.host);
    if (ownHost) issues.add(ctx.at('routes', route, 'host'), route.host, ownHost);
    else {
      for (const [env, e] of Object.entries(spec.environments)) {
        if (badDomains.has(e!.domain)) continue; // environments.<env>.domain is reported
        const host = resolveHost(route.host, e!.domain);
        const p = hostProblem(host);
        if (p)
          issues.add(
            ctx.at('routes', route, 'host'),
            route.host,
            `in environment ${env} resolves to "${host}", which ${p} (Ingress hosts): use a host of at most ${route.host.length - (host.length - 253)} characters or a shorter domain`,
          );
      }
    }
    const fn = functions.get(route.function);
    if (!fn) {
      issues.add(ctx.at('routes', route, 'function'), route.function, `no such function; defined functions: ${[...functions.keys()].join(', ') || '(none)'}`);
    } else {
      // The gateway only fronts functions that declare they serve HTTP.
      if (!(fn.triggers ?? []).some((t) => t.type === 'http')) {
        issues.add(ctx.at('routes', route, 'function'), route.function, `function "${fn.name}" has no http trigger; add { type: 'http' } to its triggers or route to another function`);
      }
      // (Lambda routes need aws.oidcProvider for Kong's IRSA role: checked in rules/lambda.ts.)
    }
    const auth = route.auth ?? 'key-auth';
    if (auth !== 'none' && consumers.length === 0) {
      issues.add(ctx.at('routes', route, 'auth'), auth, `no consumer could call this route: add gateway.consumers with a ${auth} credential secret, or set auth to 'none'`);
    }
    if (route.rateLimit) {
      // The rate-limiting KongPlugin's own rule (the gateway divides each window by its replicas, which keeps the order).
      const { second, minute, hour } = route.rateLimit;
      for (const p of pluginSpecProblems({ plugin: 'rate-limiting', config: { second, minute, hour, limit_by: 'consumer', policy: 'local' } })) {
        const field = p.path.replace(/^config\.?/, '');
        issues.add(ctx.at('routes', route, 'rateLimit', ...(field ? [field] : [])), field ? p.value : route.rateLimit, p.message.replace(', day', ''));
      }
    }
    if (route.cors?.credentials && route.cors.origins.includes('*')) {
      issues.add(ctx.at('routes', route, 'cors', 'origins'), route.cors.origins, 'origin "*" cannot be combined with credentials (browsers refuse it); list the allowed origins');
    }
  }
  // Two routes may not claim the same host + path + method: the gateway would pick one at random.
  // Hosts are compared as each environment resolves them (a single label is relative to its domain).
  const domains = Object.values(spec.environments).map((e) => e!.domain);
  const reported = new Set<object>();
  for (const domain of domains.length > 0 ? domains : ['']) {
    const claimed = new Map<string, string>();
    // host + path → the first route claiming any method there (what a route for every method clashes with).
    const firstOnPath = new Map<string, string>();
    for (const route of spec.routes) {
      const host = resolveHost(route.host, domain);
      const hostPath = `${host} ${route.path}`;
      for (const method of route.methods ?? ['*']) {
        const key = `${hostPath} ${method}`;
        const clash = claimed.get(key) ?? (method === '*' ? firstOnPath.get(hostPath) : claimed.get(`${hostPath} *`));
        if (clash && clash !== route.name) {
          if (!reported.has(route)) {
            issues.add(ctx.at('routes', route, 'path'), route.path, `conflicts with route "${clash}" on host ${host}, method ${method}; give one of them another path, host or method`);
            reported.add(route);
          }
          break;
        }
        claimed.set(key, route.name);
        if (!firstOnPath.has(hostPath)) firstOnPath.set(hostPath, route.name);
      }
    }
  }
  tlsRules(ctx);
  // Consumers become Kong usernames and own their credential Secret: both must be unique.
  consumers.forEach((c, i) => {
    const first = consumers.findIndex((o) => o.name === c.name);
    if (first !== i) issues.add(['gateway', 'consumers', i, 'name'], c.name, `duplicate consumer name: already used by gateway.consumers[${first}]; consumer names must be unique`);
    const sameSecret = consumers.findIndex((o) => o.credentialSecret === c.credentialSecret);
    if (sameSecret !== i) {
      issues.add(['gateway', 'consumers', i, 'credentialSecret'], c.credentialSecret, `already the credential of gateway.consumers[${sameSecret}]; a credential belongs to one consumer`);
    }
  });
};

/**
 * Certificates: each Secret is one certificate (named once), and with `gateway.tls` but no
 * cert-manager every https route's host needs one, in every environment, or Kong would answer
 * it with its self-signed default certificate.
 */
function tlsRules(ctx: Parameters<Rule>[0]): void {
  const { spec, issues } = ctx;
  const { tls, certManager } = spec.gateway;
  if (!tls) return;
  tls.forEach((c, i) => {
    const first = tls.findIndex((o) => o.secretName === c.secretName);
    if (first !== i) issues.add(['gateway', 'tls', i, 'secretName'], c.secretName, `duplicate secretName: already used by gateway.tls[${first}]; list all hosts of one certificate in one entry`);
  });
  for (const route of spec.routes) {
    if (!servesHttps(route)) continue;
    for (const [env, e] of Object.entries(spec.environments)) {
      const host = resolveHost(route.host, e!.domain);
      if (certificateFor(spec.gateway, host, e!.domain)) continue;
      if (certManager) {
        // cert-manager would write <route>-tls: it must not be a Secret the user manages.
        const clash = tls.findIndex((c) => c.secretName === certManagerSecret(route.name));
        if (clash >= 0) {
          issues.add(
            ['gateway', 'tls', clash, 'secretName'],
            tls[clash].secretName,
            `is the Secret cert-manager issues for route "${route.name}" (host ${host} in ${env}, which no gateway.tls entry covers) and would be overwritten; rename it`,
          );
        }
      } else {
        const covered = tlsHostsIn(spec.gateway, e!.domain);
        issues.add(
          ctx.at('routes', route, 'host'),
          route.host,
          `no gateway.tls certificate covers ${host} (environment ${env}); the certificates cover ${covered.join(', ')}. Add the host to gateway.tls[].hosts, set gateway.certManager, or drop 'https' from the route's protocols`,
        );
      }
      break;
    }
  }
}
