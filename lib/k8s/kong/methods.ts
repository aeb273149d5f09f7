/** HTTP methods a Kong route matches. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Protocols a Kong route accepts requests on. */
export const ROUTE_PROTOCOLS = ['http', 'https'] as const;
