import * as fs from 'fs';
import * as https from 'https';
import { parse } from 'yaml';
import type { KubeObject } from '../../../lib/cluster/kubectl';
import { RbacModel, VERBS, type AccessRequest, type Subject } from '../../tenancy/access';
import type { ControlPlane } from './control-plane';

/** Resources probed in every namespace, besides those the roles name. */
export const PROBES: readonly { apiGroup: string; resource: string }[] = [
  { apiGroup: '', resource: 'secrets' },
  { apiGroup: '', resource: 'pods' },
  { apiGroup: '', resource: 'pods/exec' },
  { apiGroup: '', resource: 'pods/log' },
  { apiGroup: '', resource: 'serviceaccounts' },
  { apiGroup: '', resource: 'configmaps' },
  { apiGroup: '', resource: 'resourcequotas' },
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' },
  { apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
  { apiGroup: 'serving.knative.dev', resource: 'services' },
  { apiGroup: 'openfaas.com', resource: 'functions' },
];

/** Cluster-scoped writes nobody the toolkit binds may make. */
export const CLUSTER_PROBES: readonly AccessRequest[] = [
  { verb: 'create', apiGroup: '', resource: 'namespaces' },
  { verb: 'delete', apiGroup: '', resource: 'namespaces', name: 'kube-system' },
  { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { verb: 'create', apiGroup: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { verb: 'update', apiGroup: '', resource: 'nodes', name: 'node-1' },
  { verb: 'list', apiGroup: '', resource: 'secrets' },
];

export interface NamedSubject {
  readonly label: string;
  readonly subject: Subject;
}

/** Every group and ServiceAccount the output binds or creates. */
export function subjectsOf(objects: readonly KubeObject[]): NamedSubject[] {
  const seen = new Map<string, NamedSubject>();
  for (const o of objects) {
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      for (const s of o.subjects ?? []) {
        if (s.kind === 'Group') seen.set(`group:${s.name}`, { label: `group ${s.name}`, subject: { kind: 'Group', name: s.name } });
        if (s.kind === 'ServiceAccount') seen.set(`sa:${s.namespace}/${s.name}`, { label: `sa ${s.namespace}/${s.name}`, subject: { kind: 'ServiceAccount', name: s.name, namespace: s.namespace } });
      }
    }
    if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') {
      const ns = o.metadata.namespace!;
      seen.set(`sa:${ns}/${o.metadata.name}`, { label: `sa ${ns}/${o.metadata.name}`, subject: { kind: 'ServiceAccount', name: o.metadata.name, namespace: ns } });
    }
  }
  return [...seen.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** The requests to put to the authorizer: every verb on every probed resource in every namespace, plus cluster-scoped writes. */
export function requestsFor(model: RbacModel, namespaces: readonly string[]): AccessRequest[] {
  const resources = new Map<string, { apiGroup: string; resource: string }>();
  for (const p of PROBES) resources.set(`${p.apiGroup}/${p.resource}`, p);
  const names = new Map<string, Set<string>>();
  for (const rules of [...model.roles.values(), ...model.clusterRoles.values()]) {
    for (const r of rules) {
      for (const g of r.apiGroups ?? [])
        for (const res of r.resources ?? []) {
          if (g === '*' || res === '*') continue;
          resources.set(`${g}/${res}`, { apiGroup: g, resource: res });
          for (const n of r.resourceNames ?? []) (names.get(`${g}/${res}`) ?? names.set(`${g}/${res}`, new Set()).get(`${g}/${res}`)!).add(n);
        }
    }
  }
  const out: AccessRequest[] = [];
  for (const ns of namespaces) {
    for (const [key, { apiGroup, resource }] of resources) {
      for (const verb of VERBS) {
        out.push({ verb, apiGroup, resource, namespace: ns });
        for (const name of names.get(key) ?? []) if (!['create', 'list', 'watch', 'deletecollection'].includes(verb)) out.push({ verb, apiGroup, resource, namespace: ns, name });
      }
    }
  }
  return [...out, ...CLUSTER_PROBES];
}

function userInfo(s: Subject): { user: string; groups: string[] } {
  if (s.kind === 'ServiceAccount')
    return { user: `system:serviceaccount:${s.namespace}:${s.name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${s.namespace}`, 'system:authenticated'] };
  if (s.kind === 'Group') return { user: 'hybrid-serverless-probe', groups: [s.name, 'system:authenticated'] };
  return { user: s.name, groups: ['system:authenticated'] };
}

/** The API server's address and the admin client certificate, read from the control plane's kubeconfig. */
function apiClient(cp: ControlPlane): { server: URL; agent: https.Agent } {
  const config = parse(fs.readFileSync(cp.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority': string } }[];
    users: { user: { 'client-certificate': string; 'client-key': string } }[];
  };
  const { server, 'certificate-authority': ca } = config.clusters[0].cluster;
  const { 'client-certificate': cert, 'client-key': key } = config.users[0].user;
  return {
    server: new URL(server),
    agent: new https.Agent({ keepAlive: true, maxSockets: SAR_CONCURRENCY, ca: fs.readFileSync(ca), cert: fs.readFileSync(cert), key: fs.readFileSync(key) }),
  };
}

/** SubjectAccessReviews in flight at once: the authorizer answers each from its cache, so the client is the limit. */
const SAR_CONCURRENCY = 16;

function postReview(client: { server: URL; agent: https.Agent }, body: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: client.server.hostname,
        port: client.server.port,
        path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        method: 'POST',
        agent: client.agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if (res.statusCode !== 201) return reject(new Error(`SubjectAccessReview: HTTP ${res.statusCode}: ${text}`));
          resolve((JSON.parse(text) as { status?: { allowed?: boolean } }).status?.allowed === true);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Asks the real authorizer every request for one subject (a SubjectAccessReview each, POSTed to
 * the API server as the admin, SAR_CONCURRENCY at a time); answers in order.
 */
export async function authorize(cp: ControlPlane, subject: Subject, requests: readonly AccessRequest[]): Promise<boolean[]> {
  const { user, groups } = userInfo(subject);
  const client = apiClient(cp);
  const answers: boolean[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const r = requests[i];
      const [resource, subresource] = r.resource.split('/');
      const review = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user,
          groups,
          resourceAttributes: { verb: r.verb, group: r.apiGroup, resource, ...(subresource && { subresource }), ...(r.namespace && { namespace: r.namespace }), ...(r.name && { name: r.name }) },
        },
      };
      answers[i] = await postReview(client, JSON.stringify(review));
    }
  };
  try {
    await Promise.all(Array.from({ length: SAR_CONCURRENCY }, worker));
  } finally {
    client.agent.destroy();
  }
  return answers;
}

export const describeRequest = (r: AccessRequest) => `${r.verb} ${r.apiGroup || 'core'}/${r.resource}${r.name ? `(${r.name})` : ''} ${r.namespace ? `in ${r.namespace}` : 'cluster-wide'}`;

/** One line per subject and namespace: what it may do there, as the real authorizer answered. */
export function matrix(subject: NamedSubject, requests: readonly AccessRequest[], answers: readonly boolean[]): string[] {
  const rows = new Map<string, string[]>();
  requests.forEach((r, i) => {
    if (!answers[i]) return;
    const where = r.namespace ?? '(cluster)';
    const list = rows.get(where) ?? [];
    list.push(`${r.verb} ${r.apiGroup || 'core'}/${r.resource}${r.name ? `(${r.name})` : ''}`);
    rows.set(where, list);
  });
  if (rows.size === 0) return [`${subject.label}: nothing`];
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ns, l]) => `${subject.label} @ ${ns}: ${compact(l)}`);
}

/** `get,list,watch core/pods` instead of three entries. */
function compact(entries: readonly string[]): string {
  const byRes = new Map<string, string[]>();
  for (const e of entries) {
    const [verb, res] = e.split(' ');
    byRes.set(res, [...(byRes.get(res) ?? []), verb]);
  }
  return [...byRes.entries()].map(([res, verbs]) => `${res}[${verbs.join(',')}]`).join(' ');
}
