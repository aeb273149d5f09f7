export * from './helm-chart-install';
export * from './chart-mirror';
export * from './flux-layers';
export * from './engine';
export * from './argocd-layers';
