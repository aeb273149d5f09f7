/**
 * Tier 2: every environment of the reference stack and of examples/minimal.platform.yaml,
 * applied layer by layer to a real kube-apiserver (with etcd and kube-controller-manager) on
 * 127.0.0.1, as Flux's kustomize-controller applies it: server-side apply, strict field
 * validation, CRDs of the pinned releases installed first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { applyObjects } from '../../lib/cluster/apply';
import { objectId, type KubeObject } from '../../lib/cluster/kubectl';
import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironment } from '../../lib/platform/synth';
import type { EnvironmentName } from '../../lib/spec/common';
import { parseSpec } from '../../lib/spec/parse';
import type { PlatformSpecInput } from '../../lib/spec/platform';
import { environmentNames } from '../../lib/spec/resolve';
import { referenceSpec } from '../../stacks/reference';
import { RbacModel } from '../tenancy/access';
import { ControlPlane, describeCluster } from './support/control-plane';
import { withoutAFunction } from './support/prune';
import { applyFolders, contents, deploy, ownedSelector, policyTypeChecking, prune, refusalsOf, versions, warningsOf, type Deployment } from './support/environment';
import { firstPodAdmission, ownWorkloads, waitForPods } from './support/pods';
import { authorize, describeRequest, matrix, requestsFor, subjectsOf, type NamedSubject } from './support/rbac';
import { controllerWorkloads } from './support/workloads';

const minimal = parse(fs.readFileSync(path.resolve(__dirname, '../../examples/minimal.platform.yaml'), 'utf8')) as PlatformSpecInput;
const SPECS: [string, PlatformSpecInput][] = [
  ['reference stack', referenceSpec],
  ['examples/minimal.platform.yaml', minimal],
];

const render = (spec: PlatformSpecInput, env: EnvironmentName) => renderEnvironment(new HybridPlatform(parseSpec(spec), env));

const log = (lines: string[]) => console.log(lines.join('\n'));

for (const [label, spec] of SPECS) {
  for (const env of environmentNames(parseSpec(spec))) {
    describeCluster(`${label}, environment ${env}, on a real API server`, () => {
      let cp: ControlPlane;
      let first: Deployment;
      const output = render(spec, env);
      const timings: string[] = [];
      const timed = <T>(what: string, f: () => T): T => {
        const t = Date.now();
        const r = f();
        timings.push(`${what} ${((Date.now() - t) / 1000).toFixed(1)}s`);
        return r;
      };

      beforeAll(() => {
        cp = timed('start', () => ControlPlane.start());
        first = timed('apply', () => deploy(cp, output));
      });
      afterAll(() => {
        cp?.stop();
        log([`${label} ${env}: ${timings.join(', ')}`]);
      });

      test('every layer applies: zero refused objects, zero warnings', () => {
        const total = [...first.byFolder.values()].reduce((n, l) => n + l.length, 0);
        expect(refusalsOf(first.results)).toEqual([]);
        expect(warningsOf(first.results)).toEqual([]);
        expect(versions(first.results).size).toBe(total);
      });

      test('a second apply changes nothing; a third changes no resourceVersion', () => {
        const again = timed('re-apply', () => applyFolders(cp, first.byFolder));
        expect(refusalsOf(again)).toEqual([]);
        expect(warningsOf(again)).toEqual([]);
        const before = contents(first.results);
        expect([...contents(again).entries()].filter(([id, c]) => before.get(id) !== c).map(([id]) => id)).toEqual([]);
        // A CRD that defaults status fields (Flux's observedGeneration: -1, Kong's) has them
        // defaulted on read and stored on the next write, and an object whose status another
        // manager applied (the API server's type checker writes a ValidatingAdmissionPolicy's)
        // has our manager's entry re-stamped once: the second apply may bump the resourceVersion
        // of such objects without changing them; from then on nothing moves.
        const third = applyFolders(cp, first.byFolder);
        const second = versions(again);
        const sameContent = contents(again, true);
        const thirdContent = contents(third, true);
        const moved = [...versions(third).entries()].filter(([id, rv]) => second.get(id) !== rv && sameContent.get(id) === thirdContent.get(id)).map(([id]) => id);
        expect(moved).toEqual([]);
      });

      test('the pods of every workload are admitted (Pod Security, LimitRange, ResourceQuota, ServiceAccount)', () => {
        const objects = [...first.byFolder.values()].flat();
        const simulated = controllerWorkloads(objects);
        const applied = applyObjects(cp.kubectl, simulated, { fieldManager: 'backend-controllers' });
        expect(applied.refusals.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
        // Pod Security warns where a namespace's warn level is stricter than what it enforces
        // (openfaas-fn: warn restricted, enforce baseline); admission itself is checked on the pods.
        if (applied.warnings.length > 0) log([`${label} ${env}: Pod Security warnings on backend workloads:`, ...applied.warnings.map((w) => `  ${w}`)]);
        const workloads = [...ownWorkloads(objects), ...simulated];
        const report = timed('pods', () => waitForPods(cp, workloads));
        log([`${label} ${env}: pods created per workload: ${[...report.created.entries()].map(([id, n]) => `${id}=${n}`).join(', ') || 'none'}`]);
        expect(report.failures).toEqual([]);
        expect(report.pending).toEqual([]);
        const firstPods = firstPodAdmission(cp, workloads);
        expect(firstPods.refused).toEqual([]);
        expect(workloads.length).toBeGreaterThan(0);
      });

      test('RBAC: the real authorizer answers as the README promises', async () => {
        const objects = [...first.byFolder.values()].flat();
        const model = new RbacModel(objects);
        const tenants = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['hybrid-serverless.io/tenant']).map((o) => o.metadata.name);
        const namespaces = [...tenants, 'openfaas-fn', 'kafka', 'kube-system'].filter((ns, i, a) => a.indexOf(ns) === i);
        const requests = requestsFor(model, namespaces);
        const lines: string[] = [];
        const mismatches: string[] = [];
        const broken: string[] = [];
        const subjects = subjectsOf(objects);
        expect(subjects.length).toBeGreaterThan(0);
        const answersOf = new Map<NamedSubject, boolean[]>();
        const started = Date.now();
        for (const s of subjects) answersOf.set(s, await authorize(cp, s.subject, requests));
        timings.push(`rbac ${((Date.now() - started) / 1000).toFixed(1)}s (${subjects.length} subjects × ${requests.length} reviews)`);
        timed('rbac-check', () => {
          for (const s of subjects) {
            const answers = answersOf.get(s)!;
            lines.push(...matrix(s, requests, answers));
            requests.forEach((r, i) => {
              if (answers[i] !== model.allows(s.subject, r)) mismatches.push(`${s.label}: ${describeRequest(r)}: authorizer ${answers[i]}, model ${!answers[i]}`);
              if (!answers[i]) return;
              // promises, both ways: no cluster-scoped writes, no Secrets but by name, no exec in prod,
              // nothing in another tenant's namespace, ServiceAccounts of functions get no API rights
              if (!r.namespace) broken.push(`${s.label} may ${describeRequest(r)}`);
              if (r.resource === 'secrets' && !r.name) broken.push(`${s.label} may ${describeRequest(r)} (Secrets only by name)`);
              // A ServiceAccount belongs to a tenant when it lives in the tenant's namespace; system ones (the
              // Kafka credential copy jobs in knative-eventing) may act in tenant namespaces on what they own.
              const own = s.subject.kind === 'ServiceAccount' ? (tenants.includes(s.subject.namespace!) ? s.subject.namespace : undefined) : tenantOfGroup(objects, s.subject.name);
              if (r.resource === 'pods/exec' && !execGranted(spec, own, env)) broken.push(`${s.label} may ${describeRequest(r)} (exec not granted in ${env})`);
              if (own && tenants.includes(r.namespace!) && r.namespace !== own) broken.push(`${s.label} (tenant ${own}) may ${describeRequest(r)}`);
              if (s.subject.kind === 'ServiceAccount' && s.subject.name === 'functions') broken.push(`${s.label} (functions' identity) may ${describeRequest(r)}`);
            });
          }
        });
        log([`RBAC matrix, ${label} ${env} (real authorizer; what each subject may do):`, ...lines.map((l) => `  ${l}`)]);
        expect(mismatches).toEqual([]);
        expect(broken).toEqual([]);
      });

      test('Secrets by name for workloads too: a tenant developer cannot make a function read a Secret the spec does not grant', () => {
        const objects = [...first.byFolder.values()].flat();
        const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.labels?.['hybrid-serverless.io/tenant']);
        const kafkaSourceTenants = new Set(objects.filter((o) => o.kind === 'KafkaSource').map((o) => o.metadata.namespace!));
        // Every tenant whose roles may create workloads has its policy (a tenant of a Knative-only output at least).
        expect(policies.length).toBeGreaterThan(0);
        // Type-checked against the pinned CRDs of every kind they match: no expression warning.
        expect(policies.map((p) => ({ policy: p.metadata.name, warnings: policyTypeChecking(cp, p.metadata.name) }))).toEqual(policies.map((p) => ({ policy: p.metadata.name, warnings: [] })));
        const probes = policies.flatMap((policy) => {
          const tenant = policy.metadata.labels!['hybrid-serverless.io/tenant'];
          const group = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === tenant && o.metadata.name === 'tenant-developer')?.subjects?.[0]?.name as string | undefined;
          return group ? [{ tenant, group, granted: parse(policy.spec.variables[0].expression) as string[] }] : [];
        });
        expect(probes.length).toBeGreaterThan(0);
        const lines: string[] = [];
        for (const { tenant, group, granted } of probes) {
          const asDeveloper = (o: object) => cp.kubectl.run(['create', '--dry-run=server', '--as=probe@example.com', `--as-group=${group}`, '-f', '-'], JSON.stringify(o));
          const ksvc = (name: string, container: object, podSpec: object = {}) => ({
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name, namespace: tenant },
            spec: { template: { spec: { containers: [{ image: 'ghcr.io/acme/probe:1.0.0', ...container }], ...podSpec } } },
          });
          const ungranted = 'not-granted-to-anyone';
          const attempts: [string, object, boolean][] = [
            ['env secretKeyRef', ksvc('probe-env', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: ungranted, key: 'k' } } }] }), false],
            ['envFrom secretRef', ksvc('probe-envfrom', { envFrom: [{ secretRef: { name: ungranted } }] }), false],
            ['secret volume', ksvc('probe-volume', { volumeMounts: [{ name: 's', mountPath: '/s', readOnly: true }] }, { volumes: [{ name: 's', secret: { secretName: ungranted } }] }), false],
            ['imagePullSecrets', ksvc('probe-pull', {}, { imagePullSecrets: [{ name: ungranted }] }), false],
            ['no Secret', ksvc('probe-plain', {}), true],
            ...(kafkaSourceTenants.has(tenant)
              ? [
                  [
                    'KafkaSource SASL user',
                    {
                      apiVersion: 'sources.knative.dev/v1',
                      kind: 'KafkaSource',
                      metadata: { name: 'probe-source', namespace: tenant },
                      spec: {
                        bootstrapServers: ['events-kafka-bootstrap.kafka:9093'],
                        topics: ['probe'],
                        net: { sasl: { enable: true, user: { secretKeyRef: { name: ungranted, key: 'user' } } } },
                        sink: { uri: 'http://probe.example.com' },
                      },
                    },
                    false,
                  ] as [string, object, boolean],
                ]
              : []),
            ...(granted.length > 0
              ? [[`granted Secret ${granted[0]}`, ksvc('probe-granted', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: granted[0], key: 'k' } } }] }), true] as [string, object, boolean]]
              : []),
          ];
          // The API server compiles a new policy asynchronously: wait until it refuses the first probe.
          cp.waitFor(() => asDeveloper(attempts[0][1]).code !== 0, 30, `the secret-reference policy of ${tenant} to take effect`);
          for (const [what, object, allowed] of attempts) {
            const r = asDeveloper(object);
            lines.push(`${tenant} developer (${group}), ${what}: ${r.code === 0 ? 'admitted' : 'refused'}`);
            if (allowed) expect({ what, tenant, stderr: r.stderr, code: r.code }).toEqual({ what, tenant, stderr: '', code: 0 });
            else {
              expect({ what, tenant, code: r.code }).toEqual({ what, tenant, code: 1 });
              expect(r.stderr).toContain(`references a Secret not granted to tenant ${tenant}`);
            }
          }
        }
        log([`Secret references, ${label} ${env} (server dry-run as each tenant's developers):`, ...lines.map((l) => `  ${l}`)]);
      });

      test('prune: removing a function from the spec removes exactly its objects', () => {
        const { name, spec: smaller, lastOfBackend } = withoutAFunction(spec);
        const next = render(smaller, env);
        const oldIds = new Set([...first.byFolder.values()].flat().map(objectId));
        const deployed = deploy(cp, next);
        expect(refusalsOf(deployed.results)).toEqual([]);
        const desired = [...deployed.byFolder.values()].flat();
        const expected = [...oldIds].filter((id) => !desired.some((o) => objectId(o) === id)).sort();
        const pruned = timed('prune', () => prune(cp, ownedSelector(desired, env), desired));
        expect(expected.length).toBeGreaterThan(0);
        expect(pruned).toEqual(expected);
        // what went is the function's: labelled with it or named after it
        const gone = [...first.byFolder.values()].flat().filter((o) => expected.includes(objectId(o)));
        const routes = ((spec as any).routes ?? []).filter((r: any) => r.function === name).map((r: any) => r.name as string);
        const owned = (o: KubeObject) => o.metadata.labels?.['hybrid-serverless.io/function'] === name || [name, ...routes].some((n) => o.metadata.name.startsWith(n));
        // (a backend's last function takes the backend's install with it: then only exactness holds)
        if (!lastOfBackend) expect(gone.filter((o) => !owned(o)).map(objectId)).toEqual([]);
        log([`${label} ${env}: removed function ${name}: pruned ${pruned.join(', ')}`]);
      });
    });
  }
}

/** The tenant a group belongs to, from the RoleBindings of tenant roles. */
/** Whether the spec grants the tenant's developers `pods/exec` in this environment. */
function execGranted(spec: PlatformSpecInput, tenant: string | undefined, env: string): boolean {
  return (spec.tenants ?? []).some((t) => t.name === tenant && (t.developerExec ?? []).includes(env));
}

function tenantOfGroup(objects: readonly KubeObject[], group: string): string | undefined {
  const b = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.labels?.['hybrid-serverless.io/tenant'] && (o.subjects ?? []).some((s: any) => s.kind === 'Group' && s.name === group));
  return b?.metadata.namespace;
}
