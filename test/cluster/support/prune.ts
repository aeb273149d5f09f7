import { parseSpec } from '../../../lib/spec/parse';
import type { PlatformSpecInput } from '../../../lib/spec/platform';

/** The spec without one function (and the routes to it): the first function whose removal still parses. */
export function withoutAFunction(spec: PlatformSpecInput): { name: string; spec: PlatformSpecInput; lastOfBackend: boolean } {
  const s = spec as any;
  // Prefer a function whose backend keeps other functions: removing a backend's last function
  // also removes that backend's install, which is right but not "only the function's objects".
  const sharing = (fn: any) => s.functions.filter((f: any) => f.target === fn.target).length > 1;
  for (const fn of [...s.functions.filter(sharing), ...s.functions.filter((f: any) => !sharing(f))]) {
    const next = structuredClone(s);
    next.functions = next.functions.filter((f: any) => f.name !== fn.name);
    next.routes = (next.routes ?? []).filter((r: any) => r.function !== fn.name);
    try {
      parseSpec(next);
      if ((s.routes ?? []).some((r: any) => r.function === fn.name) || s.functions.length === 1) return { name: fn.name, spec: next, lastOfBackend: !sharing(fn) };
    } catch {
      // referenced elsewhere (flows, triggers): try the next one
    }
  }
  throw new Error('no function can be removed on its own');
}
