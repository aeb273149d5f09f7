/**
 * `hybrid-serverless/spec`: the platform model (zod schema, types, profiles) and `parseSpec`,
 * which validates a spec and its cross-field rules into one SpecError. No cdk8s, no Pulumi.
 * The upstream facts it re-exports (limits, derived names) live beside their constructs.
 */
export { SpecError, formatPath, type SpecIssue, type PathSegment } from '../core/errors';
export * from '../core/quantity';
export { durationSeconds } from '../core/duration';
export * from './common';
export * from './profiles';
export * from './function';
export * from './tenant';
export * from '../k8s/tenancy/role-names';
export * from './route';
export * from '../k8s/kong/methods';
export * from './kafka';
export * from '../k8s/kafka/topic-defaults';
export * from './observability';
export * from './budget';
export * from './platform';
export * from './parse';
export * from './resolve';
export * from './targets/knative';
export * from '../k8s/knative/limits';
export * from './targets/openfaas';
export * from '../k8s/openfaas/limits';
export { goDurationOf } from '../core/duration';
export * from './targets/lambda';
export * from '../aws/lambda/limits';
export * from '../aws/lambda/schedule-expression';
export * from '../aws/s3/bucket-name';
export { naming, ENV_TOKEN, resolveBucket, resolveHost, DNS_LABEL_MAX, DNS_SUBDOMAIN_MAX, derivedNameProblem, hostProblem, isLabelValue, qualifiedNameProblem } from '../core/naming';
export { platformJsonSchema } from './json-schema';
