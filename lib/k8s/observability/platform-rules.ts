import type { AlertingRule, RuleGroup } from './rule-model';
import { selector } from './rule-model';
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

/** One Kafka consumer of a function, as the Kafka Exporter reports it. */
export interface MonitoredConsumer {
  readonly group: string;
  readonly topic: string;
  readonly function: string;
  readonly tenant: string;
}

/**
 * Lag alerts per consumer group and topic (Kafka Exporter's `kafka_consumergroup_lag`); with
 * `tenant`, the group of that tenant's consumers (`hybrid-serverless.kafka.<tenant>`).
 */
export function kafkaLagGroup(consumers: readonly MonitoredConsumer[], threshold: number, tenant?: string): RuleGroup {
  return {
    name: tenant === undefined ? 'hybrid-serverless.kafka' : `hybrid-serverless.kafka.${tenant}`,
    rules: consumers.map((c) => ({
      alert: 'KafkaConsumerLagHigh',
      expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag${selector({ consumergroup: c.group, topic: c.topic })}) > ${threshold}`,
      for: '10m',
      labels: { severity: 'warning', tenant: c.tenant, function: c.function },
      annotations: {
        summary: `${c.function}: consumer group ${c.group} lags on ${c.topic}`,
        description: `Consumer group ${c.group} of function ${c.function} has been more than ${threshold} records behind on topic ${c.topic} for 10 minutes.`,
      },
    })),
  };
}
