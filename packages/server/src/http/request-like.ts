/** The `RequestLike` the `@openid4vc/*` verifiers read (method, URL, headers) from a Hono request. */
import type { RequestLike } from '@openid4vc/oauth2';
import type { Context } from 'hono';

export const requestLike = (c: Context): RequestLike => ({
  method: c.req.method as RequestLike['method'],
  url: c.req.url,
  headers: c.req.raw.headers,
});
