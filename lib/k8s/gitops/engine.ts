import type { IConstruct } from 'constructs';

/** Context key on the cdk8s App: which GitOps engine the chart installs render for. */
export const GITOPS_CONTEXT = 'hybrid-serverless.io/gitops';

/** Where Argo CD runs and which project its Applications belong to. */
export interface ArgoCdTarget {
  /** Namespace of Argo CD (Applications live there). */
  readonly namespace: string;
  /** Argo CD project. */
  readonly project: string;
}

/** The GitOps engine of an App: `flux` (HelmRelease + HelmRepository) or `argocd` (Application). */
export type GitopsTarget = { readonly engine: 'flux' } | { readonly engine: 'argocd'; readonly argocd: ArgoCdTarget };

export const FLUX: GitopsTarget = { engine: 'flux' };

/** The engine set on the App (`app.node.setContext(GITOPS_CONTEXT, …)`), Flux when none is set. */
export function gitopsOf(scope: IConstruct): GitopsTarget {
  return (scope.node.tryGetContext(GITOPS_CONTEXT) as GitopsTarget | undefined) ?? FLUX;
}

/** The in-cluster API server: Argo CD's name for "the cluster Argo CD runs in". */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Argo CD's repoURL for a Helm repository: OCI registries are given as host/path without `oci://` (Helm-type source). */
export function argoHelmRepoUrl(url: string): string {
  return url.startsWith('oci://') ? url.slice('oci://'.length).replace(/\/$/, '') : url;
}

/** Sync options of every Application: server-side apply (large CRDs exceed the client-side annotation limit). */
export const ARGO_SYNC_OPTIONS = ['ServerSideApply=true'];

/** Retries of a failed sync: 5 times, 10s doubling to 3m. */
export const ARGO_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

/** Deleting the Application deletes what it installed (as Flux uninstalls a removed HelmRelease). */
export const ARGO_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Annotation of an install Application: the Helm install timeout the Pulumi path uses. */
export const HELM_TIMEOUT = 'hybrid-serverless.io/helm-timeout';
