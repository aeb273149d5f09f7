import { Chart, Testing } from 'cdk8s';
import { AlertRouting } from '../../lib/k8s/observability/alert-routing';
import { deadLetterTopicGroup, deliveryAlerts, eventingDataPlaneGroup } from '../../lib/k8s/observability/eventing-rules';
import type { AlertingRule } from '../../lib/k8s/observability/rule-model';
import { SpecError } from '../../lib/core/errors';
import { parseSpec } from '../../lib/spec/parse';
import { referenceCopy, synthEnv } from '../support/synth';
import { validateAll } from '../support/validate';
import { describeWithTool, run } from './tools';

function routing(spec = parseSpec(referenceCopy())): AlertRouting {
  const chart = new Chart(Testing.app(), 'test');
  return new AlertRouting(chart, 'r', { name: 'acme-alert-routing', namespace: 'monitoring', receivers: spec.observability.receivers, smtp: spec.observability.smtp });
}

describe('AlertmanagerConfig', () => {
  test('routes each receiver by its severities and tenants, secrets only by reference, and passes the CRD schema', () => {
    const { get } = synthEnv('prod');
    const amc = get('AlertmanagerConfig', 'acme-alert-routing', 'monitoring');
    expect(validateAll([amc])).toEqual([]);
    expect(amc.spec.route.receiver).toBe('blackhole');
    expect(amc.spec.route.routes).toEqual([
      { receiver: 'platform-oncall', matchers: [{ name: 'severity', value: 'critical', matchType: '=~' }], continue: true },
      {
        receiver: 'shop-team',
        matchers: [
          { name: 'severity', value: 'critical|warning|info', matchType: '=~' },
          { name: 'tenant', value: 'shop', matchType: '=~' },
        ],
        continue: true,
      },
      {
        receiver: 'shop-team',
        matchers: [
          { name: 'severity', value: 'critical|warning|info', matchType: '=~' },
          { name: 'tenant', value: '', matchType: '=' },
          { name: 'namespace', value: 'shop', matchType: '=~' },
        ],
        continue: true,
      },
    ]);
    const shop = amc.spec.receivers.find((r: any) => r.name === 'shop-team');
    expect(shop.webhookConfigs).toEqual([{ urlSecret: { name: 'shop-slack-webhook', key: 'url' }, sendResolved: true }]);
    const oncall = amc.spec.receivers.find((r: any) => r.name === 'platform-oncall');
    expect(oncall.emailConfigs[0]).toMatchObject({ to: 'oncall@acme.example', smarthost: 'smtp.acme.example:587', authPassword: { name: 'alertmanager-smtp', key: 'password' }, requireTLS: true });
    // no URL or password value anywhere in the object
    expect(JSON.stringify(amc)).not.toMatch(/https?:\/\//);
  });

  test('the chart’s Alertmanager takes it as its whole configuration and selects it', () => {
    const { get } = synthEnv('prod');
    const values = get('HelmRelease', 'kube-prometheus-stack', 'monitoring').spec.values;
    expect(values.alertmanager.alertmanagerSpec.alertmanagerConfiguration).toEqual({ name: 'acme-alert-routing' });
    expect(values.alertmanager.alertmanagerSpec.alertmanagerConfigNamespaceSelector.matchExpressions[0].values).toEqual(['monitoring']);
  });

  test('a Slack receiver gets the URL from its secret and its channel', () => {
    const spec = referenceCopy();
    spec.observability.receivers.push({ name: 'iot-slack', slackUrlSecret: { name: 'iot-slack', key: 'url' }, slackChannel: '#iot-alerts', tenants: ['iot'], severities: ['critical', 'warning'] });
    const r = routing(parseSpec(spec));
    const amc = r.resource.toJson();
    expect(amc.spec.receivers.find((x: any) => x.name === 'iot-slack').slackConfigs).toEqual([{ apiURL: { name: 'iot-slack', key: 'url' }, sendResolved: true, channel: '#iot-alerts' }]);
  });

  test('bad receivers are SpecErrors naming the field', () => {
    const noSmtp = referenceCopy();
    delete noSmtp.observability.smtp;
    expect(() => parseSpec(noSmtp)).toThrow('observability.receivers[0].emails: email receivers need "observability.smtp" (smarthost and from address) (got ["oncall@acme.example"])');
    const badTenant = referenceCopy();
    badTenant.observability.receivers[1].tenants = ['shops'];
    expect(() => parseSpec(badTenant)).toThrow('observability.receivers[1].tenants[0]: no such tenant; defined tenants: shop, media, iot (got "shops")');
    const nowhere = referenceCopy();
    nowhere.observability.receivers.push({ name: 'nobody' });
    expect(() => parseSpec(nowhere)).toThrow('observability.receivers[2]: a receiver needs at least one of "emails", "webhookUrlSecret" or "slackUrlSecret"');
    const dup = referenceCopy();
    dup.observability.receivers.push({ name: 'shop-team', emails: ['x@acme.example'] });
    expect(() => parseSpec(dup)).toThrow('observability.receivers[2].name: duplicate receiver name');
    const badHost = referenceCopy();
    badHost.observability.smtp.smarthost = 'smtp.acme.example';
    expect(() => parseSpec(badHost)).toThrow(SpecError);
    expect(() => parseSpec(badHost)).toThrow('observability.smtp.smarthost: must be "host:port"');
  });

  test('an SLO above the function’s timeout is a SpecError (it could never fire)', () => {
    const spec = referenceCopy();
    spec.functions.find((f: any) => f.name === 'promo-discount').slo = { latencyP99Ms: 25000 };
    expect(() => parseSpec(spec)).toThrow('functions[3].slo.latencyP99Ms: must be below the timeout of function "promo-discount" (20000 ms)');
    const dflt = referenceCopy();
    dflt.observability.defaultSlo.latencyP99Ms = 45000;
    expect(() => parseSpec(dflt)).toThrow('observability.defaultSlo.latencyP99Ms: must be below the timeout of function "ship" (30000 ms)');
  });
});

describeWithTool('amtool', 'amtool', () => {
  const yaml = () => routing().toAlertmanagerYaml();

  test('the rendered alertmanager.yml passes `amtool check-config`', () => {
    const res = run('amtool', ['check-config', 'alertmanager.yml'], { 'alertmanager.yml': yaml() });
    expect(res.out).toContain('SUCCESS');
    expect(res.out).toMatch(/Found:\s+- global config\s+- route\s+- 1 inhibit rules\s+- 3 receivers/);
    expect(res.status).toBe(0);
  });

  test('a broken config fails `amtool check-config` (the check can fail)', () => {
    const res = run('amtool', ['check-config', 'alertmanager.yml'], { 'alertmanager.yml': yaml().replace('receiver: platform-oncall', 'receiver: nobody') });
    expect(res.status).not.toBe(0);
  });

  /** Receivers amtool routes a label set to. */
  function routesFor(labels: string[]): string {
    const res = run('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...labels], { 'alertmanager.yml': yaml() });
    expect(res.status).toBe(0);
    return res.stdout.trim();
  }

  test('routing by severity and tenant (`amtool config routes test`)', () => {
    // critical shop alert: on-call (critical) and the shop team
    expect(routesFor(['severity=critical', 'tenant=shop', 'alertname=FunctionErrorRatioHigh'])).toBe('platform-oncall,shop-team');
    // warning shop alert: only the shop team
    expect(routesFor(['severity=warning', 'tenant=shop', 'alertname=FunctionLatencyHigh'])).toBe('shop-team');
    // critical iot alert: only on-call
    expect(routesFor(['severity=critical', 'tenant=iot'])).toBe('platform-oncall');
    // the chart's Kubernetes alerts carry a namespace, not a tenant
    expect(routesFor(['severity=warning', 'namespace=shop', 'alertname=KubePodCrashLooping'])).toBe('shop-team');
    // warnings of other tenants and the Watchdog go nowhere
    expect(routesFor(['severity=warning', 'tenant=media'])).toBe('blackhole');
    expect(routesFor(['severity=none', 'alertname=Watchdog'])).toBe('blackhole');
  });

  test('alerts for lost events reach the tenant’s receivers: routed by the labels the rules set', () => {
    const labelsOf = (a: AlertingRule, extra: Record<string, string> = {}) => Object.entries({ alertname: a.alert, ...a.labels, ...extra }).map(([k, v]) => `${k}=${v}`);
    const [dead] = deadLetterTopicGroup([{ tenant: 'shop', topic: 'shop-dead-letters' }]).rules as AlertingRule[];
    const [fnDead, fnFailing] = deliveryAlerts({ function: 'ship', tenant: 'shop', namespace: 'shop', triggers: ['ship-event-0'], kafkaSources: [] });
    const [down] = eventingDataPlaneGroup('knative-eventing').rules as AlertingRule[];
    // critical: on-call and the shop team; the per-function warning: the shop team only
    expect(routesFor(labelsOf(dead, { topic: 'shop-dead-letters' }))).toBe('platform-oncall,shop-team');
    expect(routesFor(labelsOf(fnDead))).toBe('platform-oncall,shop-team');
    expect(routesFor(labelsOf(fnFailing))).toBe('shop-team');
    // the data plane's health is the platform's: on-call, not a tenant team
    expect(routesFor(labelsOf(down, { component: 'kafka-broker-receiver', namespace: 'knative-eventing' }))).toBe('platform-oncall');
  });
});
