/**
 * Recovery secrets, written on paper and typed back in: 30 characters (150 bits) from a
 * 32-letter alphabet with no I, O, 0 or 1, in 6 groups.
 *
 * Two forms, told apart by their length alone (no file says which applies):
 * - checked (since issue 15): each group is 5 characters and 1 check character, `K7QM2X-…`
 *   (36 characters). A typo is found in its group at once, before any key derivation.
 * - legacy: groups of 5 with no check character, `K7QM2-…` (30 characters), as backups made
 *   before carry. They still restore; a typo in them shows only as a wrong secret.
 *
 * The check character is Luhn mod 32 over the group's position and its 5 characters: it catches
 * every single wrong character, most swaps of neighbours and, most often, a group typed in
 * another group's place. Guardian shares (`guardians.ts`) use the same groups.
 */

export const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 6;
const DATA = 5;
const LEGACY_LENGTH = GROUPS * DATA;
/**
 * Spaces, dashes of every kind (a phone keyboard's en dash, a word processor's minus), dots
 * between groups, and invisible format characters a copy from a terminal or a page may carry
 * (bidi marks and isolates, zero-width spaces).
 */
const SEPARATORS = /[\s\p{Dash_Punctuation}\p{Cf}\u2212._·]+/gu;
/** Arabic-Indic and Eastern Arabic-Indic digits, as an Arabic or Persian keyboard types them. */
const INDIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;
/**
 * Characters that are not in the alphabet but that a person may read off paper instead of one
 * that is: O and 0 for D or Q, I and 1 for L, J or 7. In a checked group the check character
 * decides which one was meant; when it cannot (none or several fit), the group is a typo.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = { O: 'DQ', '0': 'DQ', I: 'LJ7', '1': 'LJ7' };

/** The letters of a text as typed, tidied: one Unicode form, Western digits, upper case, no separators. */
function tidy(typed: string): string {
  return typed
    .normalize('NFKC')
    .replace(INDIC_DIGITS, (d) => String((d.codePointAt(0)! - 0x0660) % 0x90))
    .toUpperCase();
}

const readable = (chars: string): boolean =>
  [...chars].every((c) => ALPHABET.includes(c) || c in LOOK_ALIKES);

