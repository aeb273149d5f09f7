import { parseRequiredSecrets, REQUIRES_SECRETS } from '../../lib/k8s/gitops/helm-chart-install';
import { KafkaConnector } from '../../lib/k8s/openfaas/kafka-connector';
import { OPENFAAS_CE_LIMITS } from '../../lib/k8s/openfaas/limits';
import { OpenFaaSFunctionDeployment } from '../../lib/k8s/openfaas/openfaas-function-deployment';
import { OpenFaaSInstall } from '../../lib/k8s/openfaas/openfaas-install';
import { parseSpec } from '../../lib/spec';
import { openfaasEditionOf } from '../../lib/spec/platform';
import { referenceSpec } from '../../stacks/reference';
import { referenceCopy, synthEnv } from '../support/synth';
import { chartValues, describeWithUpstream, unknownValuePaths } from '../support/upstream';
import { validateAll } from '../support/validate';
import { baseSpec, testChart } from './support';
import { specErrorOf, parseErrorOf } from '../support/errors';

const SIZE = { replicas: 1, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } };
const CE = { openfaas: { edition: 'ce' } };
const fn = (extra: Record<string, unknown> = {}) => ({ name: 'report', tenant: 'shop', target: 'openfaas', image: 'ghcr.io/acme/report:1.0.0', ...extra });
const isOpenFaaS = (o: any) => ['openfaas', 'openfaas-fn'].includes(o.metadata.namespace) || ['openfaas', 'openfaas-fn'].includes(o.metadata.name);

