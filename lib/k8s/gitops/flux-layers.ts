import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { LABELS, MANAGED_BY } from '../common/labels';

export interface FluxLayersProps {
  /** Prefix of the Kustomization names (`<prefix>-platform`, …). */
  readonly namePrefix: string;
  /** Layer folders in apply order; each depends on the one before. */
  readonly layers: readonly string[];
  /** Path of the environment's folder inside the source, e.g. `./dist/prod`. */
  readonly basePath: string;
  /** The Flux source holding the output. @default GitRepository flux-system/flux-system */
  readonly sourceRef?: { readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket'; readonly name: string; readonly namespace: string };
  /** Namespace of the Kustomizations. @default 'flux-system' */
  readonly namespace?: string;
  /** Reconcile interval. @default '10m' */
  readonly interval?: string;
  /** Labels added to each Kustomization. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * One Flux `Kustomization` per layer, chained with `dependsOn` and `wait: true`, so that a
 * layer is applied only when the one before is healthy (CRDs from chart installs exist
 * before the custom resources of the config layer, operators run before the apps).
 */
export class FluxLayers extends Construct {
  readonly kustomizations: Kustomization[] = [];

  constructor(scope: Construct, id: string, props: FluxLayersProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'flux-system';
    const sourceRef = props.sourceRef ?? { kind: 'GitRepository' as const, name: 'flux-system', namespace: 'flux-system' };
    const kinds: Record<string, KustomizationSpecSourceRefKind> = {
      GitRepository: KustomizationSpecSourceRefKind.GIT_REPOSITORY,
      OCIRepository: KustomizationSpecSourceRefKind.OCI_REPOSITORY,
      Bucket: KustomizationSpecSourceRefKind.BUCKET,
    };
    let previous: string | undefined;
    for (const layer of props.layers) {
      const name = `${props.namePrefix}-${layer}`;
      this.kustomizations.push(
        new Kustomization(this, layer, {
          metadata: { name, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.layer]: layer, ...props.labels } },
          spec: {
            interval: props.interval ?? '10m',
            retryInterval: '1m',
            timeout: '10m',
            path: `${props.basePath.replace(/\/$/, '')}/${layer}`,
            prune: true,
            wait: true,
            sourceRef: { kind: kinds[sourceRef.kind], name: sourceRef.name, namespace: sourceRef.namespace },
            ...(previous && { dependsOn: [{ name: previous }] }),
          },
        }),
      );
      previous = name;
    }
  }
}
