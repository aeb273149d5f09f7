import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { deployCloud } from '../platform/cloud';
import { HybridPlatform } from '../platform/hybrid-platform';
import { loadSpecFile } from '../platform/load';
import { dnsLabel, type EnvironmentName } from '../spec/common';
import { SpecError } from '../core/errors';
import { parseSpec } from '../spec/parse';
import { profileOf, type PlatformSpec, type PlatformSpecInput } from '../spec/platform';
import type { ProfileName } from '../spec/profiles';
import { environmentNames } from '../spec/resolve';
import { deployCluster } from './bridge';
import { clusterOutputs } from './outputs';
import { skipPromiseStackTraces } from './promise-stacks';

/** The config namespace of the program's keys in `Pulumi.<env>.yaml`. */
export const CONFIG_NAMESPACE = 'hybrid-serverless';

/** Settings read from `Pulumi.<stack>.yaml` (all optional). */
export interface ProgramConfig {
  /** `hybrid-serverless:environment` — environment to deploy (a name in the spec's `environments`). @default the stack name */
  readonly environment: EnvironmentName;
  /** `hybrid-serverless:specFile` — YAML/JSON platform spec. @default the program's built-in spec */
  readonly specFile?: string;
  /** `hybrid-serverless:overrides` — profile overrides, applied last. @default none */
  readonly overrides?: unknown;
  /** `hybrid-serverless:kubeContext` — kubeconfig context of the cluster. @default the current context */
  readonly kubeContext?: string;
  /** `hybrid-serverless:deployCluster` — false when Flux applies the cluster side. @default true */
  readonly deployCluster: boolean;
  /** `hybrid-serverless:deployCloud` — false for a cluster-only stack (no AWS account needed). @default true */
  readonly deployCloud: boolean;
  /**
   * `hybrid-serverless:retainCluster` — every cluster object is registered with `retainOnDelete`:
   * `pulumi destroy`, or turning `deployCluster` off, leaves it in the cluster (handing the
   * cluster over to Flux). @default false
   */
  readonly retainCluster: boolean;
  /**
   * `hybrid-serverless:removeCluster` — consent to delete the cluster side when `deployCluster`
   * is turned off on a stack that deployed it without `retainCluster`. @default false (refused)
   */
  readonly removeCluster: boolean;
}

/**
 * `hybrid-serverless:openfaasLicense` (set with `pulumi config set --secret`): the OpenFaaS
 * licence, written to this Secret before the openfaas release installs.
 */
export const OPENFAAS_LICENSE_SECRET = 'openfaas/openfaas-license';

/**
 * Profiles whose environments' cluster must be named: deploying them into whatever context is
 * current is how accidents happen.
 */
export const CONTEXT_REQUIRED: readonly ProfileName[] = ['staging', 'prod'];

/**
 * The stack's config. The environment is checked to be a name at all here; that the spec
 * defines it (and what its profile requires) is checked against the spec by checkEnvironment.
 */
export function readConfig(): ProgramConfig {
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  const environment = cfg.get('environment') ?? pulumi.getStack();
  const name = dnsLabel().safeParse(environment);
  if (!name.success) {
    throw new SpecError(
      [{ path: `${CONFIG_NAMESPACE}:environment`, value: environment, message: `${name.error.issues[0].message} (an environment name of the spec; it defaults to the stack name)` }],
      'Invalid Pulumi config',
    );
  }
  const config: ProgramConfig = {
    environment,
    specFile: cfg.get('specFile'),
    overrides: cfg.getObject('overrides'),
    kubeContext: cfg.get('kubeContext'),
    deployCluster: cfg.getBoolean('deployCluster') ?? true,
    deployCloud: cfg.getBoolean('deployCloud') ?? true,
    retainCluster: cfg.getBoolean('retainCluster') ?? false,
    removeCluster: cfg.getBoolean('removeCluster') ?? false,
  };
  const problems: { path: string; value: unknown; message: string }[] = [];
  if (!config.deployCluster && !config.deployCloud) {
    problems.push({ path: `${CONFIG_NAMESPACE}:deployCloud`, value: false, message: `and ${CONFIG_NAMESPACE}:deployCluster are both false: the stack would deploy nothing; set one of them to true` });
  }
  if (problems.length > 0) throw new SpecError(problems, 'Invalid Pulumi config');
  return config;
}

/**
 * What the config asks of the spec: the environment must be one of the spec's, and an
 * environment of a profile in CONTEXT_REQUIRED must name its kubeconfig context.
 */
export function checkEnvironment(config: Pick<ProgramConfig, 'environment' | 'kubeContext' | 'deployCluster'>, spec: PlatformSpec): void {
  const env = Object.prototype.hasOwnProperty.call(spec.environments, config.environment) ? spec.environments[config.environment] : undefined;
  if (!env) {
    throw new SpecError(
      [{ path: `${CONFIG_NAMESPACE}:environment`, value: config.environment, message: `must be an environment of the spec: ${environmentNames(spec).join(', ')} (it defaults to the stack name)` }],
      'Invalid Pulumi config',
    );
  }
  const profile = profileOf(config.environment, env);
  if (config.deployCluster && !config.kubeContext && CONTEXT_REQUIRED.includes(profile)) {
    const which = profile === config.environment ? `environment "${config.environment}"` : `environment "${config.environment}" (profile ${profile})`;
    throw new SpecError(
      [
        {
          path: `${CONFIG_NAMESPACE}:kubeContext`,
          value: undefined,
          message: `is required for ${which} (environments of the ${CONTEXT_REQUIRED.join(', ')} profiles never deploy into whatever kubeconfig context is current): pulumi config set ${CONFIG_NAMESPACE}:kubeContext <context>`,
        },
      ],
      'Invalid Pulumi config',
    );
  }
}

