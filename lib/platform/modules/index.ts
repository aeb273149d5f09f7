import type { PlatformModule } from './module';

/**
 * Modules in build order. Backends (knative, openfaas, lambda endpoints) come before the
 * gateway, which routes to their endpoints; observability comes last and covers them all.
 */
export const MODULES: readonly PlatformModule[] = [];
