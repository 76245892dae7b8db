/**
 * The issuer's operator API, behind its bearer token: create offers, read the register and the
 * signed lists, change statuses. Every field is type-checked here before the protocol sees it.
 */
import type { CredentialFormat } from '@sanad/core';
import { Hono } from 'hono';
import { HttpError } from '../../http/errors.js';
import { operatorAuth } from '../../http/operator-auth.js';
import { readBody } from '../body.js';
import type { CreateOfferOptions, IssuerProtocol } from '../protocol.js';

const invalid = (field: string, expected: string): HttpError =>
  new HttpError(
    400,
    'invalid_request',
    `The field "${field}" must be ${expected}.`,
    'ERR_INVALID_INPUT',
  );

/** The offer request's fields, each of the type it must have. */
function offerInput(body: Record<string, unknown>): CreateOfferOptions {
  const { type, format, cryptosuite, claims, tx_code: txCode, ttl_seconds: ttlSeconds } = body;
  if (typeof type !== 'string' || type === '') throw invalid('type', 'a credential type id');
  if (format !== undefined && typeof format !== 'string') throw invalid('format', 'a string');
  if (cryptosuite !== undefined && cryptosuite !== 'ecdsa-sd-2023' && cryptosuite !== 'bbs-2023')
    throw invalid('cryptosuite', '"ecdsa-sd-2023" or "bbs-2023"');
  if (txCode !== undefined && typeof txCode !== 'boolean')
    throw invalid('tx_code', 'true or false');
  if (ttlSeconds !== undefined && !Number.isSafeInteger(ttlSeconds))
    throw invalid('ttl_seconds', 'a whole number of seconds');
  return {
    type,
    claims,
    ...(format !== undefined ? { format: format as CredentialFormat } : {}),
    ...(cryptosuite !== undefined ? { cryptosuite } : {}),
    ...(txCode === false ? { txCode: false } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds: ttlSeconds as number } : {}),
  };
}

export function operatorRoutes(protocol: IssuerProtocol, operatorToken: string): Hono {
  const operator = new Hono();
  operator.use('*', operatorAuth(operatorToken));
  operator.post('/offers', async (c) => {
    const offer = await protocol.createOffer(offerInput(await readBody(c.req.raw)));
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        offer_id: offer.offerId,
        // The offer by value (`openid-credential-offer://?credential_offer=…`), for a QR code or link.
        offer_link: offer.offerUri,
        // Deprecated, removed in 2.0: OpenID4VCI 1.0 section 4.1 gives this name to an offer by
        // reference (a URL the wallet fetches), which this is not.
        credential_offer_uri: offer.offerUri,
        tx_code: offer.txCode,
        expires_at: offer.expiresAt,
      },
      201,
    );
  });
  // What the register holds (ids, types, statuses, dates; never claim values) and the signed
  // lists as this instance publishes them, for `sanad issuer list | status-list --service`.
  operator.get('/credentials', async (c) =>
    c.json({ credentials: await protocol.listCredentials() }),
  );
  operator.get('/status-lists', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ lists: await protocol.publishStatusLists() });
  });
  for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
    operator.post(`/credentials/:id/${action}`, async (c) =>
      c.json({ changed: await protocol.changeStatus(action, c.req.param('id')) }),
    );
  }
  return operator;
}
