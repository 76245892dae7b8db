/** The issuer's public endpoints: metadata, token, nonce, credential, status lists. Parse, call the protocol, answer. */
import { Hono } from 'hono';
import { HttpError } from '../../http/errors.js';
import { requestLike } from '../../http/request-like.js';
import { readBody } from '../body.js';
import { type ClientKeyOptions, clientKey } from '../client-key.js';
import { type IssuerProtocol, STATUS_REFRESH_SECONDS } from '../protocol.js';

export function publicRoutes(protocol: IssuerProtocol, options: ClientKeyOptions = {}): Hono {
  const app = new Hono();
  // For load balancers and orchestrators: the process is up and answering.
  // At the root, and for a base URL with a path also where spec clients look: the well-known
  // between host and path (OpenID4VCI 1.0 section 12.2.2, RFC 8414 section 3.1).
  for (const path of new Set(['', protocol.basePath])) {
    app.get(`/.well-known/openid-credential-issuer${path}`, (c) =>
      c.json(protocol.credentialIssuer),
    );
    app.get(`/.well-known/oauth-authorization-server${path}`, (c) =>
      c.json(protocol.authorizationServerMetadata),
    );
  }
  app.get('/jwks', (c) => c.json(protocol.jwks));
  // Path-aware: for a base URL with a path, the metadata sits at /.well-known/jwt-vc-issuer/<path>.
  app.get(protocol.jwtVcIssuerPath, (c) => {
    if (!protocol.jwtVcIssuer)
      throw new HttpError(
        404,
        'not_found',
        'This issuer signs as its DID: it publishes no JWT VC Issuer Metadata (resolve the DID).',
        'ERR_NOT_FOUND',
      );
    // Verifiers reuse it this long (Sanad's verifier: at most an hour); a rotation shows within it.
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(protocol.jwtVcIssuer);
  });

  app.post('/token', async (c) => {
    const response = await protocol.redeemPreAuthorizedCode({
      request: requestLike(c),
      body: await readBody(c.req.raw),
      client: clientKey(c, options),
    });
    c.header('Cache-Control', 'no-store');
    c.header('DPoP-Nonce', await protocol.dpopNonce());
    return c.json(response);
  });
  app.post('/nonce', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await protocol.nonce());
  });
  app.post('/credential', async (c) => {
    const response = await protocol.issueCredentials({
      request: requestLike(c),
      body: await readBody(c.req.raw),
    });
    c.header('Cache-Control', 'no-store');
    c.header('DPoP-Nonce', await protocol.dpopNonce());
    return c.json(response);
  });
  // CDNs may cache a list as long as this instance keeps it before re-signing.
  app.get('/status/*', async (c) => {
    const list = await protocol.statusList(c.req.path.slice('/status/'.length));
    c.header('Cache-Control', `public, max-age=${STATUS_REFRESH_SECONDS}`);
    c.header(
      'Content-Type',
      list.kind === 'token'
        ? 'application/statuslist+jwt'
        : // A BBS key's list is the credential itself, secured with Data Integrity (VCDM 2.0 section 6.3).
          list.token.startsWith('{')
          ? 'application/vc'
          : 'application/vc+jwt',
    );
    return c.body(list.token);
  });
  return app;
}
