/**
 * How the verifier service's failures leave it: an OAuth-style JSON error with the stable
 * Sanad code (`{ error, error_description, sanad_code }`) on every one, so clients read codes,
 * never English. Unexpected errors say only `server_error` and are logged by code or name.
 */
import { isSanadError, type SanadError, type SanadErrorCode } from '@sanad/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from '../../http/errors.js';
import { StoreFullError } from '../protocol.js';

const OAUTH_ERROR_FOR: Partial<Record<SanadErrorCode, string>> = {
  ERR_SIGNATURE_INVALID: 'invalid_proof',
  ERR_HOLDER_BINDING_INVALID: 'invalid_proof',
  ERR_STATUS_UNAVAILABLE: 'temporarily_unavailable',
  ERR_STORE_FULL: 'temporarily_unavailable',
  ERR_SERVICE_OVERLOADED: 'temporarily_unavailable',
  ERR_NOT_FOUND: 'not_found',
};

/** Failures a later retry of the same request can cure (RFC 9110 section 15.6.4), and what is not there. */
const HTTP_STATUS_FOR: Partial<Record<SanadErrorCode, ContentfulStatusCode>> = {
  ERR_STATUS_UNAVAILABLE: 503,
  ERR_STORE_FULL: 503,
  ERR_SERVICE_OVERLOADED: 503,
  ERR_NOT_FOUND: 404,
};

const body = (error: string, description: string, code: SanadErrorCode) => ({ error, error_description: description, sanad_code: code });

/** A {@link SanadError} as the OAuth error response its code calls for. */
export function sanadErrorResponse(c: Context, err: SanadError): Response {
  if (err instanceof StoreFullError) c.header('Retry-After', `${err.retryAfterSeconds}`);
  return c.json(body(OAUTH_ERROR_FOR[err.code] ?? 'invalid_request', err.message, err.code), HTTP_STATUS_FOR[err.code] ?? 400);
}

/** The app's `onError`. */
export function verifierErrorResponse(c: Context, err: unknown, log: (message: string) => void): Response {
  if (err instanceof HttpError) return c.json({ ...body(err.error, err.description, err.code ?? 'ERR_INVALID_INPUT'), ...err.extra }, err.status);
  if (isSanadError(err) && (err.category !== 'internal' || HTTP_STATUS_FOR[err.code] !== undefined)) return sanadErrorResponse(c, err);
  log(`internal error: ${isSanadError(err) ? err.code : err instanceof Error ? err.name : 'unknown'}`);
  if (process.env.SANAD_DEBUG === '1') console.error(err);
  return c.json(body('server_error', 'The service could not complete the request.', 'ERR_INTERNAL'), 500);
}

/** Unknown routes. */
export const notFound = (c: Context): Response => c.json(body('not_found', 'Nothing is served at this address.', 'ERR_NOT_FOUND'), 404);
