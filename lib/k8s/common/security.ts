import { k8s } from 'cdk8s-plus-27';

/**
 * The container security context every workload the toolkit generates gets: it satisfies
 * Pod Security `restricted` (non-root, no privilege escalation, no capabilities, seccomp
 * RuntimeDefault) and mounts the root filesystem read-only.
 */
export function restrictedContainerSecurityContext(opts: { readOnlyRootFilesystem?: boolean; runAsUser?: number } = {}): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    ...(opts.runAsUser !== undefined && { runAsUser: opts.runAsUser }),
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod-level half of `restricted`. */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Helm-chart values shape of the same settings (most charts take them verbatim). */
export const RESTRICTED_CONTAINER_VALUES = restrictedContainerSecurityContext();
export const RESTRICTED_POD_VALUES = restrictedPodSecurityContext();