/** Luhn mod 32 check character of `codes` (alphabet positions). */
function luhnCheck(codes: readonly number[]): number {
  let sum = 0;
  let factor = 2;
  for (let i = codes.length - 1; i >= 0; i -= 1) {
    const addend = factor * codes[i]!;
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return (32 - (sum % 32)) % 32;
}

const checkOf = (group: number, data: readonly number[]): number => luhnCheck([group, ...data]);

/** Every way of reading a group's characters, look-alikes expanded. */
function readings(chars: string): number[][] {
  let out: number[][] = [[]];
  for (const c of chars) {
    const options = ALPHABET.includes(c) ? [c] : [...LOOK_ALIKES[c]!];
    out = out.flatMap((prefix) => options.map((o) => [...prefix, ALPHABET.indexOf(o)]));
  }
  return out;
}

/** Data codes in groups of 5, each followed by its check character: `ABCDEF-GHJKLM-…`. */
export function encodeCheckedGroups(data: readonly number[]): string {
  const groups: string[] = [];
  for (let g = 0; g * DATA < data.length; g += 1) {
    const chunk = data.slice(g * DATA, g * DATA + DATA);
    groups.push([...chunk, checkOf(g, chunk)].map((c) => ALPHABET[c]).join(''));
  }
  return groups.join('-');
}

export type CheckedReading = { data: number[] } | { typoGroup?: number } | undefined;

/**
 * Reads `groupCount` checked groups as typed (any case, separators anywhere, look-alikes):
 * the data codes, or the first group (from 1) with a typo, or a typo somewhere when one group
 * has a character too many or too few. `undefined` when the text is not such groups at all.
 */
export function readCheckedGroups(typed: string, groupCount: number): CheckedReading {
  const tidied = tidy(typed);
  const chars = tidied.replace(SEPARATORS, '');
  if (!readable(chars)) return undefined;
  if (chars.length !== groupCount * (DATA + 1)) {
    // A character too many or too few is a typo; in the group that is not 6 long, when groups were written.
    if (Math.abs(chars.length - groupCount * (DATA + 1)) !== 1) return undefined;
    const written = tidied.split(SEPARATORS).filter((g) => g !== '');
    const wrong = written.findIndex((g) => g.length !== DATA + 1);
    return written.length === groupCount ? { typoGroup: wrong + 1 } : {};
  }
  const data: number[] = [];
  for (let g = 0; g < groupCount; g += 1) {
    const group = chars.slice(g * (DATA + 1), (g + 1) * (DATA + 1));
    const fitting = readings(group).filter(
      (codes) => checkOf(g, codes.slice(0, DATA)) === codes[DATA],
    );
    if (fitting.length !== 1) return { typoGroup: g + 1 };
    data.push(...fitting[0]!.slice(0, DATA));
  }
  return { data };
}

/**
 * A new recovery secret, in the checked form.
 *
 * @example
 * ```ts
 * generateRecoverySecret() // 'K7QM2X-D9PA3H-…' (6 groups of 6)
 * ```
 */
export function generateRecoverySecret(): string {
  return encodeCheckedGroups(
    Array.from(crypto.getRandomValues(new Uint8Array(LEGACY_LENGTH)), (b) => b & 31),
  );
}

/** The 30 alphabet codes a canonical checked secret carries (for guardians). */
export function codesOfRecoverySecret(secret: string): number[] | undefined {
  const reading = readCheckedGroups(secret, GROUPS);
  return reading && 'data' in reading ? reading.data : undefined;
}

/** What a typed text is: a recovery secret (canonical form), one with a typo, or something else. */
export type RecoverySecretReading =
  | { form: 'checked' | 'legacy'; secret: string }
  | { form: 'typo'; group?: number }
  | { form: 'other' };

/**
 * Reads a recovery secret as a person typed it back: any case, spaces or other dashes instead
 * of dashes, dashes missing, full-width letters or Arabic-Indic digits, invisible marks around
 * it, and in the checked form the look-alikes O, 0, I and 1. A checked secret with a wrong
 * character is `typo` (with its group when it can be told); a text that is neither form is
 * `other`, so a passphrase is never mistaken for a secret.
 *
 * @example
 * ```ts
 * parseRecoverySecret('k7qm2x d9pa3h …') // { form: 'checked', secret: 'K7QM2X-D9PA3H-…' }
 * ```
 */
export function parseRecoverySecret(typed: string): RecoverySecretReading {
  const checked = readCheckedGroups(typed, GROUPS);
  if (checked && 'data' in checked)
    return { form: 'checked', secret: encodeCheckedGroups(checked.data) };
  const chars = tidy(typed).replace(SEPARATORS, '');
  if (chars.length === LEGACY_LENGTH && [...chars].every((c) => ALPHABET.includes(c))) {
    return {
      form: 'legacy',
      secret: Array.from({ length: GROUPS }, (_, i) => chars.slice(i * DATA, i * DATA + DATA)).join(
        '-',
      ),
    };
  }
  if (checked)
    return {
      form: 'typo',
      ...(checked.typoGroup === undefined ? {} : { group: checked.typoGroup }),
    };
  return { form: 'other' };
}

/**
 * The canonical form of a recovery secret as a person typed it (see {@link parseRecoverySecret}),
 * or `undefined` when it is not one (or has a typo).
 *
 * @example
 * ```ts
 * normalizeRecoverySecret(' k7qm2 xd9pa 3h4jk-ltnwq mr8ss fgh2z ') // 'K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2Z' (legacy form)
 * ```
 */
export function normalizeRecoverySecret(typed: string): string | undefined {
  const reading = parseRecoverySecret(typed);
  return reading.form === 'checked' || reading.form === 'legacy' ? reading.secret : undefined;
}
