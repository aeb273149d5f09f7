/**
 * `hybrid-serverless/platform`: HybridPlatform (one environment of a spec as cdk8s charts plus
 * the cloud side's arguments), synthesis to a GitOps folder and spec loading.
 */
export * from './hybrid-platform';
export * from './layers';
export * from './bindings';
export * from './footprint';
export * from './synth';
export * from './synth-all';
export * from './load';
export * from './kafka-producer';
