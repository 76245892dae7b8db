/**
 * The wallet's languages are the shared holder messages of `@sanad/wallet/messages` (one JSON
 * file per language in packages/wallet/src/messages, read by the CLI wallet too). Each file names
 * itself (`_language`, in its own script) and its direction (`_dir`); a missing key falls back to
 * English, so a partial translation still works.
 */
import { signal } from '@preact/signals';
import { catalog, type Messages } from '@sanad/wallet/messages';

export { catalog, type Messages };

const FALLBACK = 'en';
const STORAGE_KEY = 'sanad-language';

export const languages = Object.keys(catalog)
  .sort()
  .map((code) => ({ code, name: catalog[code]!._language ?? code }));

/** The first of the browser's languages that we have (by primary subtag), else English. */
export function pickLanguage(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0]!;
    if (catalog[primary]) return primary;
  }
  return FALLBACK;
}

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
export const language = signal<string>(saved && catalog[saved] ? saved : pickLanguage(typeof navigator !== 'undefined' ? navigator.languages : []));

/** Switches the language, remembers it, and sets the page's `lang` and `dir` (Arabic: right to left). */
export function setLanguage(code: string): void {
  if (!catalog[code]) return;
  language.value = code;
  localStorage.setItem(STORAGE_KEY, code);
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
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Dates, like every value shown, are formatted in one place. */
export { formatDate } from '../components/claim-value.js';
