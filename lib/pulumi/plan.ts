import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { isUnknown } from '@pulumi/pulumi/output';
import { parse } from 'yaml';
import type { EnvironmentName } from '../spec/common';
import { UNSCOPABLE_ACTIONS } from '../aws/iam/policy';
import { parseArn } from '../core/arn';
import { skipPromiseStackTraces } from './promise-stacks';

/** One resource `pulumi up` would register. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource (undefined: the stack). */
  readonly parent?: string;
  /** `cluster:<layer>`, `cloud` or `program`. */
  readonly group: string;
  readonly custom: boolean;
  /**
   * A component the provider constructs (`kubernetes:helm.sh/v4:Chart`): it is listed, what it
   * contains is not — the provider renders that at preview, from the chart.
   */
  readonly remote: boolean;
  /** Names of the resources it explicitly depends on. */
  readonly dependsOn: string[];
  /**
   * The IAM policy documents among its inputs (an execution role's policy, a trust policy, a
   * topic policy), by input name: what `iamProblems` checks. @default none
   */
  readonly policies?: Record<string, { Statement: PlanStatement[] }>;
}

/** One statement of a policy document in the plan. */
export interface PlanStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
}

export interface Plan {
  readonly environment: string;
  readonly resources: PlannedResource[];
  /** Resources per group. */
  readonly counts: Record<string, number>;
  readonly outputs: Record<string, unknown>;
}

/** `Pulumi.<stack>.yaml` config as the engine hands it to a program (objects as JSON). */
export function stackConfig(root: string, stack: string): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return {};
  const doc = (parse(fs.readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` — no cloud, no Pulumi CLI — and
 * returns every resource it registers, with its parent, grouped by cluster layer or cloud.
 */
export async function planProgram(opts: { root: string; stack: EnvironmentName; project?: string; config?: Record<string, string>; load: () => Record<string, unknown> }): Promise<Plan> {
  const project = opts.project ?? 'hybrid-serverless';
  // the stack's config: given, or read from Pulumi.<stack>.yaml
  const config = opts.config ?? stackConfig(opts.root, opts.stack);
  const region = config['aws:region'] ?? 'eu-west-1';
  const policiesOf = new Map<string, Record<string, { Statement: PlanStatement[] }>>();
  skipPromiseStackTraces();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const policies = policyInputs(args.inputs);
        if (policies) policiesOf.set(`${args.type}::${args.name}`, policies);
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:${region}::${args.name}` } };
      },
      call: (args) => (args.token === 'aws:index/getRegion:getRegion' ? { name: region, region } : {}),
    },
    project,
    opts.stack,
    true,
  );
  pulumi.runtime.setAllConfig(config);

  // The mock monitor sees each registration with its parent's URN and answers with its own.
  const records: { type: string; name: string; custom: boolean; remote: boolean; parentUrn?: string; deps: string[]; urn?: string }[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock monitor's request and response are generated protobuf classes without exported types
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: (err: unknown, resp: any) => void) => void };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const record = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      remote: req.getRemote(),
      parentUrn: req.getParent() || undefined,
      deps: req.getDependenciesList() as string[],
      urn: undefined as string | undefined,
    };
    records.push(record);
    register(req, (err, resp) => {
      if (!err && resp) record.urn = resp.getUrn();
      cb(err, resp);
    });
  };
  const outputs = opts.load();
  await pulumi.runtime.disconnect();

  const byUrn = new Map(records.filter((r) => r.urn).map((r) => [r.urn!, r]));
  const groupOf = (r: (typeof records)[number], depth = 0): string => {
    if (r.type === 'hybrid-serverless:cluster:Layer') return `cluster:${r.name.split('-').pop()}`;
    const parent = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
    if (parent && depth < 64) return groupOf(parent, depth + 1);
    return r.type.startsWith('kubernetes:') || r.type === 'pulumi:providers:kubernetes' ? 'cluster' : 'cloud';
  };
  const resources: PlannedResource[] = records.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parentUrn ? byUrn.get(r.parentUrn)?.name : undefined,
    group: groupOf(r),
    custom: r.custom,
    remote: r.remote,
    dependsOn: r.deps.map((d) => byUrn.get(d)?.name ?? d),
    ...(policiesOf.has(`${r.type}::${r.name}`) && { policies: policiesOf.get(`${r.type}::${r.name}`) }),
  }));
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.group] = (counts[r.group] ?? 0) + 1;
  return { environment: opts.stack, resources, counts, outputs: await resolveOutputs(outputs) };
}

