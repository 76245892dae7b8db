/**
 * A request id for every request, echoed in `X-Request-Id`, so an operator can find the log
 * line of the request a user or a proxy reports. An id sent by the client (or the reverse
 * proxy) is kept only when it is well-formed: short, and letters, digits and `._:-` alone, so
 * nothing else a client writes there can reach the logs.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { setResponseHeaders } from '../../http/response-headers.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export type RequestIdVariables = { requestId: string };

/**
 * @example
 * ```ts
 * app.use('*', requestId())
 * app.get('/', (c) => c.text(requestIdOf(c)))
 * ```
 */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id = given !== undefined && WELL_FORMED.test(given) ? given : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    setResponseHeaders(c, { [REQUEST_ID_HEADER]: id });
  };
}

/** The id {@link requestId} gave this request (empty outside it). */
export const requestIdOf = (c: Context): string => (c.get('requestId') as string | undefined) ?? '';
