import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  AlertmanagerConfig,
  AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType,
  AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType,
  AlertmanagerConfigSpecRouteMatchersMatchType,
} from '../../imports/prom-alertmanagerconfig-monitoring.coreos.com';
import { fail } from '../../core/errors';
import type { Severity } from './rule-model';
import { anyOf } from './rule-model';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** Alerts no receiver wants (Watchdog, InfoInhibitor, unmatched severities) end here. */
export const BLACKHOLE = 'blackhole';

/** Labels alerts are grouped by: one notification per alert, tenant, function or component. */
export const GROUP_BY = ['alertname', 'tenant', 'namespace', 'function', 'component', 'threshold'];

/** A key of a Secret in Alertmanager's namespace. */
export interface AlertSecretRef {
  readonly name: string;
  readonly key: string;
}

/** One Alertmanager receiver and the alerts routed to it. */
export interface AlertReceiver {
  /** Receiver name. */
  readonly name: string;
  /** Addresses mailed (needs `smtp`). @default none */
  readonly emails?: readonly string[];
  /** Webhook URL, by reference to a secret. @default none */
  readonly webhookUrlSecret?: AlertSecretRef;
  /** Slack incoming-webhook URL, by reference to a secret. @default none */
  readonly slackUrlSecret?: AlertSecretRef;
  /** Slack channel, when the webhook is not bound to one. @default the webhook's channel */
  readonly slackChannel?: string;
  /** Severities routed here. @default all */
  readonly severities?: readonly ('critical' | 'warning' | 'info')[];
  /** Tenants routed here. @default all */
  readonly tenants?: readonly string[];
}

/** The mail server Alertmanager sends through. */
export interface SmtpSettings {
  /** `host:port` of the SMTP server. */
  readonly smarthost: string;
  /** Sender address. */
  readonly from: string;
  /** @default no authentication */
  readonly authUsername?: string;
  /** Password, by reference to a secret. @default none */
  readonly authPasswordSecret?: AlertSecretRef;
  /** Require STARTTLS. @default true */
  readonly requireTls?: boolean;
}

export interface AlertRoutingProps {
  /** AlertmanagerConfig name (the chart's Alertmanager takes it as its whole configuration). */
  readonly name: string;
  /** Alertmanager's namespace: the referenced secrets must be there too. */
  readonly namespace: string;
  /** Extra labels on the AlertmanagerConfig. @default {} */
  readonly labels?: Record<string, string>;
  readonly receivers: readonly AlertReceiver[];
  /** Mail server, required when a receiver has emails. @default none */
  readonly smtp?: SmtpSettings;
}

interface Matcher {
  readonly name: string;
  readonly op: '=' | '=~';
  readonly value: string;
}

interface RouteModel {
  readonly receiver: string;
  readonly matchers: readonly Matcher[];
}

/**
 * Alertmanager routing for the platform: each receiver of the spec gets the alerts of its
 * severities and tenants (by the `tenant` label the toolkit's rules set, or — for the
 * chart's Kubernetes alerts, which have none — by the tenant's namespace). Every route
 * continues, so an alert reaches every receiver that wants it. Critical alerts silence the
 * warnings of the same alert and subject.
 */
