import type { EnvironmentName } from '../../lib/spec/common';
import { referenceCopy, synthEnv } from '../support/synth';

/** The reference stack (a fresh copy each time, to modify in a test). */
export const reference = (): any => referenceCopy();

/** One environment of the reference stack, or of a modified copy. */
export const synth = (env: EnvironmentName, spec: any = reference()) => synthEnv(env, spec);
