import { Construct } from 'constructs';
import { KongClusterPlugin } from '../../imports/kong-clusterplugin-configuration.konghq.com';
import { KongPlugin } from '../../imports/kong-plugin-configuration.konghq.com';
import { fail as failAt } from '../../core/errors';
import { LABELS, MANAGED_BY } from '../common/labels';

/**
 * Typed configurations of the Kong plugins the toolkit uses (Kong Gateway 3.9, the kong
 * chart's appVersion). Field names are Kong's own (`config` of the plugin entity), so the
 * object goes verbatim into `KongPlugin.config`.
 */

/** rate-limiting: requests per window, counted per consumer, IP, … */
export interface RateLimitingConfig {
  readonly second?: number;
  readonly minute?: number;
  readonly hour?: number;
  readonly day?: number;
  /** What a counter is kept for. */
  readonly limit_by: 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
  /** Where counters live; DB-less Kong has no database, so `local` (per node) or `redis`. */
  readonly policy: 'local' | 'redis';
  /** Keep proxying when the counter store fails. */
  readonly fault_tolerant?: boolean;
  readonly hide_client_headers?: boolean;
  readonly error_code?: number;
  readonly error_message?: string;
}

/** key-auth: an API key in a header or query parameter, matched against consumers' credentials. */
export interface KeyAuthConfig {
  readonly key_names: readonly string[];
  /** Do not forward the key to the backend. */
  readonly hide_credentials: boolean;
  readonly key_in_header?: boolean;
  readonly key_in_query?: boolean;
  readonly key_in_body?: boolean;
}

/** jwt: HS256/RS256 tokens whose `key_claim_name` claim names a consumer's jwt credential. */
export interface JwtConfig {
  readonly key_claim_name: string;
  readonly claims_to_verify: readonly ('exp' | 'nbf')[];
  readonly header_names?: readonly string[];
  readonly uri_param_names?: readonly string[];
  readonly maximum_expiration?: number;
  readonly secret_is_base64?: boolean;
}

/** cors: answers preflights and adds Access-Control-* headers. */
export interface CorsConfig {
  readonly origins: readonly string[];
  readonly methods?: readonly string[];
  readonly headers?: readonly string[];
  readonly exposed_headers?: readonly string[];
  readonly credentials: boolean;
  readonly max_age: number;
  readonly preflight_continue?: boolean;
}

/** request-size-limiting: rejects bodies above a size with 413. */
export interface RequestSizeLimitingConfig {
  readonly allowed_payload_size: number;
  readonly size_unit: 'bytes' | 'kilobytes' | 'megabytes';
  readonly require_content_length?: boolean;
}

/** ip-restriction: allow (or deny) client addresses. */
export interface IpRestrictionConfig {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
  readonly status?: number;
  readonly message?: string;
}

/** correlation-id: a request id header, generated when absent and echoed downstream. */
export interface CorrelationIdConfig {
  readonly header_name: string;
  readonly generator: 'uuid' | 'uuid#counter' | 'tracker';
  readonly echo_downstream: boolean;
}

/** prometheus: per-service/route metrics on the status listener's /metrics. */
export interface PrometheusConfig {
  readonly per_consumer: boolean;
  readonly status_code_metrics: boolean;
  readonly latency_metrics: boolean;
  readonly bandwidth_metrics: boolean;
  readonly upstream_health_metrics: boolean;
}

/**
 * aws-lambda: invokes a Lambda function instead of proxying upstream. Credentials are not
 * a field here on purpose: the plugin signs with the pod's IAM role (IRSA), never static keys.
 */
export interface AwsLambdaConfig {
  readonly function_name: string;
  /**
   * Version or alias to invoke (Kong 3.9 schema: `qualifier`, a string). The toolkit always sets
   * its `live` alias: only the alias carries provisioned concurrency, and only the alias is
   * what the Kong invoke role allows. @default $LATEST (Lambda's default when unset)
   */
  readonly qualifier?: string;
  readonly aws_region: string;
  readonly invocation_type: 'RequestResponse' | 'Event' | 'DryRun';
  /** Milliseconds to wait for the invocation. */
  readonly timeout: number;
  /** Send the API Gateway proxy event format, so API Gateway handlers work unchanged. */
  readonly awsgateway_compatible: boolean;
  /** Map the function's `{ statusCode, headers, body }` reply to the HTTP response. */
  readonly is_proxy_integration: boolean;
  readonly log_type?: 'Tail' | 'None';
  readonly keepalive?: number;
}

interface Configs {
  'rate-limiting': RateLimitingConfig;
  'key-auth': KeyAuthConfig;
  jwt: JwtConfig;
  cors: CorsConfig;
  'request-size-limiting': RequestSizeLimitingConfig;
  'ip-restriction': IpRestrictionConfig;
  'correlation-id': CorrelationIdConfig;
  prometheus: PrometheusConfig;
  'aws-lambda': AwsLambdaConfig;
}

export type KongPluginName = keyof Configs;

/** A plugin and its typed configuration. */
export type KongPluginSpec = { [P in KongPluginName]: { readonly plugin: P; readonly config: Configs[P] } }[KongPluginName];

const SECRET_FIELDS = ['aws_key', 'aws_secret'];

