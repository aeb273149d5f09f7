/**
 * Prometheus rule files as data: what a PrometheusRule's `spec.groups` holds and what
 * `promtool check rules` reads. Kept independent of cdk8s so tests feed the exact same
 * groups to promtool.
 */

export type Severity = 'critical' | 'warning' | 'info';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold. @default fires at once */
  readonly for?: string;
  readonly labels: Record<string, string> & { severity: Severity };
  readonly annotations: { summary: string; description: string } & Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval. @default Prometheus' global evaluation interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export function isAlert(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

/** A PromQL string literal (double-quoted, escaped). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** `{a="x",b="y"}` from label pairs (values escaped). */
export function selector(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${str(v)}`);
  return `{${parts.join(',')}}`;
}

/** Anchored alternation of literal values for `=~` matchers (regex metacharacters escaped). */
export function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** Rounds away float noise in thresholds written into expressions (0.1 + 0.2 → 0.3). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}
