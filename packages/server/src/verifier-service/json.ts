/**
 * JSON from clients, parsed with bounds: the verifier service's one way to read attacker JSON.
 * A stand-in for the bounded parser core is adding for the same issue; once it lands this
 * function becomes a re-export of it.
 */
import { SanadError } from '@sanad/core';

export interface JsonBounds {
  /** Longest text accepted, in UTF-16 code units (default 256 Ki, the request body limit). */
  maxLength?: number;
  /** Deepest nesting of arrays and objects accepted (default 32). */
  maxDepth?: number;
}

/**
 * Parses `text`, refusing it before parsing when it is longer or nests deeper than allowed, so
 * no later step (a copy, a `JSON.stringify`, a schema) recurses past the stack.
 *
 * @example
 * ```ts
 * parseJsonBounded('{"q":["a"]}') // { q: ['a'] }
 * parseJsonBounded('[[[[1]]]]', { maxDepth: 2 }) // throws ERR_INPUT_TOO_DEEP
 * ```
 */
export function parseJsonBounded(text: string, bounds: JsonBounds = {}): unknown {
  const maxLength = bounds.maxLength ?? 256 * 1024;
  const maxDepth = bounds.maxDepth ?? 32;
  if (text.length > maxLength) throw new SanadError('ERR_INPUT_TOO_LARGE', `The JSON text is longer than ${maxLength} characters.`);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > maxDepth) throw new SanadError('ERR_INPUT_TOO_DEEP', `The JSON nests deeper than ${maxDepth} levels.`);
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SanadError('ERR_INVALID_JSON');
  }
}