/**
 * AWS resources go through providers built from the spec's region; an `aws:region` in the
 * stack config that says otherwise would mislead whoever reads it, so it must agree.
 */
export function checkAwsRegion(configured: string | undefined, specRegion: string, env: string): void {
  if (configured !== undefined && configured !== specRegion) {
    throw new SpecError(
      [
        {
          path: 'aws:region',
          value: configured,
          message: `disagrees with the spec's region for environment "${env}" (${specRegion}); the AWS resources are created in the spec's region — set aws.region or environments.${env}.aws.region in the spec, or remove aws:region`,
        },
      ],
      'Invalid Pulumi config',
    );
  }
}

/**
 * The Pulumi program: the stack's environment, from the same spec and the same cdk8s charts
 * as GitOps synthesis, deployed through the bridge, next to the cloud side.
 */
export interface ProgramOptions {
  /**
   * The project root (the folder of Pulumi.yaml): `hybrid-serverless:specFile` is relative to
   * it, and so are functions' `code.path` of the built-in spec (a spec file's are relative to
   * the spec file's folder, as with `hybrid-serverless plan --spec`), whatever the working directory the language host gives
   * the program. @default process.cwd()
   */
  readonly root?: string;
}

export function runProgram(defaultSpec: PlatformSpecInput, options: ProgramOptions = {}): Record<string, unknown> {
  skipPromiseStackTraces();
  try {
    return buildProgram(defaultSpec, path.resolve(options.root ?? process.cwd()));
  } catch (e) {
    // Pulumi prints a RunError's message without a stack trace: bad input is the user's to fix, not a crash.
    if (e instanceof SpecError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

/** What the previous deployment of this stack left, from its outputs. */
export type ClusterHandover = 'not-deployed' | 'retained' | 'removed';

/**
 * Turning `deployCluster` off drops every cluster resource from the program, and Pulumi then
 * deletes them all — namespaces, releases, tenants' functions — without a word. This reads the
 * stack's own previous outputs and refuses, unless the previous deployment registered the
 * cluster with `retainCluster` (Pulumi forgets the objects, the cluster keeps them) or the user
 * consented with `removeCluster`. The check runs in preview as in update, before any deletion.
 */
export function clusterHandover(previous: Record<string, unknown> | undefined, config: Pick<ProgramConfig, 'environment' | 'removeCluster'>): ClusterHandover {
  const deployed = previous?.clusterLayers !== undefined;
  if (!deployed) return 'not-deployed';
  if (previous?.clusterRetained === true) return 'retained';
  if (config.removeCluster) return 'removed';
  throw new pulumi.RunError(
    `${CONFIG_NAMESPACE}:deployCluster is false, but this stack deployed the cluster side of "${config.environment}": the update would delete every namespace, release and function of it. ` +
      `To hand the cluster over (e.g. to Flux) keep the objects: set deployCluster back to true, run \`pulumi config set ${CONFIG_NAMESPACE}:retainCluster true\` and \`pulumi up\`, then turn deployCluster off. ` +
      `To delete them: \`pulumi config set ${CONFIG_NAMESPACE}:removeCluster true\`.`,
  );
}

/** The stack's own fully qualified name, for a StackReference to its previous outputs. */
function selfReference(): string {
  let org = 'organization';
  try {
    org = pulumi.getOrganization();
  } catch {
    // mocks without an organization; the DIY backend calls it "organization"
  }
  return `${org}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

function buildProgram(defaultSpec: PlatformSpecInput, root: string): Record<string, unknown> {
  const config = readConfig();
  const spec = config.specFile ? loadSpecFile(path.resolve(root, config.specFile)) : parseSpec(defaultSpec);
  checkEnvironment(config, spec);
  const platform = new HybridPlatform(spec, config.environment, { overrides: config.overrides, overridesSource: `${CONFIG_NAMESPACE}:overrides` });
  checkAwsRegion(new pulumi.Config('aws').get('region'), platform.env.aws.region, config.environment);
  const outputs: Record<string, unknown> = { environment: config.environment, platform: spec.name };
  if (config.deployCluster) {
    const provider = new k8s.Provider(`${spec.name}-${config.environment}-cluster`, {
      ...(config.kubeContext && { context: config.kubeContext }),
      enableServerSideApply: true,
      // A changed ConfigMap or Secret (dashboards, generated config) is updated in place, as
      // Flux does, not deleted and recreated under the pods that mount it.
      enableConfigMapMutable: true,
      enableSecretMutable: true,
    });
    const license = new pulumi.Config(CONFIG_NAMESPACE).getSecret('openfaasLicense');
    const layers = deployCluster(platform, { provider, retainOnDelete: config.retainCluster, ...(license && { secrets: { [OPENFAAS_LICENSE_SECRET]: license } }) });
    outputs.clusterLayers = Object.keys(layers);
    Object.assign(outputs, clusterOutputs(platform, layers));
    if (config.retainCluster) outputs.clusterRetained = true;
  } else {
    const self = new pulumi.StackReference(selfReference());
    outputs.clusterSide = self.outputs.apply((previous) => clusterHandover(previous, config));
  }
  return { ...outputs, ...(config.deployCloud ? deployCloud(platform, { codeRoot: config.specFile ? path.dirname(path.resolve(root, config.specFile)) : root }) : {}) };
}
