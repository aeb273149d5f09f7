import { referenceCopy } from '../support/synth';
import type { FunctionEndpoint } from '../../lib/platform/bindings';
import type { ModuleContext } from '../../lib/platform/modules/context';
import type { PlatformSpec } from '../../lib/spec/platform';

/**
 * Backend targets whose module builds nothing and whose functions get no test endpoint either
 * (to test dangling routes). Only `openfaas` is supported.
 */
export const skippedTargets = new Set<string>();

/**
 * The endpoints the backend modules return (knative: the Kourier internal Service with the
 * function's cluster-local Host; openfaas: the gateway with `/function/<name>`), added for
 * HTTP functions no real module returned one for.
 */
export function withTestEndpoints(spec: PlatformSpec, endpoints: ReadonlyMap<string, FunctionEndpoint>): Map<string, FunctionEndpoint> {
  const all = new Map(endpoints);
  for (const fn of spec.functions) {
    if (all.has(fn.name) || skippedTargets.has(fn.target) || !(fn.triggers ?? []).some((t) => t.type === 'http')) continue;
    if (fn.target === 'knative') {
      all.set(fn.name, {
        function: fn,
        target: 'knative',
        service: { namespace: 'kourier-system', name: 'kourier-internal', port: 80 },
        hostHeader: `${fn.name}.${fn.tenant}.svc.cluster.local`,
      });
    } else if (fn.target === 'openfaas') {
      all.set(fn.name, {
        function: fn,
        target: 'openfaas',
        service: { namespace: 'openfaas', name: 'gateway', port: 8080 },
        path: `/function/${fn.name}`,
      });
    }
  }
  return all;
}

/** A deep copy of the reference spec (the kong tests' starting point). */
export function kongReference(): any {
  return referenceCopy();
}

/**
 * The real modules (for `jest.mock` of lib/platform/modules), with test endpoints handed to
 * kong for functions no backend module returned one for, and the openfaas module switched off
 * while `skippedTargets` has `openfaas`.
 */
export function modulesWithTestEndpoints(): Record<string, unknown> {
  const actual = jest.requireActual('../../lib/platform/modules');
  return {
    ...actual,
    buildOpenFaaS: (ctx: ModuleContext, deps: unknown) => (skippedTargets.has('openfaas') ? undefined : actual.buildOpenFaaS(ctx, deps)),
    buildKong: (ctx: ModuleContext, deps: { endpoints: ReadonlyMap<string, FunctionEndpoint> }) => actual.buildKong(ctx, { ...deps, endpoints: withTestEndpoints(ctx.spec, deps.endpoints) }),
  };
}
