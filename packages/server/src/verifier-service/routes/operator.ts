/** The operator API (the desk): presets, sessions, offline answers. Mounted only with a token. */
import { SanadError } from '@sanad/core';
import { Hono } from 'hono';
import { operatorAuth } from '../../http/operator-auth.js';
import { RESPONSE_MODES, type ResponseMode, type VerifierProtocol } from '../protocol.js';
import { jsonObjectBody, optionalBoolean, optionalString, requiredString } from './input.js';

export function operatorRoutes(protocol: VerifierProtocol, token: string): Hono {
  const routes = new Hono();
  routes.use('*', operatorAuth(token));

  routes.get('/presets', (c) => c.json({ presets: protocol.presets(), lint: protocol.lint }));

  routes.post('/sessions', async (c) => {
    const body = await jsonObjectBody(c);
    const responseMode = optionalString(body, 'response_mode');
    if (responseMode !== undefined && !RESPONSE_MODES.includes(responseMode as ResponseMode))
      throw new SanadError(
        'ERR_REQUEST_INVALID',
        'response_mode must be direct_post, direct_post.jwt or dc_api.jwt.',
      );
    const redirectUri = optionalString(body, 'redirect_uri');
    const origin = optionalString(body, 'origin');
    const session = await protocol.createSession({
      preset: requiredString(body, 'preset'),
      ...(responseMode !== undefined ? { responseMode: responseMode as ResponseMode } : {}),
      ...(redirectUri !== undefined ? { redirectUri } : {}),
      ...(optionalBoolean(body, 'offline') ? { offline: true } : {}),
      ...(origin !== undefined ? { origin } : {}),
    });
    return c.json(
      {
        session_id: session.sessionId,
        authorization_request: session.authorizationRequest,
        expires_at: session.expiresAt,
      },
      201,
    );
  });

  routes.get('/sessions/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await protocol.view(c.req.param('id')));
  });

  routes.post('/sessions/:id/offline', async (c) => {
    const body = await jsonObjectBody(c);
    const presentation = body.presentation;
    if (typeof presentation !== 'string')
      throw new SanadError(
        'ERR_INVALID_INPUT',
        'Send the holder\'s code as "presentation", a string.',
      );
    c.header('Cache-Control', 'no-store');
    return c.json(await protocol.offlineAnswer(c.req.param('id'), presentation));
  });

  // The desk hands on what navigator.credentials.get gave it; the browser sets Origin, a page cannot.
  routes.post('/sessions/:id/dc-api', async (c) => {
    const body = await jsonObjectBody(c);
    c.header('Cache-Control', 'no-store');
    return c.json(
      await protocol.acceptDcApiResponse(c.req.param('id'), body.response, c.req.header('origin')),
    );
  });

  routes.delete('/sessions/:id', async (c) => {
    await protocol.forget(c.req.param('id'));
    return c.body(null, 204);
  });

  return routes;
}
