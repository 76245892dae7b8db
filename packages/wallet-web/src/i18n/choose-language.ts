/** Where the holder's choice of language is remembered. */
export const LANGUAGE_STORAGE_KEY = 'sanad-language';

/**
 * The language to show: the holder's saved choice, else the first of the browser's languages we
 * have (by primary subtag), else `fallback`. Self-contained (no imports, no outer names): the
 * build also writes it into the app shell's script (scripts/app-shell.ts), so the first paint is
 * in the language the app will use.
 */
export function chooseLanguage(
  saved: string | null,
  preferred: readonly string[],
  available: readonly string[],
  fallback: string,
): string {
  if (saved && available.includes(saved)) return saved;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0]!;
    if (available.includes(primary)) return primary;
  }
  return fallback;
}
