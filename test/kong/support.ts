import { referenceCopy } from '../support/synth';
import type { HybridPlatform } from '../../lib/platform/hybrid-platform';
import type { PlatformModule } from '../../lib/platform/modules/module';

/**
 * Endpoints the backend modules register (knative: the Kourier internal Service with the
 * function's cluster-local Host; openfaas: the gateway with `/function/<name>`), for
 * functions no real module registered yet. Tests put it right before the kong module.
 */
/** Backend targets the test module leaves unregistered (to test dangling routes). */
export const skippedTargets = new Set<string>();

export const testEndpointsModule: PlatformModule = {
  name: 'test-endpoints',
  build(platform: HybridPlatform): void {
    for (const fn of platform.spec.functions) {
      if (platform.endpoints.has(fn.name) || skippedTargets.has(fn.target) || !(fn.triggers ?? []).some((t) => t.type === 'http')) continue;
      if (fn.target === 'knative') {
        platform.endpoints.set(fn.name, {
          function: fn,
          target: 'knative',
          service: { namespace: 'kourier-system', name: 'kourier-internal', port: 80 },
          hostHeader: `${fn.name}.${fn.tenant}.svc.cluster.local`,
        });
      } else if (fn.target === 'openfaas') {
        platform.endpoints.set(fn.name, {
          function: fn,
          target: 'openfaas',
          service: { namespace: 'openfaas', name: 'gateway', port: 8080 },
          path: `/function/${fn.name}`,
        });
      }
    }
  },
};

/** A deep copy of the reference spec (the kong tests' starting point). */
export function kongReference(): any {
  return referenceCopy();
}

/**
 * The real module list with test endpoints just before kong (for `jest.mock` of
 * lib/platform/modules): functions no backend module registered still get one.
 */
export function modulesWithTestEndpoints(): { MODULES: readonly PlatformModule[] } {
  const actual = jest.requireActual('../../lib/platform/modules');
  const { kongModule } = jest.requireActual('../../lib/platform/modules/kong');
  const list = (actual.MODULES as PlatformModule[]).flatMap((m) => (m.name === 'kong' ? [testEndpointsModule, kongModule] : [m]));
  if (!list.includes(kongModule)) list.push(testEndpointsModule, kongModule);
  return { MODULES: list };
}
