/**
 * Recovery secrets: 30 characters from a 32-letter alphabet with no look-alikes (no I, O, 0, 1),
 * in 6 groups of 5 (150 bits), to be written on paper and typed back in.
 */

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 6;
const GROUP = 5;
/**
 * Spaces, dashes of every kind (a phone keyboard's en dash, a word processor's minus), dots
 * between groups, and invisible format characters a copy from a terminal or a page may carry
 * (bidi marks and isolates, zero-width spaces).
 */
const SEPARATORS = /[\s\p{Dash_Punctuation}\p{Cf}\u2212._·]/gu;
/** Arabic-Indic and Eastern Arabic-Indic digits, as an Arabic or Persian keyboard types them. */
const INDIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/**
 * A new recovery secret.
 *
 * @example
 * ```ts
 * generateRecoverySecret() // 'K7QM2-XD9PA-…'
 * ```
 */
export function generateRecoverySecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GROUPS * GROUP));
  const chars = Array.from(bytes, (b) => ALPHABET[b & 31]);
  return Array.from({ length: GROUPS }, (_, i) => chars.slice(i * GROUP, i * GROUP + GROUP).join('')).join('-');
}

/**
 * The canonical form (`K7QM2-XD9PA-…`) of a recovery secret as a person typed it: any case,
 * spaces or other dashes instead of dashes, dashes missing, full-width letters or Arabic-Indic
 * digits, whitespace or invisible marks around it. `undefined` when the text is not 30 letters of the alphabet,
 * so a passphrase is never mistaken for one.
 *
 * @example
 * ```ts
 * normalizeRecoverySecret(' k7qm2 xd9pa 3h4jk-ltnwq mr8ss fgh2z ') // 'K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2Z'
 * ```
 */
export function normalizeRecoverySecret(typed: string): string | undefined {
  const chars = typed
    .normalize('NFKC')
    .replace(INDIC_DIGITS, (d) => String((d.codePointAt(0)! - 0x0660) % 0x90))
    .replace(SEPARATORS, '')
    .toUpperCase();
  if (chars.length !== GROUPS * GROUP || [...chars].some((c) => !ALPHABET.includes(c))) return undefined;
  return Array.from({ length: GROUPS }, (_, i) => chars.slice(i * GROUP, i * GROUP + GROUP)).join('-');
}