/** A problem of a plugin spec: `path` below the plugin (`config.hour`), the value, what is valid. */
export interface PluginProblem {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/**
 * What Kong's schema would reject at apply time, so the error names our input instead: the
 * constructors throw the first, the spec's route rules report each with the spec path.
 */
export function pluginSpecProblems(spec: KongPluginSpec): PluginProblem[] {
  const out: PluginProblem[] = [];
  const fail = (path: string, value: unknown, message: string): void => {
    out.push({ path, value, message });
  };
  const c = spec.config as unknown as Record<string, unknown>;
  for (const f of SECRET_FIELDS) {
    if (f in c) fail(`config.${f}`, '(redacted)', 'static AWS keys are not allowed: Kong signs with its pod IAM role (IRSA)');
  }
  switch (spec.plugin) {
    case 'rate-limiting': {
      const windows = (['second', 'minute', 'hour', 'day'] as const).filter((w) => spec.config[w] !== undefined);
      if (windows.length === 0) fail('config', spec.config, 'rate-limiting needs at least one of second, minute, hour, day');
      for (const w of windows) {
        const v = spec.config[w]!;
        if (!Number.isInteger(v) || v < 1) fail(`config.${w}`, v, 'must be a positive integer');
      }
      // Kong requires shorter windows to allow fewer requests than longer ones.
      for (let i = 1; i < windows.length; i++) {
        if (spec.config[windows[i]]! < spec.config[windows[i - 1]]!) {
          fail(`config.${windows[i]}`, spec.config[windows[i]], `must be ≥ the ${windows[i - 1]} limit (${spec.config[windows[i - 1]]})`);
        }
      }
      break;
    }
    case 'key-auth':
      if (spec.config.key_names.length === 0) fail('config.key_names', [], 'needs at least one header/query name');
      break;
    case 'cors':
      if (spec.config.credentials && spec.config.origins.includes('*')) {
        fail('config.origins', spec.config.origins, 'origin "*" cannot be combined with credentials: list the origins');
      }
      break;
    case 'request-size-limiting':
      if (!(spec.config.allowed_payload_size > 0)) fail('config.allowed_payload_size', spec.config.allowed_payload_size, 'must be positive');
      break;
    case 'ip-restriction':
      if (!spec.config.allow?.length && !spec.config.deny?.length) fail('config', spec.config, 'ip-restriction needs allow or deny');
      break;
    case 'aws-lambda':
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(spec.config.function_name)) fail('config.function_name', spec.config.function_name, 'must be a Lambda function name (1–64 letters, digits, "-" or "_")');
      // Lambda's Invoke API: a version number, $LATEST, or an alias name (1–128 characters).
      if (spec.config.qualifier !== undefined && !/^(\$LATEST|[0-9]+|[A-Za-z0-9_-]{1,128})$/.test(spec.config.qualifier)) {
        fail('config.qualifier', spec.config.qualifier, 'must be a Lambda alias name (letters, digits, "-", "_"), a version number or "$LATEST"');
      }
      if (!/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/.test(spec.config.aws_region)) fail('config.aws_region', spec.config.aws_region, 'must be an AWS region such as "eu-west-1"');
      if (!(spec.config.timeout > 0)) fail('config.timeout', spec.config.timeout, 'must be positive milliseconds');
      break;
    default:
      break;
  }
  return out;
}

/** Throws the first of {@link pluginSpecProblems}, its path under `where`. */
export function validatePluginSpec(spec: KongPluginSpec, where: string): void {
  const [first] = pluginSpecProblems(spec);
  if (first) failAt(`${where}.${first.path}`, first.value, first.message);
}

export interface RoutePluginProps {
  /** KongPlugin name (referenced from `konghq.com/plugins`). */
  readonly name: string;
  /** Namespace of the route or service it is attached to (KongPlugins are namespaced). */
  readonly namespace: string;
  readonly spec: KongPluginSpec;
}

/** A namespaced `KongPlugin`, attached to routes/services/consumers by annotation. */
export class RoutePlugin extends Construct {
  readonly name: string;
  readonly plugin: string;
  readonly apiObject: KongPlugin;

  constructor(scope: Construct, id: string, props: RoutePluginProps) {
    super(scope, id);
    validatePluginSpec(props.spec, `KongPlugin(${props.name})`);
    this.name = props.name;
    this.plugin = props.spec.plugin;
    this.apiObject = new KongPlugin(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
      plugin: props.spec.plugin,
      config: props.spec.config,
    });
  }
}

export interface GlobalPluginProps {
  /** KongClusterPlugin name. */
  readonly name: string;
  readonly spec: KongPluginSpec;
  /** IngressClass whose controller applies it. @default 'kong' */
  readonly ingressClass?: string;
}

/**
 * A `KongClusterPlugin` labelled `global: "true"`: Kong runs it on every request, whatever
 * the route (metrics, request ids, the body-size ceiling).
 */
export class GlobalPlugin extends Construct {
  readonly name: string;
  readonly apiObject: KongClusterPlugin;

  constructor(scope: Construct, id: string, props: GlobalPluginProps) {
    super(scope, id);
    validatePluginSpec(props.spec, `KongClusterPlugin(${props.name})`);
    this.name = props.name;
    this.apiObject = new KongClusterPlugin(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { [LABELS.managedBy]: MANAGED_BY, global: 'true' },
        // KIC only reconciles cluster plugins that name its class.
        annotations: { 'kubernetes.io/ingress.class': props.ingressClass ?? 'kong' },
      },
      plugin: props.spec.plugin,
      config: props.spec.config,
    });
  }
}
