import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  HttpRoute,
  HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesMatchesMethod,
  HttpRouteSpecRulesMatchesPathType,
  type HttpRouteSpecRulesFilters,
  type HttpRouteSpecRulesMatches,
} from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { fail } from '../../core/errors';
import { HTTP_METHODS, type ROUTE_PROTOCOLS } from './methods';
import { LABELS, MANAGED_BY } from '../common/labels';
import type { KongBackend } from './kong-backend';
import { RoutePlugin, type KongPluginSpec } from './plugins';
import { DNS_SUBDOMAIN } from '../../core/naming';

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type RouteProtocol = (typeof ROUTE_PROTOCOLS)[number];

export interface KongRouteProps {
  /** Ingress / HTTPRoute name. */
  readonly name: string;
  /** Namespace of the route; the backend Service must be in the same one. */
  readonly namespace: string;
  /** Host the route serves. */
  readonly host: string;
  /** Path prefixes (each starting with "/"). */
  readonly paths: readonly string[];
  /** Methods matched. @default all methods */
  readonly methods?: readonly HttpMethod[];
  /** Strip the matched prefix before forwarding. @default true */
  readonly stripPath?: boolean;
  /** Protocols accepted; http requests are redirected with 308 when only https is listed. @default ['https'] */
  readonly protocols?: readonly RouteProtocol[];
  /** Where requests go (its Service carries the timeouts, Host header and health checks). */
  readonly backend: KongBackend;
  /**
   * `ingress` renders a `networking.k8s.io/v1` Ingress; `httproute` a Gateway API HTTPRoute
   * attached to `gateway` (the cluster must have the Gateway API CRDs and a Kong Gateway).
   * @default 'ingress'
   */
  readonly api?: 'ingress' | 'httproute';
  /** IngressClass of the Kong controller. @default 'kong' */
  readonly ingressClass?: string;
  /** Gateway the HTTPRoute attaches to. Required when `api` is 'httproute'. @default none */
  readonly gateway?: { readonly name: string; readonly namespace: string };
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Certificate Kong serves for `host` (Ingress `spec.tls`; Kong Ingress Controller picks it by
   * SNI). Only for `api: 'ingress'`: an HTTPRoute's certificate belongs to the Gateway listener.
   * @default none (Kong's default certificate)
   */
  readonly tls?: KongRouteTls;
}

/** A route's certificate: an existing Secret, or one cert-manager issues into `secretName`. */
export interface KongRouteTls {
  /** `kubernetes.io/tls` Secret in the route's namespace (referenced, never rendered). */
  readonly secretName: string;
  /**
   * ClusterIssuer cert-manager issues the certificate with (`cert-manager.io/cluster-issuer`);
   * cert-manager must be installed in the cluster. @default none (the Secret exists already)
   */
  readonly clusterIssuer?: string;
}

const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * A Kong route: host + path prefixes + methods → a `KongBackend`, with plugins attached by
 * `konghq.com/plugins`. Rendered as an Ingress of class `kong` (or a Gateway API HTTPRoute).
 * `addPlugin()` adds a typed KongPlugin in the route's namespace; one plugin per type.
 */
export class KongRoute extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly backend: KongBackend;
  readonly apiObject: ApiObject;
  private readonly plugins: RoutePlugin[] = [];

