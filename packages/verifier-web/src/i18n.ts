/**
 * The desk's strings, in the wallet's languages. Each language is one flat JSON file in
 * `messages/` with its `_lang`, `_dir` and `_language` (its own name, for the picker). The browser's
 * languages pick one on first visit; the picker's choice is remembered. A key missing from a
 * translation falls back to English, then to the key itself, so a gap is visible, never blank.
 */
import ar from './messages/ar.json';
import en from './messages/en.json';
import es from './messages/es.json';
import fr from './messages/fr.json';

export type MessageKey = Exclude<keyof typeof en, '_lang' | '_dir' | '_language'>;

export const catalog: Record<string, Record<string, string>> = { ar, en, es, fr };

const FALLBACK = 'en';
const STORAGE_KEY = 'sanad-desk-language';

export const languages = Object.keys(catalog)
  .sort()
  .map((code) => ({ code, name: catalog[code]!._language ?? code }));

/** The first of the browser's languages that the desk has (by primary subtag), else English. */
export function pickLanguage(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0]!;
    if (catalog[primary]) return primary;
  }
  return FALLBACK;
}

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
/** The page's language; the app re-renders when `setLanguage` changes it. */
export let lang =
  saved && catalog[saved]
    ? saved
    : pickLanguage(typeof navigator !== 'undefined' ? navigator.languages : []);

/** Switches the language, remembers it, and sets the page's `lang`, `dir` (Arabic: right to left) and title. */
export function setLanguage(code: string): void {
  if (!catalog[code]) return;
  lang = code;
  localStorage.setItem(STORAGE_KEY, code);
  applyToDocument();
}

export function applyToDocument(): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = catalog[lang]!._dir === 'rtl' ? 'rtl' : 'ltr';
  document.title = t('title');
}

/**
 * The message for `key`, with `{name}` placeholders filled from `vars`.
 *
 * @example
 * ```ts
 * t('waiting.qrAlt', { name: 'Over 18' })
 * ```
 */
export function t(key: MessageKey, vars: Record<string, string> = {}): string {
  const text = catalog[lang]![key] ?? catalog[FALLBACK]![key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The best text of a localised value (`{ en: …, ar: … }`) for this page's language. */
export function localised(text: Record<string, string>): string {
  return text[lang] ?? text.en ?? Object.values(text)[0] ?? '';
}
