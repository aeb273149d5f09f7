import type { HybridPlatform } from './hybrid-platform';

/** What the cloud side exports from the Pulumi program (function ARNs, topic ARN, budget name…). */
export type CloudOutputs = Record<string, unknown>;

/**
 * The cloud side of an environment (AWS Lambda functions, triggers, IAM, budgets and alarms),
 * built from the same spec as the cluster side. lib/pulumi/program.ts calls it next to the
 * cluster bridge. The AWS components live in lib/aws.
 */
export function deployCloud(platform: HybridPlatform): CloudOutputs {
  void platform;
  return {};
}
