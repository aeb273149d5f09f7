import { HybridPlatform } from '../../lib/platform/hybrid-platform';
import { renderEnvironmentObjects, type EnvironmentOutput } from '../../lib/platform/synth';
import type { EnvironmentName } from '../../lib/spec/common';
import { parseSpec } from '../../lib/spec/parse';
import type { PlatformSpecInput } from '../../lib/spec/platform';
import { PROFILE_NAMES } from '../../lib/spec/profiles';
import { referenceSpec } from '../../stacks/reference';

/** The reference stack's environments: one per profile, named after it (dev, staging, prod, edge). */
export const REFERENCE_ENVIRONMENTS = PROFILE_NAMES;

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export interface SynthesizedEnv {
  readonly platform: HybridPlatform;
  readonly output: EnvironmentOutput;
  /** Every object, with the folder (layer or flux) it was written to. */
  readonly objects: (Manifest & { __layer?: never })[];
  readonly byLayer: Record<string, Manifest[]>;
  /** Objects of a kind (optionally with a name). */
  find(kind: string, name?: string, namespace?: string): Manifest[];
  /** The one object of a kind and name; throws if absent. */
  get(kind: string, name: string, namespace?: string): Manifest;
}

/** Synthesizes one environment of a spec (the reference stack by default) in memory, as the YAML files hold it. */
export function synthEnv(env: EnvironmentName = 'dev', spec: PlatformSpecInput = referenceSpec, overrides?: unknown): SynthesizedEnv {
  const platform = new HybridPlatform(parseSpec(spec), env, { overrides });
  const { output, objects: written } = renderEnvironmentObjects(platform);
  const byLayer: Record<string, Manifest[]> = {};
  // The objects as the files hold them (a JSON copy: what parsing the YAML gives, which
  // test/foundation/synth.test.ts checks for every file of the reference stack).
  for (const file of output.files.keys()) {
    if (file.endsWith('kustomization.yaml')) continue;
    const folder = file.split('/')[0];
    (byLayer[folder] ??= []).push(...(JSON.parse(JSON.stringify(written.get(file))) as Manifest[]));
  }
  const objects = Object.values(byLayer).flat();
  const find = (kind: string, name?: string, namespace?: string) =>
    objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (namespace === undefined || o.metadata.namespace === namespace));
  return {
    platform,
    output,
    objects,
    byLayer,
    find,
    get: (kind, name, namespace) => {
      const found = find(kind, name, namespace);
      if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ? `${namespace}/` : ''}${name}, found ${found.length}`);
      return found[0];
    },
  };
}

/** A deep copy of the reference spec to modify in a test. */
export function referenceCopy(): any {
  return structuredClone(referenceSpec);
}
