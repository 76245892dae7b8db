/**
 * Reading a request body as a JSON object or a form. The size is capped before this by
 * `limitBody`; the nesting depth is checked here, on the text and without recursion, before
 * `JSON.parse`, so a 60,000-deep array is refused with a code instead of overflowing the stack
 * of whatever walks the value next. (Local until the bounded JSON parser in `@sanad/core` lands.)
 */
import { isPlainObject } from '@sanad/core';
import { HttpError } from '../http/errors.js';

/** Far deeper than any claim set or protocol message; shallow enough for every recursive walk. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of `[` and `{` outside strings, stopping as soon as it passes `limit`. */
function depthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i += 1;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth -= 1;
  }
  return false;
}

/** `text` as a JSON object, or a typed 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (depthExceeds(text, MAX_JSON_DEPTH)) {
    throw new HttpError(400, 'invalid_request', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`, 'ERR_INPUT_TOO_DEEP');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_request', 'The request body is not valid JSON.', 'ERR_INVALID_JSON');
  }
  if (!isPlainObject(body)) throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object.', 'ERR_INVALID_INPUT');
  return body;
}

/** The body of `request` as an object: a form's fields (strings) or a JSON object. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(await request.text()));
  if (type.includes('application/json')) return parseJsonObject(await request.text());
  throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object or a form.', 'ERR_INVALID_INPUT');
}
