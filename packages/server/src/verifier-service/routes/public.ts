/** The wallet's side of the verifier: the request object, the response endpoint, the same-device result. */
import { isSanadError, type SanadErrorCode } from '@sanad/core';
import { Hono } from 'hono';
import { HttpError } from '../../http/errors.js';
import type { VerifierProtocol } from '../protocol.js';
import { formBody } from './input.js';

const GONE: ReadonlySet<SanadErrorCode> = new Set(['ERR_REQUEST_EXPIRED', 'ERR_REQUEST_USED']);

export function publicRoutes(protocol: VerifierProtocol): Hono {
  const routes = new Hono();

  routes.get('/requests/:id', async (c) => {
    let requestObject: string;
    try {
      requestObject = await protocol.requestObject(c.req.param('id'));
    } catch (err) {
      // RFC 9101 section 7.2's error for a request_uri that cannot be used; the code says why.
      if (isSanadError(err) && GONE.has(err.code))
        throw new HttpError(404, 'invalid_request_uri', err.message, err.code);
      throw err;
    }
    c.header('Content-Type', 'application/oauth-authz-req+jwt');
    c.header('Cache-Control', 'no-store');
    return c.body(requestObject);
  });

  routes.post('/responses/:id', async (c) => {
    const accepted = await protocol.acceptResponse(c.req.param('id'), await formBody(c));
    c.header('Cache-Control', 'no-store');
    return c.json(accepted.redirectUri ? { redirect_uri: accepted.redirectUri } : {});
  });

  // Same-device: the page the wallet redirects to reads the result with the response code.
  routes.get('/results/:id', async (c) => {
    const result = await protocol.result(c.req.param('id'), c.req.query('response_code') ?? '');
    c.header('Cache-Control', 'no-store');
    return c.json(result);
  });

  return routes;
}
