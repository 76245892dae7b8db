/** The verifier service's HTTP app: the protocol's routes, thin, behind the shared limits. */
import { Hono } from 'hono';
import { publicCors } from '../middleware/cors/index.js';
import { limitBody } from '../http/limits.js';
import { errorResponse, notFound } from '../http/errors.js';
import { staticFiles } from '../http/static-files.js';
import { type DefencesOptions, defences } from '../middleware/defences/index.js';
import {
  instrument,
  type InstrumentOptions,
  type Observability,
} from '../observability/observability.js';
import type { VerifierProtocol } from './protocol.js';

import { operatorRoutes } from './routes/operator.js';
import { publicRoutes } from './routes/public.js';

export interface VerifierAppOptions {
  /** Mounts the operator API at `/operator/` (none without a token). */
  operatorToken?: string;
  /** The built desk page (`@sanad/verifier-web`'s `dist`, an absolute path), served at `/desk/`. */
  deskDir?: string;
  log: (message: string) => void;
  /** Rate limits and load shedding, on by default (see docs/deployment.md); `false`: none. */
  defences?: DefencesOptions | false;
  observability: Observability;
  /** The store, kinds and readiness checks {@link instrument} watches. */
  instrument: Omit<InstrumentOptions, 'operatorToken'>;
}

/** The one place the app is put together: middleware that must see every request goes first. */
export function createVerifierApp(protocol: VerifierProtocol, options: VerifierAppOptions): Hono {
  const app = new Hono();
  instrument(app, options.observability, {
    ...options.instrument,
    operatorToken: options.operatorToken,
  });
  app.onError((err, c) => errorResponse(c, err, options.log));
  app.notFound(notFound);
  for (const path of ['/requests/*', '/responses/*', '/results/*']) app.use(path, publicCors);
  app.use('*', ...defences(options.defences));
  app.use('*', limitBody);

  app.route('/', publicRoutes(protocol));
  if (options.operatorToken !== undefined)
    app.route('/operator', operatorRoutes(protocol, options.operatorToken));

  if (options.deskDir !== undefined) {
    const desk = staticFiles({ root: options.deskDir, prefix: '/desk/' });
    // Relative, so it also holds behind a proxy that mounts the service under a path.
    app.get('/desk', (c) => c.redirect('desk/', 301));
    app.get('/desk/*', async (c) => {
      const file = await desk(c.req.raw);
      return file.status === 404 ? notFound(c) : file;
    });
  }
  return app;
}
