import { Chart, Testing } from 'cdk8s';
import { TenantSecretPolicy, tenantSecretPolicyName } from '../../lib/k8s/tenancy/tenant-secret-policy';
import { referenceSpec } from '../../stacks/reference';
import { parseErrorMessage, specErrorMessage } from '../support/errors';
import { type Manifest, REFERENCE_ENVIRONMENTS, referenceCopy, synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';

/** Every Secret name an object of the output references, wherever a pod spec or a KafkaSource reads one. */
function secretNamesIn(o: Manifest): string[] {
  const names: string[] = [];
  const walk = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') {
      const rec = v as Record<string, unknown>;
      if ((key === 'secretKeyRef' || key === 'secretRef') && typeof rec.name === 'string') names.push(rec.name);
      if (key === 'secret' && typeof rec.secretName === 'string') names.push(rec.secretName);
      for (const [k, x] of Object.entries(rec)) walk(x, k);
    }
  };
  walk(o.spec);
  return names;
}

const grantedOf = (policy: Manifest): string[] => JSON.parse(policy.spec.variables.find((v: { name: string }) => v.name === 'granted').expression);

describe.each([...REFERENCE_ENVIRONMENTS])('secret-reference admission policy, %s', (env) => {
  const out = synthEnv(env);

  test.each(referenceSpec.tenants.map((t) => t.name))('%s: grants exactly the Secrets its Knative objects reference, bound to its namespace only', (tenant) => {
    const policy = out.get('ValidatingAdmissionPolicy', tenantSecretPolicyName(tenant));
    const binding = out.get('ValidatingAdmissionPolicyBinding', tenantSecretPolicyName(tenant));
    const referenced = out.objects
      .filter((o) => o.metadata.namespace === tenant && (o.kind === 'KafkaSource' || (o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1')))
      .flatMap(secretNamesIn);
    expect(grantedOf(policy)).toEqual([...new Set(referenced)].sort());
    expect(binding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': tenant } } },
    });
    // In the config layer: in force before the apps layer writes the functions it checks.
    expect(out.byLayer.config).toContain(policy);
    expect(out.byLayer.config).toContain(binding);
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules.flatMap((r: { resources: string[] }) => r.resources)).toEqual(['services', 'configurations', 'kafkasources']);
    expect(validateAll([policy, binding])).toEqual([]);
  });

  test('the shop tenant references its payment-api Secret and Kafka credentials: all granted, nothing else', () => {
    const granted = grantedOf(out.get('ValidatingAdmissionPolicy', tenantSecretPolicyName('shop')));
    expect(granted).toContain('payment-api');
    expect(granted.some((s) => s.startsWith('kafka-'))).toBe(true);
    expect(granted).not.toContain('shop-slack-webhook');
  });

  test('developers may exec into pods only where the spec grants it', () => {
    for (const t of referenceSpec.tenants) {
      const role = out.get('Role', 'tenant-developer', t.name);
      const exec = role.rules.some((r: { resources?: string[] }) => r.resources?.includes('pods/exec'));
      expect({ tenant: t.name, exec }).toEqual({ tenant: t.name, exec: (t.developerExec ?? []).includes(env) });
    }
  });
});

describe('developerExec in the spec', () => {
  test('no exec anywhere by default', () => {
    const spec = referenceCopy();
    for (const t of spec.tenants) delete t.developerExec;
    for (const env of REFERENCE_ENVIRONMENTS) {
      const out = synthEnv(env, spec);
      const execRoles = out.find('Role').filter((r) => r.rules.some((x: { resources?: string[] }) => x.resources?.includes('pods/exec')));
      expect(execRoles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([]);
    }
  });

  test('a name the spec has no environment of grants nothing; a name that is no DNS label is refused with its path', () => {
    const spec = referenceCopy();
    spec.environments = { dev: spec.environments.dev };
    for (const t of spec.tenants) t.developerExec = ['qa'];
    const execRoles = synthEnv('dev', spec)
      .find('Role')
      .filter((r) => r.rules.some((x: { resources?: string[] }) => x.resources?.includes('pods/exec')));
    expect(execRoles).toEqual([]);
    spec.tenants[1].developerExec = ['Dev_1'];
    expect(parseErrorMessage(spec)).toContain('tenants[1].developerExec[0]');
  });
});

describe('TenantSecretPolicy construct', () => {
  test('refuses a name that is no Secret name', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(specErrorMessage(() => new TenantSecretPolicy(chart, 'p', { namespace: 'shop', granted: ['Not_A_Name'] }))).toContain(
      'TenantSecretPolicy(shop).granted: must be a Secret name (a DNS-1123 subdomain) (got "Not_A_Name")',
    );
  });

  test('grants added later land in the same policy, sorted and once', () => {
    const chart = new Chart(Testing.app(), 'c');
    const p = new TenantSecretPolicy(chart, 'p', { namespace: 'shop', granted: ['b'] });
    p.grant('a', 'b');
    const [policy] = Testing.synth(chart);
    expect(JSON.parse(policy.spec.variables[0].expression)).toEqual(['a', 'b']);
    expect(policy.spec.validations.map((v: { message: string }) => v.message)).toEqual([
      expect.stringContaining('a container env or envFrom references a Secret not granted to tenant shop (granted: a, b)'),
      expect.stringContaining('a secret or projected volume references'),
      expect.stringContaining('imagePullSecrets references'),
      expect.stringContaining('spec.net (SASL/TLS) of the KafkaSource references'),
    ]);
  });
});
