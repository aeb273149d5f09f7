import type { EventDestination } from '../eventing';
import type { PathSegment } from '../../core/errors';
import { coldStartScale, type FunctionSpec } from '../function';
import { CLOUDEVENT_ATTRIBUTE, EVENTING_NAME_MAX, EVENTING_NAMES } from '../../k8s/knative/trigger';
import { DNS_LABEL_MAX, derivedNameProblem, hostProblem } from '../../core/naming';
import { autoscalingProblems, KNATIVE_LIMITS, KNATIVE_NAMES, serviceNameProblem, trafficProblems, type AutoscalingSettings } from '../../k8s/knative/limits';
import type { Rule, RuleContext } from './context';
import { brokenDomains, environmentProfiles, type EnvironmentProfile } from './environments';

/** Name of the per-tenant dead-letter sink (a Knative Service): not available to functions. */
export const DEAD_LETTER_SINK_NAME = 'dead-letter-sink';

/** The autoscaling settings a knative function asks for, as Knative annotations will carry them. */
export function functionAutoscaling(fn: FunctionSpec): AutoscalingSettings {
  const a = fn.knative?.autoscaling ?? {};
  const metric = fn.scaling?.metric;
  const cls = a.class ?? (metric === 'cpu' || metric === 'memory' ? 'hpa' : 'kpa');
  const scale = coldStartScale(fn);
  return {
    class: cls,
    metric: metric ?? (cls === 'hpa' ? 'cpu' : 'concurrency'),
    target: fn.scaling?.target,
    targetUtilizationPercentage: a.targetUtilizationPercentage,
    // The HPA keeps at least one replica; say so instead of rendering a min-scale it ignores.
    minScale: cls === 'hpa' && fn.scaling?.min === undefined ? Math.max(scale.min, 1) : scale.min,
    maxScale: fn.scaling?.max ?? 10,
    initialScale: scale.initial,
    window: a.window,
    scaleDownDelay: a.scaleDownDelay,
    targetBurstCapacity: a.targetBurstCapacity,
    panicWindowPercentage: a.panicWindowPercentage,
    panicThresholdPercentage: a.panicThresholdPercentage,
    activationScale: a.activationScale,
  };
}

/** Where in the spec each autoscaling setting comes from, for messages that point at the input. */
const AUTOSCALING_SOURCE: Record<keyof AutoscalingSettings, PathSegment[]> = {
  class: ['knative', 'autoscaling', 'class'],
  metric: ['scaling', 'metric'],
  target: ['scaling', 'target'],
  targetUtilizationPercentage: ['knative', 'autoscaling', 'targetUtilizationPercentage'],
  minScale: ['scaling', 'min'],
  maxScale: ['scaling', 'max'],
  initialScale: ['coldStart'],
  window: ['knative', 'autoscaling', 'window'],
  scaleDownDelay: ['knative', 'autoscaling', 'scaleDownDelay'],
  targetBurstCapacity: ['knative', 'autoscaling', 'targetBurstCapacity'],
  panicWindowPercentage: ['knative', 'autoscaling', 'panicWindowPercentage'],
  panicThresholdPercentage: ['knative', 'autoscaling', 'panicThresholdPercentage'],
  activationScale: ['knative', 'autoscaling', 'activationScale'],
};

type Environments = { readonly profiles: readonly EnvironmentProfile[]; readonly bad: ReadonlySet<string> };

function checkFunction(ctx: RuleContext, fn: FunctionSpec, environments: Environments): void {
  const at = (...p: PathSegment[]) => ctx.at('functions', fn, ...p);
  if (fn.name === DEAD_LETTER_SINK_NAME) {
    ctx.issues.add(at('name'), fn.name, `is reserved for the tenant's dead-letter sink; choose another name`);
  }
  for (const p of autoscalingProblems(functionAutoscaling(fn))) {
    // min > max is reported by the generic function rule already.
    if (p.field === 'minScale' && /maxScale/.test(p.message)) continue;
    const source = p.field === 'minScale' && fn.scaling?.min === undefined ? ['coldStart'] : AUTOSCALING_SOURCE[p.field];
    ctx.issues.add(at(...source), p.value, p.message);
  }
  if (fn.timeoutSeconds !== undefined && fn.timeoutSeconds > KNATIVE_LIMITS.maxRevisionTimeoutSeconds) {
    ctx.issues.add(at('timeoutSeconds'), fn.timeoutSeconds, `Knative rejects revision timeouts above max-revision-timeout-seconds (${KNATIVE_LIMITS.maxRevisionTimeoutSeconds})`);
  }
  const traffic = fn.knative?.traffic;
  if (traffic) {
    for (const p of trafficProblems(fn.name, traffic)) {
      ctx.issues.add(p.index === undefined ? at('knative', 'traffic') : at('knative', 'traffic', p.index, ...(p.field ? [p.field] : [])), p.value, p.message);
    }
  }
  checkNames(ctx, fn, environments);
}

