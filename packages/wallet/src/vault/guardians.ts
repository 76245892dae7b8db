/**
 * Guardians: a recovery secret split into N shares, any K of which rebuild it (Shamir's secret
 * sharing over GF(256), from the audited `shamir-secret-sharing`); K-1 shares reveal nothing.
 * Each guardian keeps one share, as a QR code or as 8 checked groups typed like a recovery
 * secret (`recovery-secret.ts`: same alphabet, one check character per group):
 *
 *   set id (6) | threshold K (1) | share x (2) | share y (31)   = 40 characters + 8 checks
 *
 * The set id is random per split, so shares of two splits are never mixed into a wrong secret;
 * the threshold lets too few shares be refused by name. The rebuilt secret is confirmed by the
 * backup it opens (its key check), as the library leaves checking the result to its caller.
 */
import { combine, split } from 'shamir-secret-sharing';
import { randomBytes, SanadError } from '@sanad/core';
import {
  ALPHABET,
  codesOfRecoverySecret,
  encodeCheckedGroups,
  readCheckedGroups,
} from './recovery-secret.js';

export const MIN_GUARDIANS = 2;
export const MAX_GUARDIANS = 10;
const SHARE_GROUPS = 8;
const SET_ID = 6;
/** A recovery secret's 30 codes of 5 bits, as Shamir splits them: 19 bytes. */
const SECRET_CODES = 30;
const SECRET_BYTES = 19;
const Y_CODES = 31;

/** Packs 5-bit codes into bytes, big-endian; bits past `length` bytes (zero padding when encoded) are dropped. */
function codesToBytes(codes: readonly number[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  codes.forEach((code, i) => {
    for (let b = 0; b < 5; b += 1)
      if (code & (16 >> b)) bytes[(i * 5 + b) >> 3]! |= 128 >> ((i * 5 + b) & 7);
  });
  return bytes;
}

function bytesToCodes(bytes: Uint8Array, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    let code = 0;
    for (let b = 0; b < 5; b += 1) {
      const bit = i * 5 + b;
      code =
        (code << 1) | (bit >> 3 < bytes.length ? (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1 : 0);
    }
    return code;
  });
}

/** A share as typed back: its set, threshold and the bytes Shamir combines (y, then x). */
export type GuardianShareReading =
  | { form: 'share'; setId: string; threshold: number; share: Uint8Array }
  | { form: 'typo'; group?: number }
  | { form: 'other' };

/**
 * Reads a guardian share as typed or scanned (leniently, like a recovery secret).
 *
 * @example
 * ```ts
 * parseGuardianShare(typed).form // 'share', 'typo' (with its group) or 'other'
 * ```
 */
export function parseGuardianShare(typed: string): GuardianShareReading {
  const reading = readCheckedGroups(typed, SHARE_GROUPS);
  if (reading === undefined) return { form: 'other' };
  if (!('data' in reading))
    return {
      form: 'typo',
      ...(reading.typoGroup === undefined ? {} : { group: reading.typoGroup }),
    };
  const { data } = reading;
  const threshold = data[SET_ID]!;
  const x = data[SET_ID + 1]! * 32 + data[SET_ID + 2]!;
  if (threshold < MIN_GUARDIANS || threshold > MAX_GUARDIANS || x === 0 || x > 255)
    return { form: 'other' };
  const share = new Uint8Array(SECRET_BYTES + 1);
  share.set(codesToBytes(data.slice(SET_ID + 3), SECRET_BYTES));
  share[SECRET_BYTES] = x;
  return {
    form: 'share',
    setId: data
      .slice(0, SET_ID)
      .map((c) => ALPHABET[c])
      .join(''),
    threshold,
    share,
  };
}

/**
 * Splits a (checked) recovery secret into `shares` guardian shares, `threshold` of which rebuild it.
 *
 * @example
 * ```ts
 * const shares = await splitRecoverySecret(generateRecoverySecret(), { shares: 3, threshold: 2 })
 * ```
 */
export async function splitRecoverySecret(
  secret: string,
  { shares, threshold }: { shares: number; threshold: number },
): Promise<string[]> {
  if (
    ![shares, threshold].every(Number.isInteger) ||
    threshold < MIN_GUARDIANS ||
    shares < threshold ||
    shares > MAX_GUARDIANS
  ) {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `Choose from ${MIN_GUARDIANS} to ${MAX_GUARDIANS} guardians, and a threshold from ${MIN_GUARDIANS} to the number of guardians.`,
    );
  }
  const codes = codesOfRecoverySecret(secret);
  if (codes === undefined)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'Only a recovery secret with check characters can be split.',
    );
  const setId = bytesToCodes(randomBytes(4), SET_ID);
  const parts = await split(codesToBytes(codes, SECRET_BYTES), shares, threshold);
  return parts.map((part) => {
    const x = part[SECRET_BYTES]!;
    return encodeCheckedGroups([
      ...setId,
      threshold,
      x >> 5,
      x & 31,
      ...bytesToCodes(part.subarray(0, SECRET_BYTES), Y_CODES),
    ]);
  });
}

/**
 * Rebuilds the recovery secret from guardian shares as typed or scanned. A share with a typo,
 * shares of different splits, and fewer shares than the threshold are refused, each by its own
 * code, before anything is combined.
 *
 * @example
 * ```ts
 * const secret = await combineGuardianShares([shareFromAmal, shareFromYusuf])
 * ```
 */
export async function combineGuardianShares(typed: readonly string[]): Promise<string> {
  const read = typed.map((text, i) => {
    const reading = parseGuardianShare(text);
    if (reading.form === 'share') return reading;
    const where =
      reading.form === 'typo' && reading.group !== undefined ? ` in group ${reading.group}` : '';
    throw new SanadError(
      'ERR_GUARDIAN_SHARE_INVALID',
      `Share ${i + 1} has a typo${where} or is not a guardian share.`,
    );
  });
  const first = read[0];
  if (first === undefined)
    throw new SanadError('ERR_GUARDIAN_SHARES_TOO_FEW', 'No guardian share was given.');
  if (read.some((r) => r.setId !== first.setId || r.threshold !== first.threshold))
    throw new SanadError('ERR_GUARDIAN_SHARES_MIXED');
  // The same share given twice counts once.
  const distinct = [...new Map(read.map((r) => [r.share.join(','), r.share])).values()];
  if (new Set(distinct.map((s) => s[SECRET_BYTES])).size !== distinct.length)
    throw new SanadError('ERR_GUARDIAN_SHARES_MIXED');
  if (distinct.length < first.threshold) {
    throw new SanadError(
      'ERR_GUARDIAN_SHARES_TOO_FEW',
      `These shares need ${first.threshold} different guardians; ${distinct.length} given.`,
    );
  }
  const secret = await combine(distinct);
  return encodeCheckedGroups(bytesToCodes(secret, SECRET_CODES));
}
