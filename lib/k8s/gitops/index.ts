export * from './helm-chart-install';
export * from './flux-layers';
export * from './engine';
export * from './argocd-layers';
