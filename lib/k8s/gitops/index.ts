export * from './helm-chart-install';
export * from './flux-layers';
