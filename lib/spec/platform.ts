import { z } from 'zod';
import { CHART_MIRROR_URL, CHART_MIRROR_URL_MESSAGE } from '../k8s/gitops/chart-mirror';
import { dnsLabel, dnsSubdomain, goDuration, type EnvironmentName } from './common';
import { budgetSchema } from './budget';
import { functionSchema } from './function';
import { knativePlatformSchema, type EventingBackend } from './eventing';
import { kafkaSchema } from './kafka';
import { openfaasEditionSchema, openfaasPlatformSchema } from './targets/openfaas';
import { observabilitySchema } from './observability';
import { ENV_NAME_MAX } from '../core/naming';
import type { OpenFaaSEdition } from '../k8s/openfaas/limits';
import { PROFILE_NAMES, type Profile, type ProfileName } from './profiles';
import { gatewaySchema, routeSchema } from './route';
import { ipv4Cidr, operatorsSchema, tenantSchema } from './tenant';

const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { message: 'must be an AWS region such as "eu-west-1"' });
/** The cluster's IAM OIDC issuer (host/path), for IRSA. Each cluster has its own. */
const oidcIssuer = z.string().regex(/^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/, { message: 'must be an OIDC issuer host/path such as "oidc.eks.eu-west-1.amazonaws.com/id/ABC123"' });
const awsAccountId = z.string().regex(/^[0-9]{12}$/, { message: 'must be a 12-digit AWS account id (as a string)' });

/** What applies the GitOps output in the cluster. */
export const GITOPS_ENGINES = ['flux', 'argocd'] as const;
export type GitopsEngine = (typeof GITOPS_ENGINES)[number];

const REPO_URL_REQUIRED = 'is required when gitops.engine is "argocd": the Git repository Argo CD reads dist/ from, e.g. "https://github.com/acme/platform.git"';

const argocdSchema = z.strictObject({
  /** Namespace Argo CD runs in (its Applications live there). @default 'argocd' */
  namespace: dnsLabel().optional(),
  /** Argo CD project of the Applications. @default 'default' */
  project: dnsLabel().optional(),
  /** Git repository holding dist/ (the layer Applications' source). */
  repoURL: z
    .string({ error: (i) => (i.input === undefined ? REPO_URL_REQUIRED : 'must be a string (a Git repository URL)') })
    .regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, { message: 'must be a Git repository URL such as "https://github.com/acme/platform.git" or "git@github.com:acme/platform.git"' }),
  /** Branch, tag or commit of that repository. @default 'HEAD' */
  targetRevision: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, { message: 'must be a branch, tag or commit such as "main", "v1.2.0" or "HEAD"' })
    .optional(),
});

/**
 * Where chart installs fetch their charts: every chart keeps its name and exact version, only
 * the repository changes (Flux HelmRepositories, Argo CD Applications, Pulumi helm releases).
 */
export const chartsSchema = z.strictObject({
  /** A repository that serves every chart (air-gapped clusters, local test repositories). @default none: each chart's upstream repository */
  mirror: z
    .strictObject({
      /** `https://…` / `http://…` (a Helm repository) or `oci://host/path` (an OCI registry; chart `<url>/<chart>`). */
      url: z
        .string({ error: (i) => (i.input === undefined ? `is required: ${CHART_MIRROR_URL_MESSAGE.replace(/^must be /, '')}` : CHART_MIRROR_URL_MESSAGE) })
        .regex(CHART_MIRROR_URL, { message: CHART_MIRROR_URL_MESSAGE }),
    })
    .optional(),
});
export type ChartsSpec = z.infer<typeof chartsSchema>;

export const environmentSchema = z.strictObject({
  /**
   * Profile the environment starts from (sizing, HA, retention, Kafka, budget, tenant quotas,
   * and what depends on it: a kube context required by the Pulumi program for staging and prod,
   * developers' pods/exec everywhere but prod, default dashboards everywhere but edge).
   * Required when the environment is not named after a profile (e.g. `edge-shanghai`).
   * @default the environment's own name, when that is a profile (dev, staging, prod, edge)
   */
  profile: z.enum(PROFILE_NAMES, { message: `must be one of ${PROFILE_NAMES.join(', ')}` }).optional(),
  /** Base domain of the environment's functions and routes. */
  domain: dnsSubdomain,
  /** Any profile value, deep-merged over the profile (see lib/spec/profiles.ts). @default {} */
  overrides: z.record(z.string(), z.unknown()).optional(),
  /** Per-environment AWS account, region and cluster OIDC issuer. @default the top-level `aws` */
  aws: z
    .strictObject({
      /** AWS region of this environment. @default the top-level `aws.region` */
      region: awsRegion.optional(),
      /** AWS account of this environment. @default the top-level `aws.accountId` */
      accountId: awsAccountId.optional(),
      /** IAM OIDC issuer of this environment's cluster, for IRSA. @default the top-level `aws.oidcProvider` */
      oidcProvider: oidcIssuer.optional(),
    })
    .optional(),
  /** Per-environment OpenFaaS settings, e.g. Pro in staging and prod, CE elsewhere. @default the top-level `openfaas` */
  openfaas: z
    .strictObject({
      /** OpenFaaS edition of this environment: `ce` (Community Edition) or `pro` (licensed). @default the top-level `openfaas.edition` */
      edition: openfaasEditionSchema.optional(),
    })
    .optional(),
  /** Per-environment chart mirror. @default the top-level `charts` */
  charts: chartsSchema.optional(),
  /**
   * Per-environment gateway settings: a cluster without load balancers (kind, k3s without
   * ServiceLB, bare metal without MetalLB) needs `proxyServiceType: NodePort` or `ClusterIP`.
   * @default the top-level `gateway.proxyServiceType`
   */
  gateway: z
    .strictObject({
      /** Type of the Kong proxy Service in this environment. */
      proxyServiceType: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']).optional(),
    })
    .optional(),
});
export type EnvironmentSpec = z.infer<typeof environmentSchema>;

