import type { Rule } from './context';
import { environmentRules } from './environments';
import { eventingRules } from './eventing';
import { functionRules } from './functions';
import { knativeRules } from './knative';
import { kafkaRules } from './kafka';
import { lambdaRules } from './lambda';
import { uniqueNames } from './names';
import { openfaasRules } from './openfaas';
import { observabilityRules } from './observability';
import { routeRules } from './routes';
import { tenantQuotaRules } from './tenant-quota';
import { tenantRules } from './tenants';

/** Every cross-field rule, run by parseSpec after the schema. Add a rule file per area. */
export const RULES: readonly Rule[] = [
  uniqueNames,
  functionRules,
  routeRules,
  environmentRules,
  tenantRules,
  tenantQuotaRules,
  openfaasRules,
  lambdaRules,
  kafkaRules,
  observabilityRules,
  knativeRules,
  eventingRules,
];
