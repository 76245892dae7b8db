/**
 * CORS for the public protocol endpoints, so a browser wallet on its own origin can use them.
 * Any origin, never credentials: these endpoints authenticate with bearer tokens, nonces and
 * one-time codes, never cookies, so a page on another origin gains nothing it could not get
 * with a plain HTTP client. The operator API gets none of this.
 *
 * Not Hono's `cors()`: it sets its headers on `c.res` before the handler runs, which costs a
 * copy of every answer (see setResponseHeaders). The headers are the same.
 */
import type { MiddlewareHandler } from 'hono';
import { setResponseHeaders } from '../../http/response-headers.js';

const ON_EVERY_ANSWER = {
  'Access-Control-Allow-Origin': '*',
  // What a page may read besides the safelisted headers: challenges, DPoP nonces, back-off.
  'Access-Control-Expose-Headers': 'WWW-Authenticate,DPoP-Nonce,Retry-After',
};

const PREFLIGHT = {
  ...ON_EVERY_ANSWER,
  'Access-Control-Allow-Methods': 'GET,POST',
  // What the OpenID4VCI/VP clients send: bearer tokens, JSON or form bodies, DPoP proofs.
  'Access-Control-Allow-Headers':
    'Authorization,Content-Type,DPoP,OAuth-Client-Attestation,OAuth-Client-Attestation-PoP',
  'Access-Control-Max-Age': '600',
};

/**
 * @example
 * ```ts
 * app.use('/responses/*', publicCors)
 * ```
 */
export const publicCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') return c.body(null, 204, PREFLIGHT);
  await next();
  setResponseHeaders(c, ON_EVERY_ANSWER);
};
