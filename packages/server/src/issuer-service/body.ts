/**
 * Reading a request body as a JSON object or a form. The size is capped before this by
 * `limitBody`; the JSON goes through core's bounded parser, so a 60,000-deep array is refused
 * with `ERR_INPUT_TOO_DEEP` instead of overflowing the stack of whatever walks the value next.
 */
import { isPlainObject, parseJsonBounded } from '@sanad/core';
import { HttpError } from '../http/errors.js';

/** `text` as a JSON object, or a typed 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const body = parseJsonBounded(text);
  if (!isPlainObject(body))
    throw new HttpError(
      400,
      'invalid_request',
      'The request body must be a JSON object.',
      'ERR_INVALID_INPUT',
    );
  return body;
}

/** The body of `request` as an object: a form's fields (strings) or a JSON object. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(await request.text()));
  if (type.includes('application/json')) return parseJsonObject(await request.text());
  throw new HttpError(
    400,
    'invalid_request',
    'The request body must be a JSON object or a form.',
    'ERR_INVALID_INPUT',
  );
}
