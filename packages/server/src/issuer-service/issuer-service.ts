/**
 * The issuer service: the OpenID4VCI protocol object (`protocol.ts`) behind thin Hono route
 * modules (`routes/public.ts`, `routes/operator.ts`), over web-standard Request/Response.
 */
import { epochSeconds } from '@sanad/core';
import { Hono } from 'hono';
import { publicCors } from '../middleware/cors/index.js';
import { errorResponse, notFound } from '../http/errors.js';
import { limitBody } from '../http/limits.js';
import { type DefencesOptions, defences, servicesDefences } from '../middleware/defences/index.js';
import {
  createObservability,
  instrument,
  type Observability,
} from '../observability/observability.js';
import { signingKeyLoaded } from '../observability/readiness.js';
import type { ClientKeyOptions } from './client-key.js';
import {
  createIssuerProtocol,
  type IssuerProtocol,
  type IssuerProtocolOptions,
} from './protocol.js';
import { operatorRoutes } from './routes/operator.js';
import { publicRoutes } from './routes/public.js';

export type { CreatedOffer, CreateOfferOptions, IssuerProtocol } from './protocol.js';

export interface IssuerServiceOptions extends IssuerProtocolOptions, ClientKeyOptions {
  /** Bearer token for the operator API; without one the operator API is not served. */
  operatorToken?: string;
  /** Rate limits and load shedding, on by default (see docs/deployment.md); `false`: none. */
  defences?: DefencesOptions | false;
  /** JSON logs, metrics and readiness (default: logs on standard error, a metrics registry of its own). */
  observability?: Observability;
}

export interface IssuerService {
  /** The Hono app: middleware added with `app.use` runs before the routes' handlers. */
  app: Hono;
  protocol: IssuerProtocol;
  createOffer: IssuerProtocol['createOffer'];
  metadata: IssuerProtocol['credentialIssuer'];
  authorizationServerMetadata: IssuerProtocol['authorizationServerMetadata'];
}

/**
 * Creates the issuer service.
 *
 * @example
 * ```ts
 * const service = createIssuerService({ issuer, store, baseUrl: 'https://issuer.agency.example', operatorToken })
 * serve({ fetch: service.app.fetch, port: 8080 })
 * ```
 */
export function createIssuerService(options: IssuerServiceOptions): IssuerService {
  const observability = options.observability ?? createObservability('issuer');
  const log = options.log ?? observability.log;
  const protocol = createIssuerProtocol({ ...options, log });
  const app = new Hono();
  const now = (): number => epochSeconds(options.clock);
  const { defences: defended, trustProxy } = servicesDefences(options.defences, options.trustProxy);
  instrument(app, observability, {
    operatorToken: options.operatorToken,
    store: options.store,
    kinds: ['offer', 'access_token', 'c_nonce'],
    now,
    checks: {
      signing_key: signingKeyLoaded(options.issuer.signer),
      status_lists: () => protocol.publishedStatusLists(),
    },
  });
  app.onError((err, c) => errorResponse(c, err, log));
  app.notFound(notFound);
  for (const path of ['/.well-known/*', '/token', '/nonce', '/credential', '/status/*', '/jwks'])
    app.use(path, publicCors);
  app.use('*', ...defences(defended));
  app.use('*', limitBody);
  app.route('/', publicRoutes(protocol, { ...(trustProxy !== undefined ? { trustProxy } : {}) }));
  if (options.operatorToken !== undefined)
    app.route('/operator', operatorRoutes(protocol, options.operatorToken));
  return {
    app,
    protocol,
    createOffer: protocol.createOffer,
    metadata: protocol.credentialIssuer,
    authorizationServerMetadata: protocol.authorizationServerMetadata,
  };
}
