/**
 * The holder's language at the terminal: `--lang`, else the POSIX locale (LC_ALL, LC_MESSAGES,
 * LANG), else English; the wallet's messages come from `@sanad/wallet/messages`, the files the
 * web wallet reads too.
 */
import type { Command } from 'commander';
import { type ErrorReport, SanadError, type SanadErrorCode } from '@sanad/core';
import {
  detailedErrorText,
  languages,
  matchLanguage,
  type MessageKey,
  message,
  type Translator,
} from '@sanad/wallet/messages';

export const LANGUAGE_CODES = languages.map((l) => l.code);

/** Adds `--lang <code>` (no commander default, so the environment can supply one). */
export function languageOption(cmd: Command): Command {
  return cmd.option(
    '--lang <code>',
    `language: ${LANGUAGE_CODES.join(', ')} (default: from LC_ALL, LC_MESSAGES or LANG, else en)`,
  );
}

/** The language of the POSIX locale when we have it ("ar_SY.UTF-8" -> ar), else English. */
export function languageFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  // The first one set wins, as for any POSIX program; "C" and "POSIX" mean no preference.
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find(
    (value) => value !== undefined && value !== '',
  );
  return (locale && matchLanguage(locale)) ?? 'en';
}

/**
 * The language for `--lang` (refused with ERR_LANGUAGE_UNSUPPORTED when we do not have it), or
 * from the environment when the flag is absent.
 */
export function chooseLanguage(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flag === undefined) return languageFromEnvironment(env);
  const code = flag.trim().toLowerCase();
  if (!LANGUAGE_CODES.includes(code))
    throw new SanadError(
      'ERR_LANGUAGE_UNSUPPORTED',
      `--lang must be one of: ${LANGUAGE_CODES.join(', ')}.`,
    );
  return code;
}

/** What counts as "yes" at a yes/no prompt: the language's own words, and always "y" / "yes". */
export function yesAnswers(tr: Translator): string[] {
  const words = [message(tr.language, 'cli.confirm.yes'), message('en', 'cli.confirm.yes')].join(
    ',',
  );
  return [
    ...new Set(
      words
        .split(/[,،]/)
        .map((w) => normalizeAnswer(w))
        .filter((w) => w !== ''),
    ),
  ];
}

/** An answer as typed, made comparable: trimmed, one Unicode form, lower case, no closing punctuation. */
export function normalizeAnswer(answer: string): string {
  return answer
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/[.!؟?]+$/u, '');
}

const RLM = '\u200f';

/**
 * Lines for the terminal. In a right-to-left language each starts with a right-to-left mark, so a
 * terminal that lays out bidirectional text makes the paragraph right to left even when the line
 * opens with a Latin name (which the messages already isolate).
 */
export function terminalText(tr: Translator, lines: readonly string[]): string {
  return (
    tr.dir === 'rtl' ? lines.map((line) => (line === '' ? line : `${RLM}${line}`)) : lines
  ).join('\n');
}

/** Values named in the terminal's error messages: commands and flags, never anything of the holder's. */
const ERROR_VARS = {
  flag: '--yes',
  variable: 'SANAD_TX_CODE',
  command: 'sanad wallet list',
  languages: LANGUAGE_CODES.join(', '),
} as const;
const ERROR_VARS_BY_CODE: Partial<Record<SanadErrorCode, Record<string, string>>> = {
  ERR_FETCH_URL_FORBIDDEN: { flag: '--allow-http' },
  ERR_WALLET_NOT_FOUND: { command: 'sanad wallet init', flag: '--wallet <file>' },
};
/** Error codes whose web-wallet message (`error.<code>`) reads right at a terminal too. */
const SHARED_ERROR_MESSAGES = new Set<string>([
  'ERR_WALLET_WRONG_PASSPHRASE',
  'ERR_WALLET_CORRUPTED',
  'ERR_WALLET_PASSPHRASE_TOO_SHORT',
  'ERR_BACKUP_INVALID',
  'ERR_RECOVERY_SECRET_TYPO',
  'ERR_GUARDIAN_SHARE_INVALID',
  'ERR_GUARDIAN_SHARES_MIXED',
  'ERR_GUARDIAN_SHARES_TOO_FEW',
  'ERR_TX_CODE_INVALID',
  'ERR_TX_CODE_MALFORMED',
  'ERR_OFFER_EXPIRED',
  'ERR_OFFER_LOCKED',
  'ERR_REQUEST_EXPIRED',
  'ERR_REQUEST_USED',
  'ERR_NO_MATCHING_CREDENTIAL',
  'ERR_FETCH_FAILED',
  'ERR_FETCH_TIMEOUT',
]);

/**
 * An error for the holder, in their language: the terminal's own message (`cli.error.<code>`),
 * else the web wallet's when it fits a terminal, else `undefined` (the neutral English message
 * is shown). `--json` output never goes through this.
 */
export function holderErrorText(tr: Translator, report: ErrorReport): string | undefined {
  const own = `cli.error.${report.code}`;
  const shared = `error.${report.code}`;
  const vars = { ...ERROR_VARS, ...ERROR_VARS_BY_CODE[report.code] };
  if (message('en', own) !== own) return tr.t(own as MessageKey, vars);
  const detailed = detailedErrorText(tr, report);
  if (detailed !== undefined) return detailed;
  if (SHARED_ERROR_MESSAGES.has(report.code) && message('en', shared) !== shared)
    return tr.t(shared as MessageKey, vars);
  return undefined;
}
