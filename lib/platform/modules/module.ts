import type { HybridPlatform } from '../hybrid-platform';

/**
 * One upstream system's contribution to a platform: its installs, config and apps, added
 * to the platform's layered charts. Modules run in the order of MODULES.
 */
export interface PlatformModule {
  readonly name: string;
  build(platform: HybridPlatform): void;
}
