import { kafkaModule } from './kafka';
import { knativeModule } from './knative';
import { kongModule } from './kong';
import type { PlatformModule } from './module';
import { observabilityModule } from './observability';
import { openfaasModule } from './openfaas';
import { platformOperatorsModule, tenancyModule } from './tenancy';

/**
 * Modules in build order: tenancy first (namespaces the others deploy into), then kafka
 * (which the backends consume), the backends (knative, openfaas; they register function
 * endpoints), the gateway that routes to those endpoints, and observability last, which
 * covers everything built before it. platform-operators stays LAST: it binds on-call in
 * exactly the platform namespaces the modules before it created.
 */
export const MODULES: readonly PlatformModule[] = [
  tenancyModule,
  kafkaModule,
  knativeModule,
  openfaasModule,
  kongModule,
  observabilityModule,
  platformOperatorsModule,
];
