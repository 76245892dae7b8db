/** Small byte and text helpers shared by every package (web-standard, no Node APIs). */
import { base64url } from 'jose';

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
  from(data: ArrayBufferLike, byteOffset: number, length: number): Uint8Array & { toString(encoding: string): string };
}
const NodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer;

/** Base64url without padding (RFC 4648 section 5), as JOSE uses it. */
export function toBase64url(bytes: Uint8Array | string): string {
  if (NodeBuffer) return (typeof bytes === 'string' ? NodeBuffer.from(bytes, 'utf8') : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64url');
  return base64url.encode(bytes);
}

/** Decodes base64url; throws on characters outside the alphabet. */
export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url');
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

/** Parses JSON and returns `undefined` instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Object members in a parsed JSON value, counted through every level (iteratively: no stack limit). */
function memberCount(root: unknown): number {
  let n = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) pending.push(...value);
    else if (isPlainObject(value)) {
      const values = Object.values(value);
      n += values.length;
      pending.push(...values);
    }
  }
  return n;
}

/** Member names as written in JSON text: every string token followed by a colon. */
function writtenMemberCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] !== '"') continue;
    for (i += 1; i < text.length && text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
    let j = i + 1;
    while (j < text.length && ' \t\n\r'.includes(text[j]!)) j += 1;
    if (text[j] === ':') n += 1;
  }
  return n;
}

/**
 * `JSON.parse` that refuses duplicate member names (RFC 7493 I-JSON; RFC 8725 section 3.3 warns
 * that parsers disagree on which duplicate wins, so a signed document could mean two things).
 * Throws `SyntaxError` on invalid or duplicated JSON.
 */
export function parseJsonStrict(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (writtenMemberCount(text) !== memberCount(value)) throw new SyntaxError('Duplicate member names in JSON.');
  return value;
}
