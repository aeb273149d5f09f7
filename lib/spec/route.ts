import { z } from 'zod';
import { dnsLabel, dnsSubdomain } from './common';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const routeSchema = z.strictObject({
  /** Route name (Ingress / HTTPRoute name). */
  name: dnsLabel(),
  /** Host name served by the gateway. */
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
      second: z.number().int().positive().optional(),
      minute: z.number().int().positive().optional(),
      hour: z.number().int().positive().optional(),
    })
    .optional(),
  /** Strip the matched path before forwarding. @default true */
  stripPath: z.boolean().optional(),
});
export type RouteSpec = z.infer<typeof routeSchema>;

/** Gateway-wide settings (Kong). */
export const gatewaySchema = z.strictObject({
  /** API consumers; each credential is a reference to a Secret, never a literal key. */
  consumers: z
    .array(
      z.strictObject({
        name: dnsLabel(),
        /** Secret holding the consumer's credential (key-auth `key`, or jwt fields). */
        credentialSecret: dnsSubdomain,
      }),
    )
    .default([]),
});
export type GatewaySpec = z.infer<typeof gatewaySchema>;
