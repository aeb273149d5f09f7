/**
 * Availability as the profiles promise it (ha.podDisruptionBudgets, ha.antiAffinity): every
 * function and component that keeps two or more replicas in staging and prod has a
 * PodDisruptionBudget and prefers spreading its pods across nodes; dev and edge have neither.
 */
import { PROFILES } from '../../lib/spec/profiles';
import { type Manifest, REFERENCE_ENVIRONMENTS, referenceCopy, synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';

const soft = (matchLabels: Record<string, string>) => ({
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels } } }] },
});
const valuesOf = (out: ReturnType<typeof synthEnv>, release: string) => out.find('HelmRelease').find((r) => r.metadata.name === release)!.spec.values;

describe.each([...REFERENCE_ENVIRONMENTS])('availability in %s', (env) => {
  const out = synthEnv(env);
  const ha = PROFILES[env].ha;

  test('payment (prewarmed, 2 instances): a disruption budget and a soft spread over nodes where the profile asks', () => {
    const pdbs = out.find('PodDisruptionBudget', 'payment', 'shop');
    const ksvc = out.find('Service', 'payment', 'shop').find((o) => o.apiVersion === 'serving.knative.dev/v1')!;
    if (ha.podDisruptionBudgets) {
      expect(pdbs.map((p) => p.spec)).toEqual([{ maxUnavailable: 1, selector: { matchLabels: { 'serving.knative.dev/service': 'payment' } } }]);
      expect(out.byLayer.apps).toContain(pdbs[0]);
      expect(validateAll(pdbs)).toEqual([]);
    } else expect(pdbs).toEqual([]);
    expect(ksvc.spec.template.spec.affinity).toEqual(ha.antiAffinity ? soft({ 'serving.knative.dev/service': 'payment' }) : undefined);
    // Knative refuses affinity in a Service unless this feature is on.
    const features = out.get('KnativeServing', 'knative-serving').spec.config.features ?? {};
    expect(features['kubernetes.podspec-affinity']).toBe(ha.antiAffinity ? 'enabled' : undefined);
  });

  test('functions that may scale to zero or keep one replica get neither', () => {
    for (const name of ['validate-order', 'ship', 'temperature-alert']) {
      const ksvc = out.find('Service', name).find((o) => o.apiVersion === 'serving.knative.dev/v1')!;
      expect(ksvc.spec.template.spec.affinity).toBeUndefined();
      expect(out.find('PodDisruptionBudget', name)).toEqual([]);
    }
  });

  test('OpenFaaS gateway and queue worker, and Grafana, spread over nodes when replicated', () => {
    const openfaas = valuesOf(out, 'openfaas');
    const c = PROFILES[env].components;
    const apps = [...(c.openfaasGateway.replicas > 1 ? ['gateway'] : []), ...(c.openfaasQueueWorker.replicas > 1 ? ['queue-worker'] : [])];
    if (ha.antiAffinity && apps.length > 0) {
      expect(openfaas.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: apps }] }, matchLabelKeys: ['app'] } },
      ]);
    } else expect(openfaas.affinity).toBeUndefined();
    const grafana = valuesOf(out, 'kube-prometheus-stack').grafana;
    expect(grafana.affinity).toEqual(ha.antiAffinity && c.grafana.replicas > 1 ? soft({ 'app.kubernetes.io/name': 'grafana' }) : undefined);
  });
});

describe('OpenFaaS functions kept at two replicas', () => {
  const spec = referenceCopy();
  const promo = spec.functions.find((f: { name: string }) => f.name === 'promo-discount');
  promo.scaling = { min: 2, max: 5 };

  test('Pro (prod): a disruption budget and the spread Profile composed with the security one', () => {
    const out = synthEnv('prod', spec);
    const fn = out.get('Function', 'promo-discount', 'openfaas-fn');
    expect(fn.spec.annotations['com.openfaas.profile']).toBe('hybrid-serverless-restricted,hybrid-serverless-spread');
    const profile = out.get('Profile', 'hybrid-serverless-spread', 'openfaas');
    expect(profile.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchExpressions: [{ key: 'faas_function', operator: 'Exists' }] },
      matchLabelKeys: ['faas_function'],
    });
    const pdb = out.get('PodDisruptionBudget', 'promo-discount', 'openfaas-fn');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { faas_function: 'promo-discount' } } });
    expect(validateAll([profile, pdb])).toEqual([]);
    // Functions at one replica keep the security Profile alone.
    expect(out.get('Function', 'weekly-report', 'openfaas-fn').spec.annotations['com.openfaas.profile']).toBe('hybrid-serverless-restricted');
  });

  test('CE (staging switched to CE): the Deployment itself prefers spreading, with a disruption budget', () => {
    const ce = referenceCopy();
    ce.functions.find((f: { name: string }) => f.name === 'promo-discount').scaling = { min: 2, max: 5 };
    ce.environments.staging.openfaas = { edition: 'ce' };
    const out = synthEnv('staging', ce);
    const deployment = out.get('Deployment', 'promo-discount', 'openfaas-fn');
    expect(deployment.spec.template.spec.affinity).toEqual(soft({ faas_function: 'promo-discount' }));
    expect(out.find('PodDisruptionBudget', 'promo-discount', 'openfaas-fn')).toHaveLength(1);
    expect(out.find('Profile')).toEqual([]);
  });

  test('dev: no budget, no spread (the profile asks for neither)', () => {
    const out = synthEnv('dev', spec);
    expect(out.find('PodDisruptionBudget', 'promo-discount')).toEqual([]);
    expect(out.get('Deployment', 'promo-discount', 'openfaas-fn').spec.template.spec.affinity).toBeUndefined();
  });
});

test('a spec that turns the affinity feature off keeps Knative functions unspread (Knative would refuse the field)', () => {
  const spec = referenceCopy();
  spec.knative = { ...spec.knative, features: { 'kubernetes.podspec-affinity': 'disabled' } };
  const out = synthEnv('prod', spec);
  const ksvc = out.find('Service', 'payment', 'shop').find((o: Manifest) => o.apiVersion === 'serving.knative.dev/v1')!;
  expect(ksvc.spec.template.spec.affinity).toBeUndefined();
  expect(out.find('PodDisruptionBudget', 'payment', 'shop')).toHaveLength(1);
});
