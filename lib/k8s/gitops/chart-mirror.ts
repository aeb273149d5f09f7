import type { IConstruct } from 'constructs';

/** Context key on the cdk8s App: the chart mirror every chart install of the App fetches from. */
export const CHART_MIRROR_CONTEXT = 'hybrid-serverless.io/chart-mirror';

/**
 * A repository that serves every chart of an App under its upstream name and exact version
 * (an air-gapped cluster's registry, or a local stand-in in tests). Only the repository
 * changes: chart names, versions and values stay as pinned.
 */
export interface HelmChartMirror {
  /**
   * `https://…` or `http://…`: a Helm HTTP repository (serving `index.yaml`); `oci://host/path`:
   * an OCI registry path under which the chart `<chart>` is `oci://host/path/<chart>`. Plain
   * HTTP is allowed here (air-gapped and test mirrors often have no TLS; Flux, Argo CD and Helm
   * accept it) but never for upstream repositories. No credentials, query or fragment:
   * repository credentials belong in the GitOps engine's repository Secrets.
   */
  readonly url: string;
}

const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST = `(${LABEL}(\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?`;
const SEGMENTS = '(/[A-Za-z0-9._~%+-]+)*';

/** What a mirror URL may be: an http(s) repository (trailing `/` allowed) or an OCI registry path (none). */
export const CHART_MIRROR_URL = new RegExp(`^(https?://${HOST}${SEGMENTS}/?|oci://${HOST}${SEGMENTS})$`);

export const CHART_MIRROR_URL_MESSAGE =
  'must be a chart mirror URL: "https://host/path" or "http://host/path" (a Helm repository serving index.yaml) or "oci://host/path" (an OCI registry path, no trailing "/"), without credentials, query or fragment';

/** Why `mirror` cannot be used as a chart mirror, or undefined when it can. */
export function chartMirrorProblem(mirror: HelmChartMirror): string | undefined {
  return typeof mirror.url === 'string' && CHART_MIRROR_URL.test(mirror.url) ? undefined : CHART_MIRROR_URL_MESSAGE;
}

/** The mirror set on the App (`app.node.setContext(CHART_MIRROR_CONTEXT, …)`), undefined when none is set. */
export function chartMirrorOf(scope: IConstruct): HelmChartMirror | undefined {
  return scope.node.tryGetContext(CHART_MIRROR_CONTEXT) as HelmChartMirror | undefined;
}
