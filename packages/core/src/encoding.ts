/** Small byte and text helpers shared by every package (web-standard, no Node APIs). */
import * as base64url from 'jose/base64url';
import { SanadError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 strictly: invalid byte sequences throw instead of being replaced. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Node's Buffer when present: its native base64url is several times faster than the portable
 * path (every token is decoded and every digest encoded on each verify). Browsers use jose's.
 */
interface NodeBufferClass {
  from(data: string, encoding: string): Uint8Array & { toString(encoding: string): string };
  from(
    data: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): Uint8Array & { toString(encoding: string): string };
}
const NodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer;

/**
 * The UTF-8 of `text` for bytes used once and dropped, such as the signing input of every
 * signature check: in Node, a native copy about 3x faster than TextEncoder. The bytes may share
 * Node's buffer pool, so they are not for keeping or transferring: use {@link utf8} for those.
 */
export function utf8Transient(text: string): Uint8Array {
  if (!NodeBuffer) return encoder.encode(text);
  const buffer = NodeBuffer.from(text, 'utf8');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Base64url without padding (RFC 4648 section 5), as JOSE uses it. */
export function toBase64url(bytes: Uint8Array | string): string {
  if (NodeBuffer)
    return (
      typeof bytes === 'string'
        ? NodeBuffer.from(bytes, 'utf8')
        : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    ).toString('base64url');
  return base64url.encode(bytes);
}

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;
/** The 6-bit value of each base64url character. */
const BASE64URL_VALUE = new Int8Array(128);
for (const [i, c] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries())
  BASE64URL_VALUE[c.charCodeAt(0)] = i;

/** Whether `text` is standard base64 with its padding (as `x5c` carries certificates, RFC 7515 4.1.6). */
export function isStandardBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}

/**
 * True when `text` is the one base64url encoding of some bytes (RFC 4648 sections 3.5 and 5, as
 * RFC 7515 section 2 uses it): no padding, only the alphabet, no impossible length (1 mod 4) and
 * zero unused bits in the last character. Decoders ignore those bits, so without this check
 * several strings decode to the same signature, disclosure or key (malleable presentations).
 */
export function isCanonicalBase64url(text: string): boolean {
  // A regular expression scans several times faster than a loop over the characters.
  if (typeof text !== 'string' || !BASE64URL_TEXT.test(text)) return false;
  const rest = text.length % 4;
  if (rest === 1) return false;
  // 2 characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
  const unusedMask = rest === 2 ? 0x0f : rest === 3 ? 0x03 : 0;
  return (
    unusedMask === 0 || (BASE64URL_VALUE[text.charCodeAt(text.length - 1)]! & unusedMask) === 0
  );
}

/** Decodes canonical base64url; anything else throws `ERR_ENCODING_NONCANONICAL`. */
export function fromBase64url(text: string): Uint8Array {
  if (!isCanonicalBase64url(text)) throw new SanadError('ERR_ENCODING_NONCANONICAL');
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(text, 'base64url');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  return base64url.decode(text);
}

/** Cryptographically random bytes from WebCrypto. */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A random UUID (v4, 122 random bits): safe on command lines and in URLs. */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** Joins byte chunks into one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Nesting allowed in attacker JSON: far beyond any real document, far below any stack limit. */
export const MAX_JSON_DEPTH = 64;
/** Default size cap of {@link parseJsonBounded}, in UTF-16 code units (bytes, for ASCII text). */
export const MAX_JSON_LENGTH = 1_048_576;

export interface JsonLimits {
  /** Longest text accepted (default {@link MAX_JSON_LENGTH}); longer throws `ERR_INPUT_TOO_LARGE`. */
  maxLength?: number;
  /** Deepest nesting of arrays and objects (default {@link MAX_JSON_DEPTH}); deeper throws `ERR_INPUT_TOO_DEEP`. */
  maxDepth?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Where the string opened at `open` ends (or `text.length`): the next quote not escaped, found
 * with the engine's own `indexOf`, since strings are most of a JWT's JSON and this runs on every verify.
 */
function closingQuote(text: string, open: number): number {
  let end = open;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return end;
  }
}

/**
 * One pass over JSON text, before it is parsed: refuses nesting deeper than `maxDepth` with
 * `ERR_INPUT_TOO_DEEP` (the parser copes, but every recursive walk after it — `JSON.stringify`,
 * claim processing — would overflow the stack) and counts member names as written (every string
 * token followed by a colon). Brackets inside strings are skipped, so the count is exact for valid JSON.
 */
function scanJson(text: string, maxDepth: number): number {
  let members = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
      let j = i + 1;
      while (j < text.length && isJsonSpace(text.charCodeAt(j))) j += 1;
      if (text.charCodeAt(j) === COLON) members += 1;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxDepth) throw new SanadError('ERR_INPUT_TOO_DEEP');
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return members;
}

/**
 * Parses JSON from an untrusted source with a size and a depth cap, so hostile input gets a typed
 * refusal instead of exhausting memory or the stack. Throws `ERR_INPUT_TOO_LARGE`,
 * `ERR_INPUT_TOO_DEEP`, or `ERR_INVALID_JSON` for text that is not JSON.
 *
 * @example
 * ```ts
 * const body = parseJsonBounded(await request.text(), { maxLength: 65_536 })
 * ```
 */
export function parseJsonBounded(text: string, limits: JsonLimits = {}): unknown {
  if (typeof text !== 'string') throw new SanadError('ERR_INVALID_JSON');
  if (text.length > (limits.maxLength ?? MAX_JSON_LENGTH))
    throw new SanadError('ERR_INPUT_TOO_LARGE');
  scanJson(text, limits.maxDepth ?? MAX_JSON_DEPTH);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SanadError('ERR_INVALID_JSON', undefined, { cause });
  }
}

/**
 * {@link parseJsonBounded} with no size cap (callers read their input through their own limit)
 * that returns `undefined` instead of throwing: for text that is not JSON, and for JSON nested
 * deeper than {@link MAX_JSON_DEPTH}, which is refused like any other unreadable input.
 */
export function tryParseJson(text: string): unknown {
  try {
    return parseJsonBounded(text, { maxLength: Number.POSITIVE_INFINITY });
  } catch {
    return undefined;
  }
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isStructured = (value: unknown): value is object =>
  typeof value === 'object' && value !== null;

/**
 * Object members in a value fresh from `JSON.parse`, counted through every level (iteratively:
 * no stack limit). `for…in` sees exactly the parsed members there (`__proto__` included: the
 * parser makes it an own member) and allocates nothing; only objects and arrays are queued.
 */
function memberCount(root: unknown): number {
  let n = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (!isStructured(value)) continue;
    // Element by element: spreading a huge array into push() would overflow the stack.
    if (Array.isArray(value)) {
      for (const element of value) if (isStructured(element)) pending.push(element);
    } else {
      for (const key in value) {
        n += 1;
        const member = (value as Record<string, unknown>)[key];
        if (isStructured(member)) pending.push(member);
      }
    }
  }
  return n;
}

/**
 * `JSON.parse` that refuses duplicate member names (RFC 7493 I-JSON; RFC 8725 section 3.3 warns
 * that parsers disagree on which duplicate wins, so a signed document could mean two things).
 * Throws `SyntaxError` on invalid or duplicated JSON, `ERR_INPUT_TOO_DEEP` past {@link MAX_JSON_DEPTH}.
 */
export function parseJsonStrict(text: string): unknown {
  const written = scanJson(text, MAX_JSON_DEPTH);
  const value: unknown = JSON.parse(text);
  if (written !== memberCount(value)) throw new SyntaxError('Duplicate member names in JSON.');
  return value;
}
