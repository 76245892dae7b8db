/**
 * The desk's strings. Each language is one flat JSON file in `messages/` with its `_lang` and
 * `_dir`; a missing key shows the key itself, so a gap is visible, never blank.
 */
import en from './messages/en.json';

export type MessageKey = Exclude<keyof typeof en, '_lang' | '_dir'>;

const messages: Record<string, string> = en;

export const lang = en._lang;
export const dir = en._dir;

/**
 * The message for `key`, with `{name}` placeholders filled from `vars`.
 *
 * @example
 * ```ts
 * t('waiting.qrAlt', { name: 'Over 18' })
 * ```
 */
export function t(key: MessageKey, vars: Record<string, string> = {}): string {
  return (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The best text of a localised value (`{ en: …, ar: … }`) for this page's language. */
export function localised(text: Record<string, string>): string {
  return text[lang] ?? text.en ?? Object.values(text)[0] ?? '';
}