  constructor(scope: Construct, id: string, props: KongRouteProps) {
    super(scope, id);
    const where = `KongRoute(${props.name})`;
    if (props.paths.length === 0) fail(`${where}.paths`, [], 'needs at least one path prefix');
    for (const p of props.paths) if (!PATH.test(p)) fail(`${where}.paths`, p, 'each path must start with "/" and contain only URL path characters');
    if (new Set(props.paths).size !== props.paths.length) fail(`${where}.paths`, props.paths, 'paths must be distinct');
    const methods = props.methods ?? [];
    for (const m of methods) if (!(HTTP_METHODS as readonly string[]).includes(m)) fail(`${where}.methods`, m, `must be one of ${HTTP_METHODS.join(', ')}`);
    const protocols = props.protocols ?? ['https'];
    if (protocols.length === 0) fail(`${where}.protocols`, [], 'needs http, https or both');
    if (props.backend.namespace !== props.namespace) {
      fail(
        `${where}.backend`,
        `${props.backend.namespace}/${props.backend.name}`,
        `must be a Service in the route's namespace "${props.namespace}" (Ingress backends cannot cross namespaces; use a KongBackend there)`,
      );
    }
    const api = props.api ?? 'ingress';
    if (api === 'httproute' && !props.gateway) fail(`${where}.gateway`, undefined, 'is required for an HTTPRoute: the Gateway it attaches to');
    if (props.tls) {
      if (api === 'httproute') fail(`${where}.tls`, props.tls, "applies to Ingress routes only: an HTTPRoute's certificate is set on the Gateway listener (certificateRefs)");
      if (!DNS_SUBDOMAIN.test(props.tls.secretName) || props.tls.secretName.length > 253) fail(`${where}.tls.secretName`, props.tls.secretName, 'must be a DNS-1123 subdomain (a Secret name)');
      if (props.tls.clusterIssuer !== undefined && !DNS_SUBDOMAIN.test(props.tls.clusterIssuer)) {
        fail(`${where}.tls.clusterIssuer`, props.tls.clusterIssuer, 'must be a DNS-1123 subdomain (a ClusterIssuer name)');
      }
    }

    this.name = props.name;
    this.namespace = props.namespace;
    this.backend = props.backend;
    const stripPath = props.stripPath ?? true;
    const hostHeader = props.backend.hostHeader;
    const labels = { [LABELS.managedBy]: MANAGED_BY, ...props.labels };
    const annotations: Record<string, string> = {
      'konghq.com/protocols': protocols.join(','),
      // Kong keeps the client's Host by default; a backend that routes on Host needs its own.
      ...(hostHeader && { 'konghq.com/preserve-host': 'false' }),
      ...(!protocols.includes('http') && { 'konghq.com/https-redirect-status-code': '308' }),
    };

    if (api === 'ingress') {
      this.apiObject = new k8s.KubeIngress(this, 'Resource', {
        metadata: {
          name: props.name,
          namespace: props.namespace,
          labels,
          annotations: {
            ...annotations,
            'konghq.com/strip-path': String(stripPath),
            ...(methods.length > 0 && { 'konghq.com/methods': methods.join(',') }),
            ...(props.tls?.clusterIssuer && { 'cert-manager.io/cluster-issuer': props.tls.clusterIssuer }),
          },
        },
        spec: {
          ingressClassName: props.ingressClass ?? 'kong',
          ...(props.tls && { tls: [{ hosts: [props.host], secretName: props.tls.secretName }] }),
          rules: [
            {
              host: props.host,
              http: {
                paths: props.paths.map((path) => ({
                  path,
                  pathType: 'Prefix',
                  backend: { service: { name: props.backend.name, port: { number: props.backend.port } } },
                })),
              },
            },
          ],
        },
      });
    } else {
      const matches: HttpRouteSpecRulesMatches[] = props.paths.flatMap((value) =>
        (methods.length ? methods : [undefined]).map((m) => ({
          path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value },
          ...(m && { method: m as HttpRouteSpecRulesMatchesMethod }),
        })),
      );
      const filters: HttpRouteSpecRulesFilters[] = [];
      if (stripPath || hostHeader) {
        filters.push({
          type: HttpRouteSpecRulesFiltersType.URL_REWRITE,
          urlRewrite: {
            ...(hostHeader && { hostname: hostHeader }),
            ...(stripPath && { path: { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: '/' } }),
          },
        });
      }
      this.apiObject = new HttpRoute(this, 'Resource', {
        metadata: { name: props.name, namespace: props.namespace, labels, annotations },
        spec: {
          parentRefs: [{ name: props.gateway!.name, namespace: props.gateway!.namespace }],
          hostnames: [props.host],
          rules: [{ matches, ...(filters.length && { filters }), backendRefs: [{ name: props.backend.name, port: props.backend.port }] }],
        },
      });
    }
    this.apiObject.node.addDependency(props.backend);
  }

  /** Adds a typed KongPlugin named `<route>-<plugin>` to this route. */
  addPlugin(spec: KongPluginSpec): RoutePlugin {
    this.checkUnique(spec.plugin);
    const plugin = new RoutePlugin(this, `Plugin-${spec.plugin}`, { name: `${this.name}-${spec.plugin}`, namespace: this.namespace, spec });
    return this.attachPlugin(plugin);
  }

  /** Attaches an existing KongPlugin of the same namespace. */
  attachPlugin(plugin: RoutePlugin): RoutePlugin {
    this.checkUnique(plugin.plugin);
    if (plugin.apiObject.metadata.namespace !== this.namespace) fail(`KongRoute(${this.name}).plugins`, plugin.name, `KongPlugin must be in the route's namespace "${this.namespace}"`);
    this.plugins.push(plugin);
    this.apiObject.metadata.addAnnotation('konghq.com/plugins', this.plugins.map((p) => p.name).join(','));
    return plugin;
  }

  // Kong runs one instance of a plugin per route.
  private checkUnique(plugin: string): void {
    if (this.plugins.some((p) => p.plugin === plugin)) fail(`KongRoute(${this.name}).plugins`, plugin, 'a route can run each plugin once; it already has this one');
  }

  /** Names of the KongPlugins on this route, in attach order. */
  get pluginNames(): string[] {
    return this.plugins.map((p) => p.name);
  }
}
