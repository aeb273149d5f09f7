import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { LABELS, MANAGED_BY } from '../common/labels';
import { ARGO_FINALIZER, ARGO_RETRY, ARGO_SYNC_OPTIONS, IN_CLUSTER, SYNC_WAVE } from './engine';

export interface ArgoCdLayersProps {
  /** Prefix of the Application names (`<prefix>-platform`, …). */
  readonly namePrefix: string;
  /** Layer folders in apply order; each gets the next sync wave. */
  readonly layers: readonly string[];
  /** Path of the environment's folder inside the Git repository, e.g. `dist/prod` (a leading `./` is dropped). */
  readonly basePath: string;
  /** Git repository holding the output. */
  readonly repoURL: string;
  /** Branch, tag or commit. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Namespace of Argo CD. @default 'argocd' */
  readonly namespace?: string;
  /** Argo CD project. @default 'default' */
  readonly project?: string;
  /** Labels added to each Application. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * One Argo CD `Application` per layer folder, with sync waves in layer order. Applied by one
 * root Application (app of apps) pointing at `argocd/`, a layer syncs after the one before
 * is healthy — provided Argo CD assesses Application health (`resource.customizations.health.argoproj.io_Application`
 * in argocd-cm, off by default since Argo CD 1.8), as the Argo CD docs on sync waves describe.
 */
export class ArgoCdLayers extends Construct {
  readonly applications: Application[] = [];

  constructor(scope: Construct, id: string, props: ArgoCdLayersProps) {
    super(scope, id);
    const base = props.basePath.replace(/^\.\/?/, '').replace(/\/$/, '');
    props.layers.forEach((layer, wave) => {
      this.applications.push(
        new Application(this, layer, {
          metadata: {
            name: `${props.namePrefix}-${layer}`,
            namespace: props.namespace ?? 'argocd',
            labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.layer]: layer, ...props.labels },
            annotations: { [SYNC_WAVE]: String(wave) },
            finalizers: [ARGO_FINALIZER],
          },
          spec: {
            project: props.project ?? 'default',
            source: { repoUrl: props.repoURL, targetRevision: props.targetRevision ?? 'HEAD', path: base ? `${base}/${layer}` : layer },
            // Every object of a layer names its namespace; none is created implicitly.
            destination: { server: IN_CLUSTER },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              // Custom resources of `config` need CRDs the `platform` installs bring: skip their dry run until then.
              syncOptions: [...ARGO_SYNC_OPTIONS, ...(wave > 0 ? ['SkipDryRunOnMissingResource=true'] : [])],
              retry: ARGO_RETRY,
            },
          },
        }),
      );
    });
  }
}
