/**
 * Text from others (a verifier's name and purpose, an issuer's labels, claim values) made safe
 * to show beside ours: no terminal control sequences, no bidi controls that could reorder the
 * line around it (Trojan Source, CVE-2021-42574), and bidi-isolated (FSI … PDI, Unicode UAX #9)
 * where its direction could otherwise spill into the sentence.
 */

/** C0 and C1 controls (terminal escapes) and every bidi embedding, override, isolate and mark. */
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n]+/g;
/** Scripts written right to left (Arabic, Hebrew, Syriac, Thaana, N'Ko, Adlam, Hanifi Rohingya…). */
const RTL =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const FSI = '\u2068';
const PDI = '\u2069';

/**
 * Text already made safe by this module (a list, a date, a formatted value): shown as it is,
 * only isolated again where needed.
 *
 * @example
 * ```ts
 * tr.t('summary.notShared', { claims: tr.list(['Name', 'Nationality']) })
 * ```
 */
export class DisplayText {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/**
 * Removes control characters and bidi controls from untrusted text; tabs and line breaks
 * become one space, so a value stays on its line.
 *
 * @example
 * ```ts
 * cleanText('Clinic\u001b[2K\u202e') // 'Clinic[2K'
 * ```
 */
export function cleanText(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(UNSAFE, '');
}

/**
 * True when the text holds a right-to-left letter.
 *
 * @example
 * ```ts
 * hasRtl('عيادة النور') // true
 * ```
 */
export function hasRtl(value: string): boolean {
  return RTL.test(value);
}

/**
 * A value ready to go into a sentence written in `dir`: cleaned (unless it is a
 * {@link DisplayText}) and wrapped in FSI … PDI when the sentence is right to left or the value
 * holds right-to-left letters, so neither reorders the other.
 *
 * @example
 * ```ts
 * isolate('did:key:z6Mk…', 'rtl') // '\u2068did:key:z6Mk…\u2069'
 * isolate('Amal', 'ltr') // 'Amal'
 * ```
 */
export function isolate(value: string | DisplayText, dir: 'ltr' | 'rtl'): string {
  const text = value instanceof DisplayText ? value.text : cleanText(value);
  const isolated = text.startsWith(FSI) && text.indexOf(PDI) === text.length - 1;
  return text !== '' && !isolated && (dir === 'rtl' || hasRtl(text)) ? `${FSI}${text}${PDI}` : text;
}
