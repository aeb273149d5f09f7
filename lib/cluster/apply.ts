import { itemsOf, objectId, warningsOf, type KubeObject, type Kubectl } from './kubectl';

/** The field manager of every apply: Flux uses its controller's name, we use ours. */
export const FIELD_MANAGER = 'hybrid-serverless';

/** Why the server did not take an object. */
export type RefusalKind =
  /** The object's kind is served by no CRD yet (a chart of an earlier layer installs it). */
  | 'crd-missing'
  /** Its namespace does not exist yet (a dry run of a layer whose namespaces are not created). */
  | 'namespace-missing'
  /** Refused: invalid, unknown field, admission, quota, conflict… */
  | 'refused';

export interface Refusal {
  readonly id: string;
  readonly object: KubeObject;
  readonly kind: RefusalKind;
  /** The field the server names, when it names one. */
  readonly field?: string;
  /** The server's message, without kubectl's prefix. */
  readonly message: string;
}

export interface ApplyResult {
  /** The objects as the server stored them (or would store them, in a dry run). */
  readonly applied: KubeObject[];
  readonly refusals: Refusal[];
  /** Warnings the server returned (deprecations, Pod Security on workloads, unknown fields in non-strict mode…). */
  readonly warnings: string[];
}

export interface ApplyOptions {
  /** Server-side dry run (dryRun=All): every admission and validation step, nothing stored. @default false */
  readonly dryRun?: boolean;
  /** @default FIELD_MANAGER */
  readonly fieldManager?: string;
}

/** Applied before anything else, as Flux's kustomize-controller does: they must exist first. */
const FIRST = new Set(['CustomResourceDefinition', 'Namespace']);

/** Objects in apply order: CRDs and Namespaces first, then the rest in their given order. */
export function applyOrder<T extends Pick<KubeObject, 'kind'>>(objects: readonly T[]): T[] {
  return [...objects.filter((o) => FIRST.has(o.kind)), ...objects.filter((o) => !FIRST.has(o.kind))];
}

function applyArgs(options: ApplyOptions): string[] {
  return [
    'apply',
    '--server-side',
    `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`,
    '--validate=strict',
    ...(options.dryRun ? ['--dry-run=server'] : []),
    '--show-managed-fields',
    '-f',
    '-',
  ];
}

const CRD_MISSING = /no matches for kind|the server could not find the requested resource|ensure CRDs are installed|doesn't have a resource type/i;
const NS_MISSING = /namespaces? "[^"]+" not found/i;
const FIELD =
  /(?:^|[\s:])(\.?[A-Za-z_][\w-]*(?:\[[^\]]*\])?(?:\.[\w-]+(?:\[[^\]]*\])?)*): (?:Invalid value|Required value|Unsupported value|Too long|Too many|Forbidden|Duplicate value|field not declared in schema|must be)/;

function classify(object: KubeObject, stderr: string): Refusal {
  const lines = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Warning: '));
  const message =
    lines
      .map((l) => l.replace(/^error: /, '').replace(/^Error from server(?: \([A-Za-z]+\))?: /, ''))
      .join('; ')
      .trim() || 'refused without a message';
  const kind: RefusalKind = CRD_MISSING.test(message) ? 'crd-missing' : NS_MISSING.test(message) ? 'namespace-missing' : 'refused';
  const field = FIELD.exec(message)?.[1];
  return { id: objectId(object), object, kind, field, message };
}

/**
 * Server-side applies objects (strict field validation) in one kubectl call, in apply order.
 * Objects the server did not take are applied again one by one to read each one's message,
 * so every refusal names its object.
 */
export function applyObjects(kubectl: Kubectl, objects: readonly KubeObject[], options: ApplyOptions = {}): ApplyResult {
  const ordered = applyOrder(objects);
  if (ordered.length === 0) return { applied: [], refusals: [], warnings: [] };
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ordered });
  const batch = kubectl.run([...applyArgs(options), '-o', 'json'], list);
  const warnings = warningsOf(batch.stderr);
  let applied: KubeObject[] = [];
  try {
    applied = batch.stdout.trim() ? itemsOf(JSON.parse(batch.stdout)) : [];
  } catch {
    applied = [];
  }
  if (batch.code === 0 && applied.length === ordered.length) return { applied, refusals: [], warnings };
  // Something was refused (or kubectl printed nothing): find out which, one object at a time.
  const got = new Set(applied.map(objectId));
  const refusals: Refusal[] = [];
  for (const o of ordered) {
    if (got.has(objectId(o))) continue;
    const one = kubectl.run([...applyArgs(options), '-o', 'json'], JSON.stringify(o));
    if (one.code === 0) {
      applied.push(...itemsOf(JSON.parse(one.stdout)));
      continue;
    }
    refusals.push(classify(o, one.stderr));
  }
  return { applied, refusals, warnings };
}

/** One line per refusal: what a person reads first. */
export function formatRefusal(r: Refusal): string {
  const what = r.kind === 'crd-missing' ? 'CRD not installed yet' : r.kind === 'namespace-missing' ? 'namespace not created yet' : 'refused';
  return `${r.id}: ${what}${r.field ? ` (field ${r.field})` : ''}: ${r.message}`;
}
