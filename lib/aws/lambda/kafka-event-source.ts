/** Where a Lambda function's kafka triggers read from: Amazon MSK, or a self-managed cluster Lambda can reach. */
export interface LambdaKafkaSource {
  /** The MSK cluster. @default none */
  readonly msk?: { readonly clusterArn: string };
  /** Brokers, VPC and SCRAM secret of a self-managed cluster. @default none */
  readonly selfManagedKafka?: object;
}

/**
 * Why a Lambda function's kafka triggers would have nothing to read from, or undefined: the
 * in-cluster Kafka is not reachable from Lambda. LambdaFunction throws on it; the spec's kafka
 * rule collects it with the trigger's path.
 */
export function lambdaKafkaProblem(source: LambdaKafkaSource): string | undefined {
  if (source.msk || source.selfManagedKafka) return undefined;
  return 'a Lambda kafka trigger needs kafka.msk.clusterArn (Amazon MSK) or lambda.selfManagedKafka (reachable brokers, VPC and SCRAM secret): the in-cluster Kafka is not reachable from Lambda';
}
