/**
 * Kubernetes resource quantities, as the API server parses them, for the sums the toolkit
 * makes (quota checks, the edge footprint, cluster cost).
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3, u: 1e-6, n: 1e-9 };

const QUANTITY = /^([+]?[0-9]+(?:\.[0-9]+)?|[+]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/**
 * True when `q` is a quantity the API server accepts (the subset with no exponent form). A
 * number counts only when JavaScript writes it without an exponent: `1e-7` and `1e21` are
 * rendered as "1e-7"/"1e+21", which the toolkit's sums cannot read and the output would carry.
 */
export function isQuantity(q: string | number): boolean {
  return typeof q === 'number' ? Number.isFinite(q) && q >= 0 && QUANTITY.test(String(q)) : QUANTITY.test(q);
}

/** The numeric value of a quantity in base units (cores for CPU, bytes for memory). */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${q}`);
  const suffix = m[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return Number(m[1]) * factor;
}

/** CPU in cores: `250m` → 0.25. */
export const cpuCores = (q: string | number): number => parseQuantity(q);

/** Memory in bytes: `128Mi` → 134217728. */
export const memoryBytes = (q: string | number): number => parseQuantity(q);

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;

/** CPU and memory amounts of one container (requests or limits); undefined asks for nothing. */
export interface ResourceAmounts {
  readonly cpu?: string | number;
  readonly memory?: string | number;
}

/** A request above its limit, which the API server refuses ("must be less than or equal to … limit"). */
export interface RequestAboveLimit {
  readonly resource: 'cpu' | 'memory';
  readonly request: string | number;
  readonly limit: string | number;
}

/** The resources whose request exceeds the limit; a missing request or limit bounds nothing. */
export function requestsAboveLimits(requests: ResourceAmounts | undefined, limits: ResourceAmounts | undefined): RequestAboveLimit[] {
  const out: RequestAboveLimit[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = requests?.[resource];
    const limit = limits?.[resource];
    if (request === undefined || limit === undefined || !isQuantity(request) || !isQuantity(limit)) continue;
    // Relative tolerance: `300m` and `0.3` are equal, whatever the floating-point rounding.
    if (parseQuantity(request) > parseQuantity(limit) * (1 + 1e-9)) out.push({ resource, request, limit });
  }
  return out;
}
