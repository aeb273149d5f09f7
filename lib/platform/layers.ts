/**
 * Output layers, in apply order: installs and namespaces first, then the operator CRs,
 * tenants and monitoring rules that need those CRDs, then functions, triggers and routes.
 */
export const LAYERS = ['platform', 'config', 'apps'] as const;
export type Layer = (typeof LAYERS)[number];
