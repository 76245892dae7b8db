/**
 * The operator API's guard: a bearer token compared in constant time. Services mount the
 * operator routes only when a token is configured, so they are never open by default.
 */
import { timingSafeEqual } from 'node:crypto';
import { SanadError, sha256 } from '@sanad/core';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

/** Minimum length so a guessable token cannot be configured. */
export const MIN_OPERATOR_TOKEN_LENGTH = 24;

export function operatorAuth(token: string): MiddlewareHandler {
  if (token.length < MIN_OPERATOR_TOKEN_LENGTH)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `The operator token must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters.`,
    );
  const expected = sha256(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Hash both sides so the comparison is constant-time whatever the lengths.
    if (!timingSafeEqual(sha256(given), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="sanad-operator"');
      throw new HttpError(
        401,
        'invalid_token',
        'The operator API needs a valid bearer token.',
        'ERR_OPERATOR_UNAUTHORIZED',
      );
    }
    await next();
  };
}
