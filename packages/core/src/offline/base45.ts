/**
 * Base45 (RFC 9285): bytes as QR-code alphanumeric characters, as the EU Digital COVID
 * Certificate does. Written here because the npm `base45` package is CommonJS on Node's
 * Buffer and would not run in the browser wallet; this is the whole algorithm.
 */
import { SanadError } from '../errors.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export function toBase45(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45) % 45]! + ALPHABET[Math.floor(n / 2025)]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

export function fromBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new SanadError('ERR_INVALID_INPUT', 'Not base45: wrong length.');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const digits = [...text.slice(i, i + 3)].map((c) => VALUE.get(c));
    if (digits.some((d) => d === undefined))
      throw new SanadError('ERR_INVALID_INPUT', 'Not base45: unexpected character.');
    const [c, d, e] = digits as number[];
    const n = c! + d! * 45 + (e ?? 0) * 2025;
    if (digits.length === 3) {
      if (n > 0xffff) throw new SanadError('ERR_INVALID_INPUT', 'Not base45: value out of range.');
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      if (n > 0xff) throw new SanadError('ERR_INVALID_INPUT', 'Not base45: value out of range.');
      out[o++] = n;
    }
  }
  return out;
}