/** The inputs of a resource that are IAM policy documents (JSON strings or objects with a Statement list). */
function policyInputs(inputs: Record<string, unknown>): Record<string, { Statement: PlanStatement[] }> | undefined {
  const out: Record<string, { Statement: PlanStatement[] }> = {};
  for (const [key, value] of Object.entries(inputs ?? {})) {
    let doc: unknown = value;
    if (typeof value === 'string' && value.trimStart().startsWith('{')) {
      try {
        doc = JSON.parse(value);
      } catch {
        continue;
      }
    }
    if (doc && typeof doc === 'object' && Array.isArray((doc as { Statement?: unknown }).Statement)) out[key] = doc as { Statement: PlanStatement[] };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Least privilege, checked over the whole plan: every Allow statement of every policy document
 * the program would deploy names its actions (no `*`, no `service:*` or other wildcard) and its
 * resources (no `*`, no ARN with a wildcard in region or account), except the actions AWS
 * defines without resource-level permissions (UNSCOPABLE_ACTIONS, each with why). Deny
 * statements only narrow and are not checked. One line per problem; empty when it holds.
 */
export function iamProblems(plan: Pick<Plan, 'resources'>): string[] {
  const problems: string[] = [];
  for (const r of plan.resources) {
    for (const [input, doc] of Object.entries(r.policies ?? {})) {
      doc.Statement.forEach((st, i) => {
        if (st.Effect !== 'Allow') return;
        const where = `${r.type} ${r.name} ${input} statement ${st.Sid ?? i}`;
        const actions = ([] as string[]).concat(st.Action ?? []);
        for (const a of actions) if (a.includes('*')) problems.push(`${where}: wildcard action "${a}"`);
        for (const res of ([] as string[]).concat(st.Resource ?? [])) {
          const arn = res === '*' ? undefined : parseArn(res);
          if (res === '*') {
            const scopable = actions.filter((a) => !(a in UNSCOPABLE_ACTIONS));
            if (scopable.length > 0) problems.push(`${where}: "*" resource for ${scopable.join(', ')} (only ${Object.keys(UNSCOPABLE_ACTIONS).join(', ')} may have it)`);
          } else if (arn && (arn.region.includes('*') || arn.account.includes('*') || arn.partition.includes('*') || arn.service.includes('*'))) {
            problems.push(`${where}: resource "${res}" has a wildcard in its partition, service, region or account`);
          }
        }
      });
    }
  }
  return problems;
}

/** What an offline plan shows for a value only the deployment can tell (an ARN, an address). */
export const KNOWN_AFTER_DEPLOYMENT = '(known after deployment)';

/**
 * The program's outputs with every Output resolved. Under preview mocks, values the provider
 * would compute (resource outputs the mocks do not answer) are unknown: an apply on them never
 * runs, so they are read with their unknowns and shown as KNOWN_AFTER_DEPLOYMENT.
 */
async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs ?? {})) {
    const lifted = pulumi.output(v) as unknown as { promise(withUnknowns?: boolean): Promise<unknown> };
    out[k] = withoutUnknowns(await lifted.promise(true));
  }
  return out;
}

function withoutUnknowns(v: unknown): unknown {
  if (isUnknown(v)) return KNOWN_AFTER_DEPLOYMENT;
  if (Array.isArray(v)) return v.map(withoutUnknowns);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutUnknowns(x)]));
  return v;
}

/** Human-readable plan: resources grouped, with type, name and parent, then counts. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [`Plan for environment "${plan.environment}" (offline, pulumi.runtime.setMocks): ${plan.resources.length} resources`];
  const groups = [...new Set(plan.resources.map((r) => r.group))];
  for (const g of groups) {
    const rs = plan.resources.filter((r) => r.group === g);
    lines.push('', `${g} (${rs.length})`);
    for (const r of rs) lines.push(`  ${r.type.padEnd(58)} ${r.name}${r.remote ? ' *' : ''}${r.parent ? `   ← ${r.parent}` : ''}`);
  }
  if (plan.resources.some((r) => r.remote)) lines.push('', "Components marked * are rendered by the provider at preview: a chart's CRDs (kubernetes:helm.sh/v4:Chart) are not listed here.");
  lines.push(
    '',
    'counts: ' +
      Object.entries(plan.counts)
        .map(([g, n]) => `${g}=${n}`)
        .join(', '),
  );
  return lines.join('\n');
}