export class AlertRouting extends Construct {
  readonly resource: AlertmanagerConfig;
  private readonly routes: RouteModel[];
  private readonly props: AlertRoutingProps;

  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);
    const names = new Set<string>([BLACKHOLE]);
    for (const r of props.receivers) {
      if (names.has(r.name)) fail(`AlertRouting(${props.name}).receivers`, r.name, `duplicate receiver name (or the reserved "${BLACKHOLE}")`);
      names.add(r.name);
      if (r.emails?.length && !props.smtp) fail(`AlertRouting(${props.name}).smtp`, undefined, `receiver "${r.name}" has emails: an SMTP server is required`);
      if (!r.emails?.length && !r.webhookUrlSecret && !r.slackUrlSecret) fail(`AlertRouting(${props.name}).receivers`, r.name, 'a receiver needs emails, a webhook or a Slack URL');
    }
    this.props = props;
    this.routes = props.receivers.flatMap((r) => {
      const severity: Matcher = { name: 'severity', op: '=~', value: anyOf(r.severities ?? SEVERITIES) };
      if (!r.tenants?.length) return [{ receiver: r.name, matchers: [severity] }];
      const tenants = anyOf(r.tenants);
      return [
        { receiver: r.name, matchers: [severity, { name: 'tenant', op: '=~', value: tenants }] },
        { receiver: r.name, matchers: [severity, { name: 'tenant', op: '=', value: '' }, { name: 'namespace', op: '=~', value: tenants }] },
      ];
    });

    const smtp = props.smtp;
    this.resource = new AlertmanagerConfig(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels && { labels: props.labels }) },
      spec: {
        route: {
          receiver: BLACKHOLE,
          groupBy: GROUP_BY,
          groupWait: '30s',
          groupInterval: '5m',
          repeatInterval: '4h',
          routes: this.routes.map((r) => ({
            receiver: r.receiver,
            matchers: r.matchers.map((m) => ({ name: m.name, value: m.value, matchType: m.op as AlertmanagerConfigSpecRouteMatchersMatchType })),
            continue: true,
          })),
        },
        receivers: [
          { name: BLACKHOLE },
          ...props.receivers.map((r) => ({
            name: r.name,
            ...(r.emails?.length && {
              emailConfigs: r.emails.map((to) => ({
                to,
                from: smtp!.from,
                smarthost: smtp!.smarthost,
                requireTls: smtp!.requireTls ?? true,
                sendResolved: true,
                ...(smtp!.authUsername && { authUsername: smtp!.authUsername }),
                ...(smtp!.authPasswordSecret && { authPassword: { name: smtp!.authPasswordSecret.name, key: smtp!.authPasswordSecret.key } }),
              })),
            }),
            ...(r.webhookUrlSecret && { webhookConfigs: [{ urlSecret: { name: r.webhookUrlSecret.name, key: r.webhookUrlSecret.key }, sendResolved: true }] }),
            ...(r.slackUrlSecret && {
              slackConfigs: [{ apiUrl: { name: r.slackUrlSecret.name, key: r.slackUrlSecret.key }, sendResolved: true, ...(r.slackChannel && { channel: r.slackChannel }) }],
            }),
          })),
        ],
        inhibitRules: [
          {
            sourceMatch: [{ name: 'severity', value: 'critical', matchType: AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType.VALUE_EQUALS }],
            targetMatch: [{ name: 'severity', value: 'warning|info', matchType: AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType.VALUE_EQUAL_TILDE }],
            equal: ['alertname', 'tenant', 'namespace', 'function', 'component'],
          },
        ],
      },
    });
  }

  /**
   * The alertmanager.yml the Prometheus Operator generates from this AlertmanagerConfig when
   * it is the Alertmanager's global configuration (`alertmanagerConfiguration`), for
   * `amtool check-config` and `amtool config routes test`. The operator inlines secret
   * values; here each reference becomes a recognisable placeholder
   * (`https://secret.invalid/<namespace>/<name>/<key>`).
   */
  toAlertmanagerYaml(): string {
    const ns = this.props.namespace;
    const secretUrl = (s: { name: string; key: string }) => `https://secret.invalid/${ns}/${s.name}/${s.key}`;
    const matcher = (m: Matcher) => `${m.name}${m.op}${JSON.stringify(m.value)}`;
    const smtp = this.props.smtp;
    const config = {
      route: {
        receiver: BLACKHOLE,
        group_by: GROUP_BY,
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '4h',
        routes: this.routes.map((r) => ({ receiver: r.receiver, matchers: r.matchers.map(matcher), continue: true })),
      },
      inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'tenant', 'namespace', 'function', 'component'] }],
      receivers: [
        { name: BLACKHOLE },
        ...this.props.receivers.map((r) => ({
          name: r.name,
          ...(r.emails?.length && {
            email_configs: r.emails.map((to) => ({
              to,
              from: smtp!.from,
              smarthost: smtp!.smarthost,
              require_tls: smtp!.requireTls ?? true,
              send_resolved: true,
              ...(smtp!.authUsername && { auth_username: smtp!.authUsername }),
              ...(smtp!.authPasswordSecret && { auth_password: `secret:${ns}/${smtp!.authPasswordSecret.name}/${smtp!.authPasswordSecret.key}` }),
            })),
          }),
          ...(r.webhookUrlSecret && { webhook_configs: [{ url: secretUrl(r.webhookUrlSecret), send_resolved: true }] }),
          ...(r.slackUrlSecret && { slack_configs: [{ api_url: secretUrl(r.slackUrlSecret), send_resolved: true, ...(r.slackChannel && { channel: r.slackChannel }) }] }),
        })),
      ],
    };
    return stringify(config);
  }
}
