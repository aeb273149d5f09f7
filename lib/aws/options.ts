import type { Provider } from '@pulumi/aws/provider';
import type * as pulumi from '@pulumi/pulumi';

/**
 * Options for a component's children: the component as parent, its provider, and the
 * component's own `dependsOn` — Pulumi does not pass a component's dependencies on to its
 * children, so without this a child would not wait for what its component was told to wait for
 * (the environment's ownership lock, the alert topic).
 */
export function childOptions(parent: pulumi.Resource, provider: Provider | undefined, opts: pulumi.ComponentResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { parent, ...(provider && { provider }), ...(opts?.dependsOn !== undefined && { dependsOn: opts.dependsOn }) };
}

/** A component's own `dependsOn` as a list, to merge with a child's own dependencies. */
export function dependencies(opts: pulumi.ComponentResourceOptions | undefined): pulumi.Input<pulumi.Resource>[] {
  const d = opts?.dependsOn;
  if (d === undefined) return [];
  return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}
