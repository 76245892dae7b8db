/**
 * A presentation small enough for one QR code, for a verifier with no network.
 *
 * `SANAD1:` + Base45(zlib(pack)), where pack lists every base64url segment of the SD-JWT
 * (or VP-JWT) as raw bytes: decoding base64url saves a quarter, zlib shrinks the JSON parts
 * parts, and Base45 keeps the QR code in alphanumeric mode, which camera apps read as text.
 * The exact original string is rebuilt on decode, so signatures and `sd_hash` still match.
 * A JSON presentation (ldp_vp, W3C Data Integrity) is packed as a zero token count followed by
 * its UTF-8 text: compact presentations always have at least one token.
 */
import { zlibSync } from 'fflate';
import { fromBase64url, fromUtf8, toBase64url, utf8 } from '../encoding.js';
import { SanadError } from '../errors.js';
import { inflateBounded } from '../status/inflate.js';
import { fromBase45, toBase45 } from './base45.js';

export const OFFLINE_PRESENTATION_PREFIX = 'SANAD1:';
/** Far above any presentation; stops a decompression bomb in a QR code. */
const MAX_INFLATED = 64 * 1024;

function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

function readVarint(bytes: Uint8Array, at: { i: number }): number {
  let n = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (at.i >= bytes.length)
      throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is truncated.');
    const b = bytes[at.i++]!;
    n |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return n;
  }
  throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is malformed.');
}

/** Marks a pack holding JSON text rather than compact tokens (which number at least one). */
const JSON_PACK = 0;

/**
 * Packs an SD-JWT (with KB-JWT), a VP-JWT or a JSON (ldp_vp) presentation for a QR code.
 *
 * @example
 * ```ts
 * const qrText = encodeOfflinePresentation(presentation) // "SANAD1:..."
 * ```
 */
export function encodeOfflinePresentation(presentation: string): string {
  const text = presentation.trim();
  if (text.startsWith('{')) return pack(Uint8Array.from([JSON_PACK, ...utf8(text)]));
  const tokens = text.split('~');
  const out: number[] = [];
  writeVarint(out, tokens.length);
  for (const token of tokens) {
    const segments = token === '' ? [] : token.split('.');
    writeVarint(out, segments.length);
    for (const segment of segments) {
      let raw: Uint8Array;
      try {
        raw = fromBase64url(segment);
      } catch (cause) {
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'The presentation is not made of base64url parts.',
          { cause },
        );
      }
      // Only canonical base64url survives the round trip; anything else is not a JWS part.
      if (toBase64url(raw) !== segment)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'The presentation is not made of canonical base64url parts.',
        );
      writeVarint(out, raw.length);
      for (const b of raw) out.push(b);
    }
  }
  return pack(Uint8Array.from(out));
}

const pack = (bytes: Uint8Array): string =>
  OFFLINE_PRESENTATION_PREFIX + toBase45(zlibSync(bytes, { level: 9 }));

/** Rebuilds the exact presentation string from a `SANAD1:` QR payload. */
export function decodeOfflinePresentation(text: string): string {
  const body = text.trim();
  if (!body.startsWith(OFFLINE_PRESENTATION_PREFIX))
    throw new SanadError('ERR_INVALID_INPUT', 'Not a Sanad offline presentation.');
  let bytes: Uint8Array;
  try {
    bytes = inflateBounded(
      fromBase45(body.slice(OFFLINE_PRESENTATION_PREFIX.length)),
      'zlib',
      MAX_INFLATED,
    );
  } catch (cause) {
    throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is damaged.', { cause });
  }
  const at = { i: 0 };
  const tokens: string[] = [];
  const tokenCount = readVarint(bytes, at);
  if (tokenCount === JSON_PACK) {
    try {
      return fromUtf8(bytes.subarray(at.i));
    } catch (cause) {
      throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is damaged.', { cause });
    }
  }
  if (tokenCount > 256)
    throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is malformed.');
  for (let t = 0; t < tokenCount; t += 1) {
    const segments: string[] = [];
    const segmentCount = readVarint(bytes, at);
    for (let s = 0; s < segmentCount; s += 1) {
      const length = readVarint(bytes, at);
      if (at.i + length > bytes.length)
        throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation is truncated.');
      segments.push(toBase64url(bytes.subarray(at.i, at.i + length)));
      at.i += length;
    }
    tokens.push(segments.join('.'));
  }
  if (at.i !== bytes.length)
    throw new SanadError('ERR_INVALID_INPUT', 'The offline presentation has trailing bytes.');
  return tokens.join('~');
}