const isProfileName = (name: string): name is ProfileName => (PROFILE_NAMES as readonly string[]).includes(name);

/** The profile an environment starts from: its `profile`, else its name (the schema requires `profile` for other names). */
export function profileOf(name: EnvironmentName, environment: Pick<EnvironmentSpec, 'profile'>): ProfileName {
  if (environment.profile) return environment.profile;
  if (isProfileName(name)) return name;
  throw new Error(`environment "${name}" has no profile; the schema requires environments.${name}.profile`);
}

/** The OpenFaaS edition of an environment: its own, else the top-level one, else Community Edition. */
export function openfaasEditionOf(spec: Pick<PlatformSpec, 'environments' | 'openfaas'>, env: EnvironmentName): OpenFaaSEdition {
  const e = Object.prototype.hasOwnProperty.call(spec.environments, env) ? spec.environments[env] : undefined;
  return e?.openfaas?.edition ?? spec.openfaas?.edition ?? 'ce';
}

/**
 * Where an environment's Knative Eventing keeps events in flight: the spec's
 * `knative.eventing.backend`, else Kafka where the profile keeps events durable and the spec has
 * the platform Kafka, else in memory. (`backend: kafka` without a `kafka` section is a spec
 * error reported by the rules; it resolves to in-memory here so synthesis never guesses a cluster.)
 */
export function eventingBackendOf(spec: Pick<PlatformSpec, 'knative' | 'kafka'>, profile: Pick<Profile, 'eventing'>): EventingBackend {
  if (!spec.kafka) return 'in-memory';
  return spec.knative.eventing?.backend ?? (profile.eventing.durable ? 'kafka' : 'in-memory');
}

/** An environment name: a DNS label (output folder, resource names, labels) short enough for the names derived from it. */
export const environmentNameSchema = dnsLabel(ENV_NAME_MAX);

function profileRequired(name: string): string {
  const like = PROFILE_NAMES.find((p) => name.startsWith(p));
  return `is required: "${name}" is not a profile name, so the environment must say which profile it starts from: one of ${PROFILE_NAMES.join(', ')}${like ? ` (e.g. profile: ${like})` : ''}`;
}

