/**
 * The holder's messages, one JSON file per language, shared by every Sanad wallet (the web
 * wallet, the `sanad wallet` commands, the consent summary of `Wallet.propose`). Each file names
 * itself (`_language`, in its own script) and its direction (`_dir`); a missing key falls back to
 * English. To add a language, add its file here and one line below (a test checks both).
 */
import ar from './ar.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

export type Messages = Record<string, string>;

/** A key of the English file: the source of truth every other language follows. */
export type MessageKey = Exclude<keyof typeof en, '_language' | '_dir'>;

/** Every language, by code (`en`, `fr`, `ar`, `es`). */
export const catalog: Record<string, Messages> = { ar, en, es, fr };

/** The language every other one falls back to. */
export const FALLBACK_LANGUAGE = 'en';

/**
 * The languages, sorted by code, each with its own name and writing direction.
 *
 * @example
 * ```ts
 * languages.map((l) => l.code) // ['ar', 'en', 'es', 'fr']
 * ```
 */
export const languages: ReadonlyArray<{ code: string; name: string; dir: 'ltr' | 'rtl' }> =
  Object.keys(catalog)
    .sort()
    .map((code) => ({
      code,
      name: catalog[code]!._language ?? code,
      dir: catalog[code]!._dir === 'rtl' ? 'rtl' : 'ltr',
    }));

/**
 * The language we have for a BCP 47 tag or a POSIX locale (`ar-SY`, `fr_CA.UTF-8`), by its
 * primary subtag; `undefined` when there is none.
 *
 * @example
 * ```ts
 * matchLanguage('fr_CA.UTF-8') // 'fr'
 * matchLanguage('de') // undefined
 * ```
 */
export function matchLanguage(tag: string): string | undefined {
  const primary =
    tag
      .trim()
      .toLowerCase()
      .split(/[-_.@]/)[0] ?? '';
  return Object.hasOwn(catalog, primary) ? primary : undefined;
}

/**
 * The raw text of `key` in `language`, else in English, else the key itself. No placeholders
 * are filled: see `createTranslator` for that.
 *
 * @example
 * ```ts
 * message('fr', 'common.yes') // 'Oui'
 * ```
 */
export function message(language: string, key: string): string {
  return catalog[language]?.[key] ?? catalog[FALLBACK_LANGUAGE]?.[key] ?? key;
}
