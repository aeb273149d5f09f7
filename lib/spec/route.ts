import { z } from 'zod';
import { dnsLabel, dnsSubdomain } from './common';
import { resolveHost, TLS_HOST } from '../core/naming';

import { HTTP_METHODS, ROUTE_PROTOCOLS } from '../k8s/kong/methods';

/** An IPv4 or IPv6 address or CIDR block, as Kong's ip-restriction plugin takes it. */
const cidr = z.string().regex(/^(([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/[0-9]{1,3})?)$/, {
  message: 'must be an IP address or CIDR block such as "10.0.0.0/8" or "2001:db8::/32"',
});

export const routeSchema = z.strictObject({
  /** Route name (Ingress / HTTPRoute name). */
  name: dnsLabel(),
  /**
   * Host name served by the gateway. A single label (`api`) is relative to the environment's
   * domain (`api.dev.acme.example` in dev, `api.acme.example` in prod); a name with dots is used
   * as is in every environment.
   */
  host: dnsSubdomain,
  /** Path prefix, starting with "/". */
  path: z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, { message: 'must be a path starting with "/"' }),
  /** @default all methods */
  methods: z.array(z.enum(HTTP_METHODS)).min(1).optional(),
  /** Function served at this route. */
  function: dnsLabel(40),
  /** @default 'key-auth' */
  auth: z.enum(['none', 'key-auth', 'jwt']).optional(),
  /** Requests allowed per consumer (or per IP with auth 'none'). @default none */
  rateLimit: z
    .strictObject({
      /** Requests per second. */
      second: z.number().int().positive().optional(),
      /** Requests per minute. */
      minute: z.number().int().positive().optional(),
      /** Requests per hour. */
      hour: z.number().int().positive().optional(),
    })
    .optional(),
  /** Strip the matched path before forwarding. @default true */
  stripPath: z.boolean().optional(),
  /** Protocols the route accepts; plain http is redirected (308) when only https is listed. @default ['https'] */
  protocols: z.array(z.enum(ROUTE_PROTOCOLS)).min(1).optional(),
  /** Browser origins allowed to call the route (CORS). @default no CORS headers */
  cors: z
    .strictObject({
      /** Allowed origins, e.g. "https://shop.acme.example", or "*". */
      origins: z.array(z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.*-]+(:[0-9]+)?)$/, { message: 'must be "*" or an origin such as "https://shop.acme.example"' })).min(1),
      /** Allow cookies / Authorization on cross-origin calls. @default false */
      credentials: z.boolean().optional(),
      /** Seconds a preflight result may be cached. @default 3600 */
      maxAgeSeconds: z.number().int().min(0).max(86400).optional(),
    })
    .optional(),
  /** Client addresses allowed to call the route (ip-restriction). @default any address */
  allowCidrs: z.array(cidr).min(1).optional(),
  /** Largest request body accepted, in megabytes (overrides gateway.maxBodyMb for this route). @default gateway.maxBodyMb */
  maxBodyMb: z.number().int().min(1).max(1024).optional(),
  /**
   * Upstream health checks of the backend (container functions only; seed 000's active and
   * passive settings), probing `path` on the function. `false` turns them off. @default on
   * with path '/health' when the function keeps ≥ 1 replica (probes would keep a
   * scale-to-zero function awake forever), off otherwise
   */
  healthCheck: z
    .union([
      z.literal(false),
      z.strictObject({
        /** Path probed on the function, e.g. "/health". */
        path: z.string().regex(/^\/.*$/, { message: 'must start with "/"' }),
      }),
    ])
    .optional(),
});
export type RouteSpec = z.infer<typeof routeSchema>;

/**
 * A certificate host: a DNS name, optionally with a wildcard that is the whole leftmost label
 * (`*.acme.example`; `*` alone is relative to the environment domain). TLS wildcards stand for
 * exactly one label, so `*` anywhere else (`api.*.example`, `a*.example`) matches nothing.
 */
