/**
 * Request bodies are bounded before anything parses them: the largest legitimate body is a
 * credential request with ten key proofs or an encrypted presentation, a few KiB each.
 */
import { bodyLimit } from 'hono/body-limit';

export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

export const limitBody = bodyLimit({
  maxSize: MAX_REQUEST_BODY_BYTES,
  onError: (c) => c.json({ error: 'invalid_request', error_description: `The request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes.`, sanad_code: 'ERR_INPUT_TOO_LARGE' }, 413),
});
