/**
 * The wallet's languages are the shared holder messages of `@sanad/wallet/messages` (one JSON
 * file per language in packages/wallet/src/messages, read by the CLI wallet too). Each file names
 * itself (`_language`, in its own script) and its direction (`_dir`); a missing key falls back to
 * English, so a partial translation still works.
 */
import { signal } from '@preact/signals';
import { catalog, type Messages } from '@sanad/wallet/messages';
import { chooseLanguage, LANGUAGE_STORAGE_KEY } from './choose-language.js';

export { catalog, type Messages };

const FALLBACK = 'en';

export const languages = Object.keys(catalog)
  .sort()
  .map((code) => ({ code, name: catalog[code]!._language ?? code }));

/** The first of the browser's languages that we have (by primary subtag), else English. */
export const pickLanguage = (preferred: readonly string[]): string =>
  chooseLanguage(null, preferred, Object.keys(catalog), FALLBACK);

const saved =
  typeof localStorage !== 'undefined' ? localStorage.getItem(LANGUAGE_STORAGE_KEY) : null;
export const language = signal<string>(
  chooseLanguage(
    saved,
    typeof navigator !== 'undefined' ? navigator.languages : [],
    Object.keys(catalog),
    FALLBACK,
  ),
);

/** Switches the language, remembers it, and sets the page's `lang` and `dir` (Arabic: right to left). */
export function setLanguage(code: string): void {
  if (!catalog[code]) return;
  language.value = code;
  localStorage.setItem(LANGUAGE_STORAGE_KEY, code);
  applyToDocument();
}

export function applyToDocument(): void {
  document.documentElement.lang = language.value;
  document.documentElement.dir = catalog[language.value]?._dir === 'rtl' ? 'rtl' : 'ltr';
  document.title = t('app.title');
}

/** `t('card.issuer', { issuer })`: the message in the current language, `{name}` filled in. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = catalog[language.value]?.[key] ?? catalog[FALLBACK]?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** Dates, like every value shown, are formatted in one place. */
export { formatDate } from '../components/claim-value.js';