const tlsHost = z
  .string()
  .max(253, { message: 'must be at most 253 characters' })
  .regex(TLS_HOST, {
    // The pattern stays in the JSON schema; the message says what was wrong with a wildcard.
    error: (iss) =>
      String(iss.input).includes('*')
        ? 'a wildcard must be the whole leftmost label: "*.acme.example", or "*" alone for every single-label host of the environment domain'
        : 'must be a DNS-1123 subdomain: lowercase alphanumerics, "-" and ".", optionally starting with "*."',
  });

/** Gateway-wide settings (Kong). */
export const gatewaySchema = z.strictObject({
  /** API consumers; each credential is a reference to a Secret, never a literal key. */
  consumers: z
    .array(
      z.strictObject({
        /** Consumer name (the Kong username). */
        name: dnsLabel(),
        /**
         * Secret in the gateway namespace holding the consumer's credential (key-auth `key`, or
         * jwt `key`/`algorithm`/`secret`|`rsa_public_key`), labelled `konghq.com/credential=key-auth|jwt`.
         */
        credentialSecret: dnsSubdomain,
      }),
    )
    .default([]),
  /** Type of the proxy Service. @default 'LoadBalancer' */
  proxyServiceType: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']).optional(),
  /** Largest request body any route accepts, in megabytes (global request-size-limiting). @default 10 */
  maxBodyMb: z.number().int().min(1).max(1024).optional(),
  /**
   * TLS certificates the gateway serves, each a `kubernetes.io/tls` Secret in the `kong`
   * namespace (referenced by name; the toolkit never holds certificate material). A route's
   * Ingress names the certificate whose hosts cover its host (exactly, or by a `*.` wildcard
   * of one label). When set without `certManager`, every https route's host must be covered.
   * @default none (Kong serves its self-signed default certificate, or cert-manager's)
   */
  tls: z
    .array(
      z.strictObject({
        /**
         * Host names the certificate is valid for. A single label is relative to the
         * environment's domain, like route hosts (`api` → `api.dev.acme.example` in dev);
         * `*` alone is `*.<domain>`; a leading `*.` is a wildcard of one label.
         */
        hosts: z.array(tlsHost).min(1),
        /** The `kubernetes.io/tls` Secret in the `kong` namespace. */
        secretName: dnsSubdomain,
      }),
    )
    .min(1)
    .optional(),
  /**
   * Let cert-manager (installed separately: the toolkit does not install it) issue the
   * certificate of every https route no `tls` entry covers: the Ingress gets the
   * `cert-manager.io/cluster-issuer` annotation and `spec.tls` with Secret `<route>-tls`.
   * @default none
   */
  certManager: z
    .strictObject({
      /** ClusterIssuer that signs the certificates (e.g. a Let's Encrypt ACME issuer). */
      clusterIssuer: dnsSubdomain,
    })
    .optional(),
});
export type GatewaySpec = z.infer<typeof gatewaySchema>;

/** Whether a certificate host covers `host` (both resolved): the same name, or a `*.` wildcard of its first label. */
export function tlsCovers(certHost: string, host: string): boolean {
  if (certHost === host) return true;
  if (!certHost.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === certHost.slice(2);
}

/** The certificate hosts of `gateway.tls` as an environment with `domain` resolves them. */
export function tlsHostsIn(gateway: GatewaySpec, domain: string): string[] {
  return (gateway.tls ?? []).flatMap((c) => c.hosts.map((h) => resolveHost(h, domain)));
}

/** The first `gateway.tls` certificate covering `host` in the environment with `domain`, if any. */
export function certificateFor(gateway: GatewaySpec, host: string, domain: string): NonNullable<GatewaySpec['tls']>[number] | undefined {
  return (gateway.tls ?? []).find((c) => c.hosts.some((h) => tlsCovers(resolveHost(h, domain), host)));
}

/** Whether a route accepts https (and so needs a certificate). */
export const servesHttps = (route: RouteSpec): boolean => (route.protocols ?? ['https']).includes('https');

/** Secret cert-manager fills for a route no `gateway.tls` certificate covers. */
export const certManagerSecret = (route: string): string => `${route}-tls`;
