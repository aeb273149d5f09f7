import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prom-rule-monitoring.coreos.com';
import { fail } from '../../core/errors';
import { isAlert, type RuleGroup } from './rule-model';

export interface MonitoringRulesProps {
  /** PrometheusRule name. */
  readonly name: string;
  /** Namespace (Prometheus' own: tenants cannot edit the platform's alerts). */
  readonly namespace: string;
  /** Labels Prometheus selects rules by. */
  readonly labels: Record<string, string>;
  readonly groups: readonly RuleGroup[];
}

/** A PrometheusRule holding rule groups; empty groups are left out. */
export class MonitoringRules extends Construct {
  readonly groups: readonly RuleGroup[];
  readonly resource: PrometheusRule;

  constructor(scope: Construct, id: string, props: MonitoringRulesProps) {
    super(scope, id);
    const groups = props.groups.filter((g) => g.rules.length > 0);
    const names = new Set<string>();
    for (const g of groups) {
      if (names.has(g.name)) fail(`MonitoringRules(${props.name}).groups`, g.name, 'duplicate group name; Prometheus rejects a rule file with two groups of one name');
      names.add(g.name);
    }
    this.groups = groups;
    this.resource = new PrometheusRule(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        groups: groups.map((g) => ({
          name: g.name,
          ...(g.interval && { interval: g.interval }),
          rules: g.rules.map((r) =>
            isAlert(r)
              ? { alert: r.alert, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), ...(r.for && { for: r.for }), labels: r.labels, annotations: r.annotations }
              : { record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), ...(r.labels && { labels: r.labels }) },
          ),
        })),
      },
    });
  }
}
