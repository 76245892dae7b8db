/** Messages, dates, lists and claim values in one holder's language, safe to print. */
import { catalog, FALLBACK_LANGUAGE, matchLanguage, type MessageKey, message } from './catalog.js';
import { DisplayText, isolate } from './display-text.js';

export type MessageValue = string | number | DisplayText;

export interface Translator {
  /** The language used: the one asked for when we have it, else English. */
  readonly language: string;
  readonly dir: 'ltr' | 'rtl';
  /** The message with its `{placeholders}` filled; each value cleaned and bidi-isolated where needed. */
  t(key: MessageKey, vars?: Record<string, MessageValue>): string;
  /** One untrusted value (a name, a label) cleaned and isolated, to stand on its own in a line. */
  text(value: string | DisplayText): string;
  /** A date (ISO 8601) in the language's format, through `Intl.DateTimeFormat`. */
  date(iso: string, options?: { withTime?: boolean }): DisplayText;
  /** "a, b and c" in the language, through `Intl.ListFormat`. */
  list(items: ReadonlyArray<string | DisplayText>): DisplayText;
  /** A claim value in plain words: yes/no for booleans, lists joined, nested parts as "name: value". */
  value(value: unknown): DisplayText;
}

/**
 * A translator for `language` (a code, a BCP 47 tag or a POSIX locale; unknown ones get English).
 *
 * @example
 * ```ts
 * const tr = createTranslator('fr')
 * tr.t('card.validUntil', { date: tr.date('2027-03-12T00:00:00Z') }) // 'Valable jusqu'au 12 mars 2027'
 * ```
 */
export function createTranslator(language: string): Translator {
  const code = matchLanguage(language) ?? FALLBACK_LANGUAGE;
  const dir = catalog[code]?._dir === 'rtl' ? 'rtl' : 'ltr';
  const numbers = new Intl.NumberFormat(code);
  const lists = new Intl.ListFormat(code, { type: 'conjunction' });
  const text = (value: string | DisplayText): string => isolate(value, dir);
  const fill = (value: MessageValue): string =>
    text(typeof value === 'number' ? new DisplayText(numbers.format(value)) : value);
  const plain = (value: unknown): string => {
    if (value === true) return message(code, 'common.yes');
    if (value === false) return message(code, 'common.no');
    if (Array.isArray(value)) return value.map(plain).join(', ');
    if (value !== null && typeof value === 'object')
      return Object.entries(value)
        .map(([k, v]) => `${text(k)}: ${plain(v)}`)
        .join('; ');
    // Only primitives are left here; a template literal cannot call a hostile toString.
    return text(
      value === null || value === undefined ? '' : `${value as string | number | bigint}`,
    );
  };
  return {
    language: code,
    dir,
    t: (key, vars = {}) =>
      message(code, key).replace(/\{(\w+)\}/g, (whole, name: string) =>
        Object.hasOwn(vars, name) ? fill(vars[name]!) : whole,
      ),
    text,
    date(iso, options = {}) {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return new DisplayText(text(iso));
      return new DisplayText(
        new Intl.DateTimeFormat(
          code,
          options.withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'long' },
        ).format(date),
      );
    },
    list: (items) => new DisplayText(lists.format(items.map(text))),
    value: (value) => new DisplayText(plain(value)),
  };
}
