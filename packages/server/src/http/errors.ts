/**
 * Every failure leaves the services as an OAuth-style JSON error (`error`, `error_description`),
 * never a stack trace; unexpected errors say only `server_error` and are logged without detail
 * about claim values.
 */
import {
  Oauth2Error,
  Oauth2ResourceUnauthorizedError,
  Oauth2ServerErrorResponseError,
} from '@openid4vc/oauth2';
import { ValidationError } from '@openid4vc/utils';
import { isSanadError, SanadError, type SanadErrorCode } from '@sanad/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An OAuth error response to send as is. `code` travels as `sanad_code`, so clients never read
 * the English; `extra` adds members of the response (RFC 6749 section 5.2 allows extensions);
 * `headers` go with it (`Retry-After`, `WWW-Authenticate`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error: string,
    readonly description: string,
    readonly code?: SanadErrorCode,
    readonly extra?: Record<string, string | number>,
    readonly headers?: Record<string, string>,
  ) {
    super(description);
  }
}

const OAUTH_ERROR_FOR: Partial<Record<SanadError['code'], string>> = {
  ERR_SIGNATURE_INVALID: 'invalid_proof',
  ERR_HOLDER_BINDING_INVALID: 'invalid_proof',
  ERR_STATUS_UNAVAILABLE: 'temporarily_unavailable',
  ERR_STORE_FULL: 'temporarily_unavailable',
  ERR_SERVICE_OVERLOADED: 'temporarily_unavailable',
  ERR_NOT_FOUND: 'not_found',
};

/** Failures a later retry of the same request can cure (RFC 9110 section 15.6.4), and what is not there. */
const HTTP_STATUS_FOR: Partial<Record<SanadError['code'], ContentfulStatusCode>> = {
  ERR_STATUS_UNAVAILABLE: 503,
  ERR_STORE_FULL: 503,
  ERR_SERVICE_OVERLOADED: 503,
  ERR_NOT_FOUND: 404,
};

/** A Sanad error that says when to try again (`Retry-After`), e.g. a store at its cap. */
export class RetryLaterError extends SanadError {
  constructor(
    code: SanadErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** Unknown routes, in both services. */
export const notFound = (c: Context): Response =>
  c.json(
    {
      error: 'not_found',
      error_description: 'Nothing is served at this address.',
      sanad_code: 'ERR_NOT_FOUND',
    },
    404,
  );

/**
 * RFC 6750 section 3 challenges: the scheme, then only the parameters that have a value, quoted
 * (the library writes every name, with or without one: `Bearer error, error_description, scope`
 * for a request that sent no token, where section 3.1 wants no error code at all). Descriptions
 * keep only the characters section 3 allows.
 */
function challenges(headers: Oauth2ResourceUnauthorizedError['wwwAuthenticateHeaders']): string {
  return headers
    .map(({ scheme, error, error_description, scope, additionalPayload }) => {
      const params = Object.entries({ error, error_description, scope, ...additionalPayload })
        .filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
        )
        .map(([name, value]) => `${name}="${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`);
      return params.length > 0 ? `${scheme} ${params.join(', ')}` : scheme;
    })
    .join(', ');
}

export function errorResponse(
  c: Context,
  err: unknown,
  log: (message: string) => void = console.error,
): Response {
  if (err instanceof HttpError) {
    for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
    return c.json(
      {
        error: err.error,
        error_description: err.description,
        sanad_code: err.code ?? 'ERR_INVALID_INPUT',
        ...err.extra,
      },
      err.status,
    );
  }
  if (err instanceof Oauth2ResourceUnauthorizedError) {
    const first = err.wwwAuthenticateHeaders[0];
    c.header('WWW-Authenticate', challenges(err.wwwAuthenticateHeaders));
    const body = {
      error: first?.error ?? 'invalid_token',
      error_description: first?.error_description ?? 'The access token is not valid.',
    };
    // A DPoP-bound token without a valid proof of its key (a copied token) has its own code.
    const code =
      body.error === 'invalid_dpop_proof' ? 'ERR_DPOP_PROOF_INVALID' : 'ERR_TOKEN_INVALID';
    return c.json({ ...body, sanad_code: code }, 401);
  }
  if (err instanceof Oauth2ServerErrorResponseError) {
    return c.json(
      { sanad_code: 'ERR_INVALID_INPUT', ...err.errorResponse },
      (err.status ?? 400) as ContentfulStatusCode,
    );
  }
  // The protocol libraries reject malformed or unverifiable input with these.
  if (err instanceof ValidationError || err instanceof Oauth2Error) {
    return c.json(
      {
        error: 'invalid_request',
        error_description: err.message.split('\n')[0],
        sanad_code: 'ERR_INVALID_INPUT',
      },
      400,
    );
  }
  // Internal by category but the caller's to retry (a full store, an overloaded service): said so.
  if (
    isSanadError(err) &&
    (err.category !== 'internal' || HTTP_STATUS_FOR[err.code] !== undefined)
  ) {
    if (err instanceof RetryLaterError) c.header('Retry-After', `${err.retryAfterSeconds}`);
    return c.json(
      {
        error: OAUTH_ERROR_FOR[err.code] ?? 'invalid_request',
        error_description: err.message,
        sanad_code: err.code,
      },
      HTTP_STATUS_FOR[err.code] ?? 400,
    );
  }
  log(
    `internal error: ${isSanadError(err) ? err.code : err instanceof Error ? err.name : 'unknown'}`,
  );
  if (process.env.SANAD_DEBUG === '1') console.error(err);
  return c.json(
    {
      error: 'server_error',
      error_description: 'The service could not complete the request.',
      sanad_code: 'ERR_INTERNAL',
    },
    500,
  );
}
