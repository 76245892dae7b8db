/**
 * CORS for the public protocol endpoints, so a browser wallet on its own origin can use them.
 * Any origin, never credentials: these endpoints authenticate with bearer tokens, nonces and
 * one-time codes, never cookies, so a page on another origin gains nothing it could not get
 * with a plain HTTP client. The operator API gets none of this.
 */
import { cors } from 'hono/cors';

export const publicCors = cors({
  origin: '*',
  allowMethods: ['GET', 'POST'],
  // What the OpenID4VCI/VP clients send: bearer tokens, JSON or form bodies, DPoP proofs.
  allowHeaders: ['Authorization', 'Content-Type', 'DPoP'],
  exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce', 'Retry-After'],
  maxAge: 600,
});
