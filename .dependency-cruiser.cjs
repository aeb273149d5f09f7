/**
 * The layer order of DESIGN.md, checked by `npm run lint:deps`: each layer imports only the ones
 * below it, and nothing imports in a circle.
 *
 *   bin/, lib/cli      entry points
 *   lib/pulumi         the bridge, the program, the plan        may import everything below
 *   lib/cluster        kubectl, apply, verify                   may import platform and below
 *   lib/platform       HybridPlatform and its modules           may import spec, k8s, aws
 *   lib/spec           the user's model                         may import k8s and aws (their facts)
 *   lib/k8s, lib/aws   constructs (cdk8s) / components (Pulumi): never each other, never the spec or above
 *   lib/core           basic helpers: no cdk8s, no Pulumi, nothing above
 *   lib/imports        generated L1 classes
 */
const above = (...layers) => `^lib/(${layers.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and layers meaningless; break one with a small interface in the lower file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-above',
      severity: 'error',
      comment: 'lib/core is the ground floor: basic helpers without cdk8s or Pulumi.',
      from: { path: '^lib/core/' },
      to: { pathNot: ['^lib/core/', '(^|/)node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'k8s-and-spec-never-reach-pulumi',
      severity: 'error',
      comment: 'A cdk8s-only consumer (hybrid-serverless/k8s, /spec) must never load @pulumi/*, not even through another file (types included: they slow its type-check).',
      from: { path: '^lib/(core|spec|k8s|imports)/' },
      to: { path: '(^|/)node_modules/@pulumi/', reachable: true },
    },
    {
      name: 'core-has-no-cdk8s',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { path: '(^|/)node_modules/(cdk8s|cdk8s-plus-[0-9]+|constructs)/' },
    },
    {
      name: 'spec-below-platform',
      severity: 'error',
      comment: 'The spec is the model the platform compiles; it never reaches up into the platform, the bridge or the entry points.',
      from: { path: '^lib/spec/' },
      to: { path: above('platform', 'pulumi', 'cluster', 'cli') },
    },
    {
      name: 'constructs-below-the-spec',
      severity: 'error',
      comment: "Constructs take props in their own system's terms and keep their facts beside them (limits.ts, …); the spec imports those, never the other way round.",
      from: { path: '^lib/(k8s|aws)/' },
      to: { path: '^lib/spec/' },
    },
    {
      name: 'k8s-stands-alone',
      severity: 'error',
      comment: 'cdk8s constructs know nothing of the cloud side, the platform or the bridge.',
      from: { path: '^lib/k8s/' },
      to: { path: above('aws', 'platform', 'pulumi', 'cluster', 'cli') },
    },
    {
      name: 'aws-stands-alone',
      severity: 'error',
      comment: 'Pulumi AWS components know nothing of the cluster side, the platform or the bridge.',
      from: { path: '^lib/aws/' },
      to: { path: above('k8s', 'imports', 'platform', 'pulumi', 'cluster', 'cli') },
    },
    {
      name: 'platform-below-the-bridge',
      severity: 'error',
      comment: 'HybridPlatform produces cdk8s charts and cloud arguments; deploying them is lib/pulumi.',
      from: { path: '^lib/platform/' },
      to: { path: above('pulumi', 'cluster', 'cli') },
    },
    {
      name: 'cluster-below-the-entry-points',
      severity: 'error',
      from: { path: '^lib/cluster/' },
      to: { path: above('pulumi', 'cli') },
    },
    {
      name: 'imports-are-generated',
      severity: 'error',
      comment: 'lib/imports holds `cdk8s import` output only.',
      from: { path: '^lib/imports/' },
      to: { path: '^lib/', pathNot: '^lib/imports/' },
    },
    {
      name: 'lib-never-imports-entry-points-or-tests',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(bin|test|stacks|scripts)/|^pulumi-program' },
    },
    {
      name: 'lib-uses-runtime-dependencies',
      severity: 'error',
      comment: 'The published package installs "dependencies" only.',
      from: { path: '^lib/' },
      to: { dependencyTypes: ['npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(build|dist|coverage)/|^test/consumer/project/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['main', 'types', 'typings'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