/**
 * Names and hosts Knative derives from a function: its revisions, the eventing objects of its
 * triggers (DNS labels), and its public hosts `<name>.<tenant>.<domain>` (and
 * `<tag>-<name>.<tenant>.<domain>` per traffic tag) in every environment.
 */
function checkNames(ctx: RuleContext, fn: FunctionSpec, environments: Environments): void {
  const at = (...p: PathSegment[]) => ctx.at('functions', fn, ...p);
  const service = serviceNameProblem(fn.name);
  if (service) ctx.issues.add(at('name'), fn.name, service);
  const rev = fn.knative?.revision;
  if (rev !== undefined) {
    const p = derivedNameProblem(rev, KNATIVE_NAMES.revision(fn.name, rev), 'the revision', 'Knative revision names (label values)', DNS_LABEL_MAX);
    if (p) ctx.issues.add(at('knative', 'revision'), rev, p.replace('use a name of', 'use a revision suffix of'));
  }
  (fn.triggers ?? []).forEach((t, i) => {
    const name =
      t.type === 'event'
        ? EVENTING_NAMES.eventTrigger(fn.name, i)
        : t.type === 'schedule'
          ? EVENTING_NAMES.schedule(fn.name, i)
          : t.type === 'kafka'
            ? EVENTING_NAMES.kafkaSource(fn.name, i)
            : undefined;
    const what = t.type === 'event' ? 'the Trigger' : t.type === 'schedule' ? 'the PingSource and Trigger' : 'the KafkaSource';
    const p = name && derivedNameProblem(fn.name, name, `${what} of this trigger`, 'Knative eventing names (label values)', EVENTING_NAME_MAX);
    if (p) ctx.issues.add(at('name'), fn.name, p);
    if (t.type === 'event') {
      for (const [attr, value] of Object.entries(t.filters ?? {})) {
        if (!CLOUDEVENT_ATTRIBUTE.test(attr))
          ctx.issues.add(at('triggers', i, 'filters', attr), attr, `is ${attr.length} characters; the Knative eventing webhook takes CloudEvent attribute names of 1–20 lowercase letters or digits`);
        if (value === '') ctx.issues.add(at('triggers', i, 'filters', attr), value, 'must not be empty (the Knative eventing webhook refuses it): leave the attribute out to match any value');
      }
    }
  });
  if (fn.knative?.clusterLocal) return; // cluster-local services are <name>.<tenant>.svc.cluster.local
  const { bad } = environments;
  const tags = (fn.knative?.traffic ?? []).flatMap((t, i) => (t.tag !== undefined ? [{ tag: t.tag, i }] : []));
  for (const e of environments.profiles) {
    if (bad.has(e.domain)) continue; // environments.<env>.domain is reported
    const host = KNATIVE_NAMES.host(fn.name, fn.tenant, e.domain);
    const p = hostProblem(host);
    if (p) {
      ctx.issues.add(
        at('name'),
        fn.name,
        `in environment ${e.env} Knative's host "${host}" (<name>.<tenant>.<domain>) ${p}: use shorter function, tenant or domain names, or set knative.clusterLocal`,
      );
      continue;
    }
    for (const { tag, i } of tags) {
      const tagged = KNATIVE_NAMES.host(KNATIVE_NAMES.tagService(tag, fn.name), fn.tenant, e.domain);
      const q = tagged.length <= 253 ? undefined : hostProblem(tagged);
      if (q) ctx.issues.add(at('knative', 'traffic', i, 'tag'), tag, `in environment ${e.env} the tag's host "${tagged}" ${q}: use a shorter tag`);
    }
  }
}

