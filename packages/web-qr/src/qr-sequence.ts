/**
 * A text too long for one easy QR code, shown as a cycling sequence of small ones.
 *
 * Part `i` of `n` is `SANADP:<i>/<n>:<set>:<piece>`: the pieces, in order, are the text again.
 * Every character is in QR's alphanumeric set, like the Base45 codes it carries. `<set>` is
 * random per sequence, so parts of two different answers are never mixed. Nothing here is
 * trusted: the reassembled text is checked as a whole by whoever reads it (a `SANAD1:` answer
 * by its signatures and its zlib checksum).
 */
import { randomBytes } from '@sanad/core';
import { qrVersion } from './qr-svg.js';

export const QR_PART_PREFIX = 'SANADP:';
/** The largest code a cheap phone or a webcam reads at a glance from a screen. */
export const EASY_QR_VERSION = 12;
/** More parts than this is not a sequence anyone would wait for. */
const MAX_PARTS = 32;
/** Tells one sequence from another (not a secret: the parts are shown on a screen). */
const SET_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PART = /^SANADP:(\d{1,2})\/(\d{1,2}):([0-9A-Z]{4}):([0-9A-Z $%*+\-./:]*)$/;

/**
 * The codes to show for `text`: itself when it fits a code of `maxVersion`, otherwise as few
 * `SANADP:` parts as fit it, of even length.
 *
 * @example
 * ```ts
 * const frames = qrParts(encodeOfflinePresentation(presentation)) // ['SANADP:1/4:K3D8:SANAD1:…', …]
 * ```
 */
export function qrParts(text: string, maxVersion = EASY_QR_VERSION): string[] {
  if (qrVersion(text) <= maxVersion) return [text];
  const set = Array.from(randomBytes(4), (b) => SET_ALPHABET[b % SET_ALPHABET.length]).join('');
  for (let n = 2; n <= MAX_PARTS; n += 1) {
    const size = Math.ceil(text.length / n);
    const parts = Array.from(
      { length: n },
      (_, i) => `${QR_PART_PREFIX}${i + 1}/${n}:${set}:${text.slice(i * size, (i + 1) * size)}`,
    );
    if (parts.every((part) => qrVersion(part) <= maxVersion)) return parts;
  }
  throw new RangeError(`The text is too long for ${MAX_PARTS} QR codes of version ${maxVersion}.`);
}

export interface PartProgress {
  /** Distinct parts read so far, and how many there are. */
  read: number;
  total: number;
}

/**
 * Collects `SANADP:` parts read in any order, any number of times; a part of another sequence
 * starts over with that one.
 *
 * @example
 * ```ts
 * const collect = qrPartCollector()
 * const step = collect(text) // undefined: not a part; { text } when complete; else { read, total }
 * ```
 */
export function qrPartCollector(): (code: string) => ({ text: string } | PartProgress) | undefined {
  let set = '';
  let pieces: Array<string | undefined> = [];
  return (code) => {
    const match = PART.exec(code);
    if (!match) return undefined;
    const [, index, count, partSet, piece] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const i = Number(index);
    const n = Number(count);
    if (n < 2 || n > MAX_PARTS || i < 1 || i > n) return undefined;
    if (partSet !== set || pieces.length !== n) {
      set = partSet;
      pieces = Array.from({ length: n }, () => undefined);
    }
    pieces[i - 1] = piece;
    const read = pieces.filter((p) => p !== undefined).length;
    return read === n ? { text: pieces.join('') } : { read, total: n };
  };
}
