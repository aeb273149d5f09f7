import type { Chart } from 'cdk8s';
import type { SystemNamespace, SystemNamespaceProps } from '../../k8s/common/namespace';
import type { NamespaceNetworkPolicies } from '../../k8s/common/namespace-network-policies';
import type { IssueCollector } from '../../core/errors';
import type { FunctionSpec, Target } from '../../spec/function';
import type { PlatformSpec } from '../../spec/platform';
import type { ResolvedEnvironment } from '../../spec/resolve';
import type { Footprint } from '../footprint';
import type { Layer } from '../layers';

/**
 * What a module may use of the platform it builds into: the spec, the resolved environment,
 * the layered charts and shared namespaces, and where to report problems and pods. What one
 * module needs from another is not here: it arrives as an argument of its `build…` function,
 * and what a module offers is what that function returns.
 */
export interface ModuleContext {
  readonly spec: PlatformSpec;
  /** The environment being built, with its profile and overrides applied. */
  readonly env: ResolvedEnvironment;
  /** The chart `<layer>/<name>`, created on first use. */
  chart(layer: Layer, name: string): Chart;
  /** A namespace in the platform layer, created once however many modules ask for it. */
  namespace(props: SystemNamespaceProps): SystemNamespace;
  /**
   * The network policies of a namespace created with `namespace()`: default-deny and DNS,
   * created once (platform layer); modules add the allows of the flows they own.
   */
  network(namespace: string): NamespaceNetworkPolicies;
  /** Makes `network(namespace)` return these (a tenant's, which its Tenant construct creates). */
  adoptNetwork(policies: NamespaceNetworkPolicies): void;
  /** Functions of the spec deployed to a backend, in spec order. */
  functionsFor(target: Target): FunctionSpec[];
  /** Problems found while building (cross-module references); thrown as one SpecError once every module ran. */
  readonly issues: IssueCollector;
  /** Every pod the modules cause to run, with its requests. */
  readonly footprint: Footprint;
}
