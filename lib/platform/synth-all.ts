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
  /**
   * Folder of the output inside the GitOps source, for the Flux Kustomizations / Argo CD
   * layer Applications (HybridPlatformOptions.gitopsPath). @default spec.gitops.path or './dist'
   */
  readonly gitopsPath?: string;
  /**
   * Write into a non-empty folder that this toolkit did not write (WriteOptions.force).
   * @default false (refused)
   */
  readonly force?: boolean;
}

/** Renders every environment in memory (nothing written): throws SpecError on bad input. */
export function renderAll(spec: PlatformSpec, options: SynthOptions = {}): EnvironmentOutput[] {
  const envs = options.environments ?? environmentNames(spec);
  return envs.map((env) =>
    renderEnvironment(
      new HybridPlatform(spec, env, {
        overrides: options.overrides && Object.prototype.hasOwnProperty.call(options.overrides, env) ? options.overrides[env] : undefined,
        ...(options.gitopsPath !== undefined && { gitopsPath: options.gitopsPath }),
      }),
    ),
  );
}

/**
 * Renders every environment, then writes them all into `outdir` at once (writeOutputs: only
 * folders this toolkit wrote are replaced; a non-empty folder it did not write is refused
 * unless `force`).
 */
export function synthAll(spec: PlatformSpec, outdir: string, options: SynthOptions = {}): EnvironmentOutput[] {
  const outputs = renderAll(spec, options);
  writeOutputs(outdir, outputs, { only: options.environments !== undefined, force: options.force });
  return outputs;
}
