/** Reading request bodies: typed, bounded, refused with a code; attacker values are type-checked, never converted. */
import { isPlainObject, parseJsonBounded, SanadError } from '@sanad/core';
import type { Context } from 'hono';

/** A JSON object body, or `ERR_INVALID_INPUT` (or the bound's code). */
export async function jsonObjectBody(c: Context): Promise<Record<string, unknown>> {
  const value = parseJsonBounded(await c.req.text());
  if (!isPlainObject(value)) throw new SanadError('ERR_INVALID_INPUT', 'Send a JSON object.');
  return value;
}

/**
 * A form body (`application/x-www-form-urlencoded`) as name to value; a name given twice is
 * refused (RFC 6749 section 3.1: parameters must not be included more than once).
 */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded'))
    throw new SanadError('ERR_INVALID_INPUT', 'Responses are posted as a form.');
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    if (name in form)
      throw new SanadError('ERR_INVALID_INPUT', 'A form parameter is given more than once.');
    form[name] = value;
  }
  return form;
}

/** Member `name` when it is a string or absent; anything else is refused. */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new SanadError('ERR_INVALID_INPUT', `${name} must be a string.`);
}

/** Member `name`, a string. */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw new SanadError('ERR_INVALID_INPUT', `${name} is missing.`);
  return value;
}

/** Member `name` when it is a boolean or absent. */
export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new SanadError('ERR_INVALID_INPUT', `${name} must be true or false.`);
}