/** Cross-field rules of Knative functions and the `knative` section (flows between functions). */
export const knativeRules: Rule = (ctx) => {
  const { spec, issues } = ctx;
  // Once for all functions: merging and checking each environment's profile is not free.
  const environments = { profiles: environmentProfiles(spec), bad: brokenDomains(spec) };
  for (const fn of spec.functions) if (fn.target === 'knative') checkFunction(ctx, fn, environments);

  const tenants = new Set(spec.tenants.map((t) => t.name));
  const functions = new Map(spec.functions.map((f) => [f.name, f]));
  const k = spec.knative;
  const flows = {
    sequence: new Map(k.sequences.map((s) => [`${s.tenant}/${s.name}`, s])),
    parallel: new Map(k.parallels.map((p) => [`${p.tenant}/${p.name}`, p])),
  };

  /** A function used as a step, subscriber or sink: must exist, run on Knative, in the same tenant. */
  const checkFunctionRef = (path: PathSegment[], name: string, tenant: string) => {
    const fn = functions.get(name);
    if (!fn)
      issues.add(
        path,
        name,
        `no such function; knative functions of tenant "${tenant}": ${
          [...functions.values()]
            .filter((f) => f.target === 'knative' && f.tenant === tenant)
            .map((f) => f.name)
            .join(', ') || '(none)'
        }`,
      );
    else if (fn.target !== 'knative') issues.add(path, name, `is a "${fn.target}" function; Knative flows can only call knative functions`);
    else if (fn.tenant !== tenant) issues.add(path, name, `belongs to tenant "${fn.tenant}", not "${tenant}": Knative does not link across namespaces`);
  };
  const checkDestination = (path: PathSegment[], d: EventDestination, tenant: string) => {
    if ('function' in d) checkFunctionRef([...path, 'function'], d.function, tenant);
    else if ('sequence' in d && !flows.sequence.has(`${tenant}/${d.sequence}`)) issues.add([...path, 'sequence'], d.sequence, `no sequence "${d.sequence}" in tenant "${tenant}"`);
    else if ('parallel' in d && !flows.parallel.has(`${tenant}/${d.parallel}`)) issues.add([...path, 'parallel'], d.parallel, `no parallel "${d.parallel}" in tenant "${tenant}"`);
  };
  const flowTriggerName = (path: PathSegment[], name: string) => {
    const p = derivedNameProblem(name, EVENTING_NAMES.flowTrigger(name), 'the Trigger that feeds this flow from its broker', 'Knative eventing names (label values)', EVENTING_NAME_MAX);
    if (p) issues.add(path, name, p);
  };
  const checkTenant = (path: PathSegment[], tenant: string) => {
    if (!tenants.has(tenant)) issues.add(path, tenant, `no such tenant; defined tenants: ${[...tenants].join(', ') || '(none)'}`);
  };

  // Flows become Knative objects named after them in the tenant's namespace: names must not collide.
  const names = new Map<string, string>();
  const claim = (path: PathSegment[], kind: string, tenant: string, name: string) => {
    const key = `${kind}/${tenant}/${name}`;
    const first = names.get(key);
    if (first) issues.add(path, name, `duplicate ${kind} name in tenant "${tenant}" (also ${first})`);
    else names.set(key, path.slice(0, 3).map(String).join('.'));
  };

  k.sequences.forEach((s, i) => {
    const base: PathSegment[] = ['knative', 'sequences', i];
    checkTenant([...base, 'tenant'], s.tenant);
    claim([...base, 'name'], 'sequence', s.tenant, s.name);
    if (s.trigger) flowTriggerName([...base, 'name'], s.name);
    s.steps.forEach((step, j) => checkFunctionRef([...base, 'steps', j], step, s.tenant));
    if (s.reply) checkDestination([...base, 'reply'], s.reply, s.tenant);
    if (s.reply && 'sequence' in s.reply && s.reply.sequence === s.name) issues.add([...base, 'reply', 'sequence'], s.name, 'a sequence cannot reply to itself (the events would loop forever)');
  });
  k.parallels.forEach((p, i) => {
    const base: PathSegment[] = ['knative', 'parallels', i];
    checkTenant([...base, 'tenant'], p.tenant);
    claim([...base, 'name'], 'parallel', p.tenant, p.name);
    if (p.trigger) flowTriggerName([...base, 'name'], p.name);
    p.branches.forEach((b, j) => {
      if (b.filter) checkFunctionRef([...base, 'branches', j, 'filter'], b.filter, p.tenant);
      checkFunctionRef([...base, 'branches', j, 'subscriber'], b.subscriber, p.tenant);
      if (b.reply) checkDestination([...base, 'branches', j, 'reply'], b.reply, p.tenant);
    });
    if (p.reply) checkDestination([...base, 'reply'], p.reply, p.tenant);
  });
  k.pings.forEach((ping, i) => {
    const base: PathSegment[] = ['knative', 'pings', i];
    checkTenant([...base, 'tenant'], ping.tenant);
    claim([...base, 'name'], 'ping', ping.tenant, ping.name);
    checkDestination([...base, 'sink'], ping.sink, ping.tenant);
    if (ping.timezone !== undefined && !isTimeZone(ping.timezone)) {
      issues.add([...base, 'timezone'], ping.timezone, 'is not an IANA time zone such as "UTC" or "Europe/Berlin"');
    }
    if (ping.data !== undefined && (ping.contentType ?? 'application/json') === 'application/json' && !isJson(ping.data)) {
      issues.add([...base, 'data'], ping.data, 'is not valid JSON, but contentType is "application/json"; fix the data or set contentType (e.g. "text/plain")');
    }
  });
  k.replays.forEach((r, i) => {
    const base: PathSegment[] = ['knative', 'replays', i];
    checkTenant([...base, 'tenant'], r.tenant);
    if (r.to) checkDestination([...base, 'to'], r.to, r.tenant);
  });
  spec.functions.forEach((fn) => {
    if (fn.target !== 'knative') return;
    (fn.triggers ?? []).forEach((t, i) => {
      if (t.type === 'schedule' && t.timezone !== undefined && !isTimeZone(t.timezone)) {
        issues.add(ctx.at('functions', fn, 'triggers', i, 'timezone'), t.timezone, 'is not an IANA time zone such as "UTC" or "Europe/Berlin"');
      }
    });
  });
};

/** Whether the runtime knows the IANA zone (Knative checks with Go's time.LoadLocation). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
