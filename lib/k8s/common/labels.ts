/** Label keys the toolkit sets on everything it generates. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  component: 'app.kubernetes.io/component',
  name: 'app.kubernetes.io/name',
  tenant: 'hybrid-serverless.io/tenant',
  function: 'hybrid-serverless.io/function',
  environment: 'hybrid-serverless.io/environment',
  layer: 'hybrid-serverless.io/layer',
} as const;

export const MANAGED_BY = 'hybrid-serverless';
