import { parseAllDocuments } from 'yaml';
import { applyObjects, FIELD_MANAGER, formatRefusal, type ApplyResult } from '../../../lib/cluster/apply';
import { objectId, type KubeObject } from '../../../lib/cluster/kubectl';
import type { EnvironmentOutput } from '../../../lib/platform/synth';
import type { ControlPlane } from './control-plane';

/** Apply order of the output folders: the layers, then the GitOps objects that drive them. */
export const FOLDERS = ['platform', 'config', 'apps', 'flux', 'argocd'] as const;

/** The objects of each output folder, parsed from the files the toolkit writes. */
export function objectsByFolder(output: EnvironmentOutput): Map<string, KubeObject[]> {
  const byFolder = new Map<string, KubeObject[]>();
  for (const [file, text] of output.files) {
    if (file.endsWith('kustomization.yaml')) continue;
    const folder = file.split('/')[0];
    const list = byFolder.get(folder) ?? [];
    list.push(...parseAllDocuments(text).map((d) => d.toJS() as KubeObject));
    byFolder.set(folder, list);
  }
  return byFolder;
}

export interface Deployment {
  readonly byFolder: Map<string, KubeObject[]>;
  readonly results: Map<string, ApplyResult>;
}

/** CRDs for every custom kind of the output, then each folder in order (server-side, strict). */
export function deploy(cp: ControlPlane, output: EnvironmentOutput): Deployment {
  const byFolder = objectsByFolder(output);
  const all = [...byFolder.values()].flat();
  cp.installCrdsFor(all);
  // The GitOps engine's own namespace (flux-system, argocd) exists once Flux or Argo CD is installed.
  const created = new Set(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  for (const ns of new Set([...(byFolder.get('flux') ?? []), ...(byFolder.get('argocd') ?? [])].map((o) => o.metadata.namespace!))) {
    if (!created.has(ns) && cp.kubectl.run(['get', 'namespace', ns]).code !== 0) cp.kubectl.run(['create', 'namespace', ns]);
  }
  const results = applyFolders(cp, byFolder);
  // The API server type-checks a ValidatingAdmissionPolicy after it is written and records the
  // result in its status: wait for it, as for a CRD to be Established, so that later applies see
  // a settled object.
  const policies = all.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name);
  if (policies.length > 0) cp.waitFor(() => policies.every((n) => policyTypeChecking(cp, n) !== undefined), 60, 'the API server to type-check the ValidatingAdmissionPolicies');
  return { byFolder, results };
}

/** The type-checking warnings the API server recorded for a ValidatingAdmissionPolicy (undefined: not checked yet). */
export function policyTypeChecking(cp: ControlPlane, name: string): string[] | undefined {
  const r = cp.kubectl.run(['get', 'validatingadmissionpolicies.admissionregistration.k8s.io', name, '-o', 'json']);
  if (r.code !== 0) return undefined;
  const o = JSON.parse(r.stdout) as { metadata: { generation?: number }; status?: { observedGeneration?: number; typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] } } };
  if (o.status?.observedGeneration !== o.metadata.generation || !o.status?.typeChecking) return undefined;
  return (o.status.typeChecking.expressionWarnings ?? []).map((w) => `${w.fieldRef}: ${w.warning}`);
}

export function applyFolders(cp: ControlPlane, byFolder: Map<string, KubeObject[]>): Map<string, ApplyResult> {
  const results = new Map<string, ApplyResult>();
  for (const folder of FOLDERS) {
    const objects = byFolder.get(folder);
    if (objects) results.set(folder, applyObjects(cp.kubectl, objects));
  }
  return results;
}

export function refusalsOf(results: Map<string, ApplyResult>): string[] {
  return [...results.entries()].flatMap(([folder, r]) => r.refusals.map((x) => `${folder}: ${formatRefusal(x)}`));
}

export function warningsOf(results: Map<string, ApplyResult>): string[] {
  return [...results.entries()].flatMap(([folder, r]) => r.warnings.map((w) => `${folder}: ${w}`));
}

