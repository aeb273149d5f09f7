import type { AlertingRule, RuleGroup } from './rule-model';
import { selector, str } from './rule-model';
import type { ScrapeTargetProps } from './scrape-target';

/** A component whose scrape targets must answer, and how to find its `up` series. */
export interface ComponentCheck {
  readonly component: string;
  /** Equality matchers of its `up` series (`{component}` for the toolkit's monitors, `{job}` for others). */
  readonly up: Record<string, string>;
  readonly namespaces: readonly string[];
}

/** The checks of the toolkit's own always-running scrape targets. */
export function checksOf(targets: readonly ScrapeTargetProps[]): ComponentCheck[] {
  return targets.filter((t) => t.alwaysUp !== false).map((t) => ({ component: t.component, up: { component: t.component }, namespaces: t.namespaces }));
}

/** "Down" alerts for every always-running component: no target of it up for 5 minutes. */
export function componentsDownGroup(checks: readonly ComponentCheck[]): RuleGroup {
  const rules: AlertingRule[] = checks.map((c) => ({
    alert: 'PlatformComponentDown',
    // absent() returns nothing while one target is up; its own labels come from the matchers.
    expr: `absent(up${selector(c.up)} == 1)`,
    for: '5m',
    labels: { severity: 'critical', component: c.component },
    annotations: {
      summary: `${c.component} is down`,
      description: `No ${c.component} target in ${c.namespaces.join(', ')} has answered a scrape for 5 minutes.`,
    },
  }));
  return { name: 'hybrid-serverless.platform', rules };
}

/**
 * One Kafka consumer group, as the Kafka Exporter reports it: a function's own (its kafka
 * triggers), or one of Knative Eventing's that deliver to it or to a flow (a Kafka Broker
 * Trigger's, a KafkaChannel's).
 */
export interface MonitoredConsumer {
  /** The consumer group. */
  readonly group: string;
  /** Whether `group` is a regular expression (a KafkaChannel's groups end in subscription UIDs). @default false */
  readonly groupPattern?: boolean;
  /** Topic it reads. @default any topic of the group (Eventing's groups read only their broker's or channel's) */
  readonly topic?: string;
  /** The function it delivers to (its `function` label); absent for a flow. @default none */
  readonly function?: string;
  /** The Sequence or Parallel it carries events of (its `flow` label). @default none */
  readonly flow?: string;
  /** What the group is, for the description. @default `consumer group <group> of function <function>` */
  readonly what?: string;
  readonly tenant: string;
}

/**
 * Lag alerts per consumer group and topic (Kafka Exporter's `kafka_consumergroup_lag`); with
 * `tenant`, the group of that tenant's consumers (`hybrid-serverless.kafka.<tenant>`).
 */
export function kafkaLagGroup(consumers: readonly MonitoredConsumer[], threshold: number, tenant?: string): RuleGroup {
  return {
    name: tenant === undefined ? 'hybrid-serverless.kafka' : `hybrid-serverless.kafka.${tenant}`,
    rules: consumers.map((c) => {
      const group = c.groupPattern ? `consumergroup=~${str(c.group)}` : `consumergroup=${str(c.group)}`;
      const sel = `{${group}${c.topic === undefined ? '' : `,topic=${str(c.topic)}`}}`;
      const subject = c.function ?? c.flow ?? c.group;
      const what = c.what ?? `Consumer group ${c.group} of function ${c.function}`;
      const on = c.topic === undefined ? 'its topic' : `topic ${c.topic}`;
      return {
        alert: 'KafkaConsumerLagHigh',
        expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag${sel}) > ${threshold}`,
        for: '10m',
        labels: { severity: 'warning', tenant: c.tenant, ...(c.function !== undefined && { function: c.function }), ...(c.flow !== undefined && { flow: c.flow }) },
        annotations: {
          summary: `${subject}: consumer group ${c.groupPattern ? '{{ $labels.consumergroup }}' : c.group} lags on ${c.topic ?? '{{ $labels.topic }}'}`,
          description: `${what} has been more than ${threshold} records behind on ${on} for 10 minutes.`,
        },
      };
    }),
  };
}