export const platformSchema = z.strictObject({
  /** Platform name: prefix of cloud resource names and the `platform` cost tag. */
  name: dnsLabel(24),
  /** The AWS account and region of the cloud side (Lambda functions, IAM roles, budgets); an environment may override them. */
  aws: z.strictObject({
    /** AWS region, e.g. "eu-west-1". */
    region: awsRegion,
    /** The 12-digit AWS account id, as a string. */
    accountId: awsAccountId,
    /** IAM OIDC provider of the cluster, for IRSA roles (Kong invoking Lambda). @default none */
    oidcProvider: oidcIssuer.optional(),
  }),
  /** How the cluster applies the GitOps output (Flux or Argo CD) and where that output lives in Git. @default Flux with the defaults below */
  gitops: z
    .strictObject({
      /** What applies the output: Flux (HelmRelease + Kustomizations) or Argo CD (Applications). @default 'flux' */
      engine: z.enum(GITOPS_ENGINES, { message: `must be one of ${GITOPS_ENGINES.map((e) => `"${e}"`).join(', ')}` }).optional(),
      /** Argo CD settings; required (with repoURL) when engine is 'argocd'. @default none */
      argocd: argocdSchema.optional(),
      /** The Flux source that holds dist/. @default GitRepository flux-system/flux-system */
      sourceRef: z
        .strictObject({
          /** Kind of the Flux source. */
          kind: z.enum(['GitRepository', 'OCIRepository', 'Bucket']),
          /** Name of the Flux source. */
          name: dnsLabel(),
          /** Namespace of the Flux source. */
          namespace: dnsLabel(),
        })
        .optional(),
      /** Path of dist/ inside that source. @default './dist' */
      path: z
        .string()
        .regex(/^\.\/?[A-Za-z0-9._/-]*$/, { message: 'must be a relative path such as "./dist" or "./clusters/dist"' })
        .optional(),
      /** Reconcile interval. @default '10m' */
      interval: goDuration.optional(),
    })
    .superRefine((g, ctx) => {
      const engine = g.engine ?? 'flux';
      if (engine === 'argocd' && !g.argocd) {
        ctx.addIssue({ code: 'custom', path: ['argocd', 'repoURL'], input: undefined, message: REPO_URL_REQUIRED });
      }
      if (engine === 'flux' && g.argocd) {
        ctx.addIssue({ code: 'custom', path: ['argocd'], input: g.argocd, message: 'is only used when gitops.engine is "argocd" (engine is "flux"): set engine: argocd or remove this block' });
      }
      if (engine === 'argocd') {
        for (const key of ['sourceRef', 'interval'] as const) {
          if (g[key] !== undefined)
            ctx.addIssue({ code: 'custom', path: [key], input: g[key], message: 'is Flux-only and has no effect with gitops.engine "argocd": remove it (Argo CD reads gitops.argocd.repoURL)' });
        }
      }
    })
    .default({}),
  /** Chart mirror of every environment that sets none of its own. @default none: upstream repositories */
  charts: chartsSchema.optional(),
  /**
   * The environments to synthesize, by name (a DNS label, e.g. `prod` or `edge-shanghai`; at
   * most 32 characters together with the platform name and a "-"): each starts from a profile
   * (replicas, resources, Kafka sizing, retention, budgets), has its own domain and output
   * folder, and may override any profile value. An environment named after a profile uses it
   * unless it sets `profile`; any other name must set `profile`.
   */
  environments: z
    .record(environmentNameSchema, environmentSchema)
    .refine((e) => Object.keys(e).length > 0, { message: `must define at least one environment, e.g. ${PROFILE_NAMES.join(', ')}` })
    .superRefine((envs, ctx) => {
      for (const [name, e] of Object.entries(envs)) {
        if (e.profile === undefined && !isProfileName(name)) ctx.addIssue({ code: 'custom', path: [name, 'profile'], input: undefined, message: profileRequired(name) });
      }
    }),
  /** Teams that own functions: each tenant is a namespace with its quota, roles, network policies and dead-letter sink. At least one. */
  tenants: z.array(tenantSchema).min(1, { message: 'must list at least one tenant' }),
  /** Groups that run the platform: bound to the platform-operator role in the platform namespaces. @default no bindings */
  operators: operatorsSchema.optional(),
  /** The functions, each deployed to one target (Knative, OpenFaaS or AWS Lambda) with its triggers. @default [] */
  functions: z.array(functionSchema).default([]),
  /** HTTP routes of the Kong gateway, each serving one function at a host and path prefix. @default [] */
  routes: z.array(routeSchema).default([]),
  /** Kong gateway settings: API consumers, proxy Service type, body size limit, TLS certificates. @default no consumers */
  gateway: gatewaySchema.default({ consumers: [] }),
  /** The cluster's Kafka (Strimzi): cluster name, topics, client authentication; kafka triggers and topic producers need it. @default none */
  kafka: kafkaSchema.optional(),
  /** Knative install settings and event flows (sequences, parallels, pings). @default Kourier, no flows */
  knative: knativePlatformSchema.default({ sequences: [], parallels: [], pings: [], replays: [] }),
  /** OpenFaaS install settings (edition, basic auth, explicit timeouts). @default Community Edition, timeouts derived from the functions */
  openfaas: openfaasPlatformSchema.optional(),
  /** Monitoring and alerting (Prometheus, Alertmanager, Grafana): the default SLO, alert receivers, SMTP, Kafka lag threshold. @default SLO p99 1000 ms and 5 % errors, no receivers */
  observability: observabilitySchema.default({ defaultSlo: { latencyP99Ms: 1000, errorRatioPercent: 5 }, receivers: [] }),
  /** What the default-deny network policies need to know of the cluster's network. @default the API server at any address on ports 443 and 6443 */
  network: z
    .strictObject({
      /**
       * Where pods reach the Kubernetes API server, as policies see it after the `kubernetes`
       * Service's address translation (`kubectl get endpoints kubernetes`): the only egress
       * the platform's controllers and operators get besides their named peers.
       * @default any address on ports 443 and 6443
       */
      apiServer: z
        .strictObject({
          /** Address range of the API server endpoints, e.g. "10.0.0.10/32". */
          cidr: ipv4Cidr,
          /** Their TCP ports, e.g. [6443]. */
          ports: z.array(z.number().int().min(1).max(65535)).min(1),
        })
        .optional(),
    })
    .optional(),
  /** Monthly budget alerts of the cloud side (AWS Budgets) and the cluster (a cost rule). @default the profile's budget, no emails */
  budgets: budgetSchema.default({ emails: [], clusterPricing: { cpuCoreHourUsd: 0.04, memoryGiBHourUsd: 0.005 } }),
});

/** The validated platform spec (defaults applied). */
export type PlatformSpec = z.infer<typeof platformSchema>;
/** What users write (defaults optional). */
export type PlatformSpecInput = z.input<typeof platformSchema>;