/** Annotations a controller adds to our objects after an apply (not ours, not part of what an apply changes). */
const CONTROLLER_ANNOTATIONS: ReadonlySet<string> = new Set(['deployment.kubernetes.io/revision']);

/**
 * objectId → the object as the server returned it, without resourceVersion, status and controllers'
 * annotations (controllers write them: the resourcequota controller fills in a quota's status), managed fields
 * included: an apply that changes nothing leaves this identical.
 */
export function contents(results: Map<string, ApplyResult>, withStatus = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results.values()) {
    for (const o of r.applied) {
      const { status, ...rest } = o;
      if (withStatus) rest.status = status;
      const { resourceVersion, managedFields, ...metadata } = rest.metadata;
      void resourceVersion;
      // annotations controllers write (the deployment controller numbers a Deployment's rollouts)
      if (!withStatus && metadata.annotations) {
        const annotations = Object.fromEntries(Object.entries(metadata.annotations as Record<string, string>).filter(([k]) => !CONTROLLER_ANNOTATIONS.has(k)));
        metadata.annotations = Object.keys(annotations).length > 0 ? annotations : undefined;
      }
      // our own field manager's entry, without its time: the fields it owns change when our apply
      // changes something; its time is also re-stamped once when another manager applied the
      // status in between (see the third-apply check, which catches any rewrite that repeats)
      const ours = (managedFields as { manager?: string; time?: string }[] | undefined)
        ?.filter((m) => withStatus || m.manager === FIELD_MANAGER)
        .map((m) => (withStatus ? m : { ...m, time: undefined }));
      out.set(objectId(o), JSON.stringify({ ...rest, metadata: { ...metadata, managedFields: ours } }));
    }
  }
  return out;
}

/** objectId → resourceVersion of what the server returned. */
export function versions(results: Map<string, ApplyResult>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results.values()) for (const o of r.applied) out.set(objectId(o), o.metadata.resourceVersion ?? '');
  return out;
}

/** The label selector that finds everything one environment of one platform wrote. */
export function ownedSelector(objects: readonly KubeObject[], env: string): string {
  const partOf = objects.find((o) => o.metadata.labels?.['app.kubernetes.io/part-of'])?.metadata.labels?.['app.kubernetes.io/part-of'];
  return `app.kubernetes.io/managed-by=hybrid-serverless,app.kubernetes.io/part-of=${partOf},hybrid-serverless.io/environment=${env}`;
}

/** Every object in the cluster matching a selector, over every listable resource type. */
export function listOwned(cp: ControlPlane, selector: string): KubeObject[] {
  const types = cp.kubectl
    .run(['api-resources', '--verbs=list,delete', '-o', 'name'])
    .stdout.split('\n')
    .filter(Boolean)
    // events and the objects controllers derive (ReplicaSets, Pods, EndpointSlices…) copy labels; they are not ours
    .filter((t) => !/^(events|events\.events\.k8s\.io|pods|replicasets\.apps|endpointslices\.discovery\.k8s\.io|endpoints|controllerrevisions\.apps|leases\.coordination\.k8s\.io)$/.test(t));
  const answer = cp.kubectl.json(['get', types.join(','), '-A', '-l', selector]);
  return answer.items as KubeObject[];
}

/** Flux-style prune: delete what carries our labels but is no longer in the output. */
export function prune(cp: ControlPlane, selector: string, desired: readonly KubeObject[]): string[] {
  const want = new Set(desired.map(objectId));
  const stale = listOwned(cp, selector).filter((o) => !want.has(objectId(o)));
  for (const o of stale) {
    // A stale Namespace goes first when it sorts first; the namespace controller may then have
    // removed its objects before they are deleted here (seen under load): gone is what prune wants.
    const r = cp.kubectl.run(['delete', '--wait=false', '--ignore-not-found', '-f', '-'], JSON.stringify(o));
    if (r.code !== 0) throw new Error(`cannot delete ${objectId(o)}: ${r.stderr}`);
  }
  return stale.map(objectId).sort();
}