describe('OpenFaaS Community Edition (reference dev and edge)', () => {
  const dev = synthEnv('dev', referenceSpec);
  const release = dev.get('HelmRelease', 'openfaas', 'openfaas');
  const values = release.spec.values;

  test('the reference stack runs CE in dev and edge, Pro in staging and prod', () => {
    const spec = parseSpec(referenceSpec);
    expect(['dev', 'staging', 'prod', 'edge'].map((e) => openfaasEditionOf(spec, e))).toEqual(['ce', 'pro', 'pro', 'ce']);
  });

  test('no openfaas.com object and no licence: the chart in its CE shape', () => {
    expect(dev.objects.filter((o) => o.apiVersion.startsWith('openfaas.com/'))).toEqual([]);
    expect(dev.find('Function')).toEqual([]);
    expect(values).toMatchObject({ openfaasPro: false, operator: { create: false }, createCRDs: false, autoscaler: { enabled: false }, alertmanager: { create: true } });
    expect(values.queueWorkerPro).toBeUndefined();
    // faas-netes runs beside the gateway, sized like it
    expect(values.faasnetes.resources).toEqual(values.gateway.resources);
    expect(release.metadata.annotations?.['hybrid-serverless.io/requires-secrets']).toBeUndefined();
    expect(JSON.stringify(dev.objects)).not.toContain('openfaas-license');
    // the Pulumi bridge creates the Secrets a release requires: none for CE, the licence for Pro
    const required = (r: any) => parseRequiredSecrets(r.metadata.annotations?.[REQUIRES_SECRETS]);
    expect(required(release)).toEqual([]);
    expect(required(synthEnv('prod', referenceSpec).get('HelmRelease', 'openfaas', 'openfaas'))).toEqual([{ namespace: 'openfaas', name: 'openfaas-license', key: 'license' }]);
  });

  test('each function is the Deployment faas-netes would create for faas-cli deploy', () => {
    const d = dev.get('Deployment', 'promo-discount', 'openfaas-fn');
    expect(d.metadata.labels).toMatchObject({ faas_function: 'promo-discount', 'hybrid-serverless.io/tenant': 'shop' });
    expect(d.metadata.annotations).toEqual({ 'prometheus.io.scrape': 'false' });
    expect(d.spec.selector).toEqual({ matchLabels: { faas_function: 'promo-discount' } });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    // min 1 < max 5: the gateway scales it, so the output leaves replicas to faas-netes
    expect(d.spec.replicas).toBeUndefined();
    const t = d.spec.template;
    expect(t.metadata.labels).toEqual({
      faas_function: 'promo-discount',
      'com.openfaas.scale.min': '1',
      'com.openfaas.scale.max': '5',
      'hybrid-serverless.io/tenant': 'shop',
      'hybrid-serverless.io/function': 'promo-discount',
    });
    expect(t.metadata.annotations).toEqual({ 'prometheus.io.scrape': 'false' });
    expect(t.spec.serviceAccountName).toBe('tenant-shop');
    expect(t.spec.automountServiceAccountToken).toBe(false);
    expect(t.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 12000, runAsGroup: 12000, fsGroup: 12000, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = t.spec.containers;
    expect(t.spec.containers).toHaveLength(1);
    expect(c.name).toBe('promo-discount');
    expect(c.image).toBe('ghcr.io/acme/promo-discount:0.9.0');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    // the watchdog timeouts, sorted by name as faas-netes sorts them
    expect(c.env).toEqual([
      { name: 'exec_timeout', value: '20s' },
      { name: 'read_timeout', value: '25s' },
      { name: 'write_timeout', value: '25s' },
    ]);
    for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe).toMatchObject({ httpGet: { path: '/_/health', port: 8080 }, periodSeconds: 2, timeoutSeconds: 1 });
    expect(c.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: 12000,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toEqual([{ name: 'temp', mountPath: '/tmp', readOnly: false }]);
    expect(t.spec.volumes).toEqual([{ name: 'temp', emptyDir: {} }]);
  });

  test('and the Service the gateway invokes it through: its name, port 8080', () => {
    const s = dev.get('Service', 'promo-discount', 'openfaas-fn');
    expect(s.spec).toEqual({ type: 'ClusterIP', selector: { faas_function: 'promo-discount' }, ports: [{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 8080 }] });
    expect(
      dev
        .find('Service')
        .filter((x) => x.metadata.namespace === 'openfaas-fn')
        .map((x) => x.metadata.name)
        .sort(),
    ).toEqual(['hello-python', 'nightly-backup', 'promo-discount', 'weekly-report']);
    // the API gateway still routes through the OpenFaaS gateway
    expect(dev.platform.endpoints.get('promo-discount')).toMatchObject({ service: { namespace: 'openfaas', name: 'gateway', port: 8080 }, path: '/function/promo-discount' });
  });

  test('schedules: the cron-connector (CE, no licence) reads the annotations on the Deployment', () => {
    const d = dev.get('Deployment', 'nightly-backup', 'openfaas-fn');
    for (const a of [d.metadata.annotations, d.spec.template.metadata.annotations]) expect(a).toEqual({ 'prometheus.io.scrape': 'false', topic: 'cron-function', schedule: '30 2 * * *' });
    // no retry annotations: the CE queue worker does not retry
    expect(JSON.stringify(d)).not.toContain('com.openfaas.retry');
    const cron = dev.get('HelmRelease', 'cron-connector', 'openfaas');
    expect(cron.spec.values).toMatchObject({ openfaasPro: false, asyncInvocation: true });
    expect(cron.metadata.annotations?.['hybrid-serverless.io/requires-secrets']).toBeUndefined();
  });

  test('tenant ServiceAccount in openfaas-fn without a token; the namespace enforces restricted', () => {
    expect(dev.get('ServiceAccount', 'tenant-shop', 'openfaas-fn')).toMatchObject({ automountServiceAccountToken: false, metadata: { labels: { 'hybrid-serverless.io/tenant': 'shop' } } });
    expect(dev.get('Namespace', 'openfaas-fn').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(synthEnv('prod', referenceSpec).get('Namespace', 'openfaas-fn').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('footprint: the gateway pod counts faas-netes, the Alertmanager runs, no autoscaler; functions keep min replicas', () => {
    const entry = (c: string) => dev.platform.footprint.entries.find((e) => e.component === c);
    expect(entry('openfaas/autoscaler')).toBeUndefined();
    expect(entry('openfaas/alertmanager')?.pods).toBe(1);
    expect(entry('openfaas/gateway')!.source).toContain('faasnetes.resources');
    for (const f of ['promo-discount', 'weekly-report', 'nightly-backup', 'hello-python']) expect(entry(`fn/${f}`)?.pods).toBe(1);
  });

  describeWithUpstream('validation', () => {
    test.each(['dev', 'edge'] as const)('every OpenFaaS object of %s validates, and values are keys of the CE chart', (env) => {
      const s = synthEnv(env, referenceSpec);
      const objects = s.objects.filter(isOpenFaaS);
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(4);
      expect(validateAll(objects)).toEqual([]);
      // resources maps are free-form (Kubernetes ResourceRequirements)
      const free = ['gateway.resources', 'faasnetes.resources', 'queueWorker.resources', 'prometheus.resources', 'alertmanager.resources', 'nats.resources'];
      expect(unknownValuePaths(s.get('HelmRelease', 'openfaas', 'openfaas').spec.values, chartValues('openfaas'), free)).toEqual([]);
    });
  });
});

describe('CE functions through the spec', () => {
  test('a fixed-size function (min = max) sets its replicas: nothing else scales it', () => {
    const s = synthEnv('dev', baseSpec([fn({ coldStart: { preset: 'prewarmed', instances: 3 }, scaling: { max: 3 } })], CE));
    const d = s.get('Deployment', 'report', 'openfaas-fn');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.metadata.labels).toMatchObject({ 'com.openfaas.scale.min': '3', 'com.openfaas.scale.max': '3' });
  });

  test('secrets: one projected volume, read-only at /var/openfaas/secrets, only the keys used', () => {
    const s = synthEnv('dev', baseSpec([fn({ secrets: [{ env: 'API_KEY', secret: 'report-api', key: 'api-key' }], openfaas: { readOnlyRootFilesystem: false } })], CE));
    const pod = s.get('Deployment', 'report', 'openfaas-fn').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'report-projected-secrets', projected: { sources: [{ secret: { name: 'report-api', items: [{ key: 'api-key', path: 'api-key' }] } }] } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'report-projected-secrets', mountPath: '/var/openfaas/secrets', readOnly: true }]);
    expect(pod.containers[0].env).toContainEqual({ name: 'API_KEY_FILE', value: '/var/openfaas/secrets/api-key' });
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('edition per environment: the environment wins over the top level, the top level over the default', () => {
    const spec = parseSpec(baseSpec([fn()], { openfaas: { edition: 'pro' }, environments: { dev: { domain: 'dev.acme.example', openfaas: { edition: 'ce' } }, prod: { domain: 'acme.example' } } }));
    expect(openfaasEditionOf(spec, 'dev')).toBe('ce');
    expect(openfaasEditionOf(spec, 'prod')).toBe('pro');
    const plain = referenceCopy();
    delete plain.environments.staging.openfaas;
    expect(openfaasEditionOf(parseSpec(plain), 'staging')).toBe('ce');
    expect(parseErrorOf(baseSpec([fn()], { openfaas: { edition: 'enterprise' } })).message).toContain('openfaas.edition: must be one of "ce", "pro" (got "enterprise")');
  });
});

describe('what CE lacks is a SpecError naming the path, the edition and the environments', () => {
  const ceDevPro = { environments: { dev: { domain: 'dev.acme.example', openfaas: { edition: 'ce' } }, prod: { domain: 'acme.example' } } };
  const EDITION = 'OpenFaaS Community Edition (openfaas.edition "ce", environment dev)';

  test('a kafka trigger: the kafka-connector is Pro; the alternatives are named', () => {
    const spec = referenceCopy();
    spec.functions.push(fn({ name: 'order-audit', triggers: [{ type: 'kafka', topic: 'orders', consumerGroup: 'order-audit' }] }));
    const e = parseErrorOf(spec);
    expect(e.message).toContain(
      `functions[${spec.functions.length - 1}].triggers[0]: OpenFaaS Community Edition (openfaas.edition "ce", environments dev, edge): the kafka-connector is OpenFaaS Pro (it needs a licence); set openfaas.edition "pro" for those environments, or deploy the function with target "knative" (a KafkaSource consumes the topic)`,
    );
    // Pro everywhere: accepted
    spec.openfaas = { edition: 'pro' };
    expect(() => parseSpec(spec)).not.toThrow();
  });

  test('Pro autoscaling, scale to zero, retries and more than 5 replicas', () => {
    const m = parseErrorOf(
      baseSpec(
        [
          fn({ name: 'a', scaling: { max: 8, target: 50, metric: 'rps' } }),
          fn({ name: 'b', coldStart: 'scale-to-zero', openfaas: { idleTimeout: '5m' } }),
          fn({ name: 'c', scaling: { min: 0 } }),
          fn({ name: 'd', openfaas: { async: true }, delivery: { retries: 5 } }),
          fn({ name: 'e', openfaas: { annotations: { 'eks.amazonaws.com/role-arn': 'x' } } }),
        ],
        { ...ceDevPro, openfaas: { queueWorker: { maxInflight: 10 } } },
      ),
    ).message;
    expect(m).toContain(
      `functions[0].scaling.max: ${EDITION}: OpenFaaS CE runs at most 5 replicas of a function (its provider lowers more to 5); use at most 5, or set openfaas.edition "pro" (licensed) for those environments (got 8)`,
    );
    expect(m).toContain(`functions[0].scaling.target: ${EDITION}: com.openfaas.scale.target is OpenFaaS Pro (its autoscaler); CE scales on a fixed invocation-rate alert; remove it`);
    expect(m).toContain(`functions[0].scaling.metric: ${EDITION}: com.openfaas.scale.type is OpenFaaS Pro`);
    expect(m).toContain(`functions[1].coldStart: ${EDITION}: scale to zero is OpenFaaS Pro: the CE provider raises a function at 0 replicas back to 1; use coldStart "warm"`);
    expect(m).toContain(`functions[1].openfaas.idleTimeout: ${EDITION}: the idle time before scaling to zero is OpenFaaS Pro`);
    expect(m).toContain(`functions[2].scaling.min: ${EDITION}: scale to zero is OpenFaaS Pro`);
    expect(m).toContain(`functions[3].delivery: ${EDITION}: per-function retries (com.openfaas.retry.*) are OpenFaaS Pro: the CE queue worker does not retry failed invocations; remove it`);
    expect(m).toContain(`functions[4].openfaas.annotations.eks.amazonaws.com/role-arn: ${EDITION}: OpenFaaS CE refuses cloud-provider annotations`);
    expect(m).toContain(`openfaas.queueWorker.maxInflight: ${EDITION} runs the CE queue worker, one invocation at a time: maxInflight is OpenFaaS Pro`);
    // the same spec on Pro everywhere is accepted
    const pro = baseSpec([fn({ name: 'a', scaling: { max: 8, target: 50, metric: 'rps' } }), fn({ name: 'b', coldStart: 'scale-to-zero', openfaas: { idleTimeout: '5m' } })], {
      openfaas: { edition: 'pro', queueWorker: { maxInflight: 10 } },
    });
    expect(() => parseSpec(pro)).not.toThrow();
  });

  test(`more than ${OPENFAAS_CE_LIMITS.maxFunctions} functions`, () => {
    const many = Array.from({ length: 16 }, (_, i) => fn({ name: `f${i}` }));
    expect(parseErrorOf(baseSpec(many, CE)).message).toContain(
      'functions[15]: is OpenFaaS function number 16: OpenFaaS Community Edition (openfaas.edition "ce", environments dev, prod, edge) serves at most 15 (with more, faas-netes disables every invocation)',
    );
    expect(() => parseSpec(baseSpec(many.slice(0, 15), CE))).not.toThrow();
  });

  test('the constructs refuse the same on their own', () => {
    const { chart } = testChart();
    const props = { name: 'x', image: 'ghcr.io/a/x:1', serviceAccountName: 'tenant-a' };
    expect(specErrorOf(() => new OpenFaaSFunctionDeployment(chart, 'z', { ...props, scaling: { zero: true } })).message).toContain(
      'OpenFaaSFunctionDeployment(x).scaling.zero: scale to zero is OpenFaaS Pro',
    );
    expect(specErrorOf(() => new OpenFaaSFunctionDeployment(chart, 'm', { ...props, scaling: { max: 6 } })).message).toContain('OpenFaaSFunctionDeployment(x).scaling.max: OpenFaaS CE runs at most 5');
    const ok = new OpenFaaSFunctionDeployment(chart, 'ok', props);
    expect(specErrorOf(() => ok.addKafkaTopic('orders')).message).toContain('OpenFaaSFunctionDeployment(x).topic: the kafka-connector is OpenFaaS Pro');
    const ce = new OpenFaaSInstall(chart, 'ce', { gateway: SIZE, queueWorker: SIZE });
    expect(ce.edition).toBe('ce');
    expect(
      specErrorOf(
        () => new KafkaConnector(chart, 'k', { openfaas: ce, topic: 'orders', brokerHosts: 'b:9093', group: 'g', auth: { mechanism: 'tls', caSecret: 'c', certSecret: 'c', keySecret: 'c' } }),
      ).message,
    ).toContain('KafkaConnector(orders).openfaas: the kafka-connector is OpenFaaS Pro');
    expect(specErrorOf(() => new OpenFaaSInstall(chart, 'ce2', { gateway: SIZE, queueWorker: SIZE, maxInflight: 4 })).message).toContain(
      'OpenFaaSInstall.maxInflight: the CE queue worker runs one invocation',
    );
  });
});
