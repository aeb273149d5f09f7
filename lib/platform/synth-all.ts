import type { EnvironmentName } from '../spec/common';
import type { PlatformSpec } from '../spec/platform';
import { environmentNames } from '../spec/resolve';
import { HybridPlatform } from './hybrid-platform';
import { renderEnvironment, writeOutputs, type EnvironmentOutput } from './synth';

export interface SynthOptions {
  /** Environments to synthesize. @default every environment the spec defines */
  readonly environments?: readonly EnvironmentName[];
  /** Per-environment profile overrides. @default none */
  readonly overrides?: Partial<Record<EnvironmentName, unknown>>;
}

/** Renders every environment in memory (nothing written): throws SpecError on bad input. */
export function renderAll(spec: PlatformSpec, options: SynthOptions = {}): EnvironmentOutput[] {
  const envs = options.environments ?? environmentNames(spec);
  return envs.map((env) => renderEnvironment(new HybridPlatform(spec, env, { overrides: options.overrides?.[env] })));
}

/** Renders every environment, then writes them all into `outdir` at once. */
export function synthAll(spec: PlatformSpec, outdir: string, options: SynthOptions = {}): EnvironmentOutput[] {
  const outputs = renderAll(spec, options);
  writeOutputs(outdir, outputs, { only: options.environments !== undefined });
  return outputs;
}
