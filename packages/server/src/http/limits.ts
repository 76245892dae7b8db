/**
 * Request bodies are bounded before anything parses them: the largest legitimate body is a
 * credential request with ten key proofs or an encrypted presentation, a few KiB each.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

const tooLarge = (c: Context) =>
  c.json(
    {
      error: 'invalid_request',
      error_description: `The request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes.`,
      sanad_code: 'ERR_INPUT_TOO_LARGE',
    },
    413,
  );

/** Counts a body that does not announce its length as it streams in. */
const limitStreamedBody = bodyLimit({ maxSize: MAX_REQUEST_BODY_BYTES, onError: tooLarge });

/**
 * Hono's `bodyLimit`, without touching `c.req.raw.body` where it can decide from the headers:
 * on Node that getter builds a web `Request` and a stream for each request, where
 * `@hono/node-server` otherwise reads the body straight from the socket. A body with a
 * Content-Length and no Transfer-Encoding is that long (Node's parser reads no more; `bodyLimit`
 * decides the same way), and GET and HEAD bodies are never read.
 */
export const limitBody: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding') !== undefined)
    return limitStreamedBody(c, next);
  return Number.parseInt(length || '0', 10) > MAX_REQUEST_BODY_BYTES ? tooLarge(c) : next();
};
