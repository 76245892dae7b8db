/**
 * A Vite plugin: the app shell of index.html (a title bar and "Opening your wallet…", painted
 * before any bundle arrives) in the holder's language. It writes `assets/shell-<hash>.js`, a
 * classic script of a few hundred bytes run as soon as the shell is parsed (the pages'
 * Content-Security-Policy allows no inline script), which picks the language as the app will
 * (`chooseLanguage`, the same function) and sets `lang`, `dir`, the title and the shell's texts
 * from the shared catalog: no text and no rule is written twice.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';
import { catalog, FALLBACK_LANGUAGE } from '../../wallet/src/messages/catalog.js';
import { chooseLanguage, LANGUAGE_STORAGE_KEY } from '../src/i18n/choose-language.js';

/** Where index.html takes the script. */
const PLACEHOLDER = '<!--sanad-shell-language-->';
/** The messages the shell shows (`data-shell-text` names one of them). */
const SHELL_KEYS = ['app.title', 'app.opening'];

function shellScript(): string {
  const texts = Object.fromEntries(
    Object.entries(catalog).map(([code, messages]) => [
      code,
      {
        dir: messages._dir === 'rtl' ? 'rtl' : 'ltr',
        ...Object.fromEntries(
          SHELL_KEYS.map((key) => [key, messages[key] ?? catalog[FALLBACK_LANGUAGE]![key]!]),
        ),
      },
    ]),
  );
  return `(() => {
  const texts = ${JSON.stringify(texts)};
  let saved = null;
  try { saved = localStorage.getItem(${JSON.stringify(LANGUAGE_STORAGE_KEY)}); } catch {}
  const code = (${chooseLanguage.toString()})(saved, navigator.languages || [], Object.keys(texts), ${JSON.stringify(FALLBACK_LANGUAGE)});
  const chosen = texts[code];
  document.documentElement.lang = code;
  document.documentElement.dir = chosen.dir;
  document.title = chosen['app.title'];
  for (const element of document.querySelectorAll('[data-shell-text]')) element.textContent = chosen[element.dataset.shellText];
})();
`;
}

export function appShell(): Plugin {
  const code = shellScript();
  const fileName = `assets/shell-${createHash('sha256').update(code).digest('hex').slice(0, 8)}.js`;
  return {
    name: 'sanad-app-shell',
    // The development server keeps the placeholder, a comment: there the shell stays in English.
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'asset', fileName, source: code });
    },
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(PLACEHOLDER, `<script src="./${fileName}"></script>`),
    },
  };
}
