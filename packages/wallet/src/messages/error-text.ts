/** Holder messages that need an error's details, shared by the web wallet and the terminal. */
import type { ErrorReport } from '@sanad/core';
import type { Translator } from './translator.js';

/**
 * The message for an error whose details change what the holder should do — the tries left
 * after a wrong PIN, the length a PIN must have — or `undefined` when the plain message fits.
 *
 * @example
 * ```ts
 * detailedErrorText(createTranslator('fr'), { code: 'ERR_TX_CODE_INVALID', message, details: { attemptsLeft: 2 } }) // 'Le code n'est pas bon. Il reste 2 essais.'
 * ```
 */
export function detailedErrorText(
  tr: Translator,
  report: Pick<ErrorReport, 'code' | 'details'>,
): string | undefined {
  const left = report.details?.attemptsLeft;
  const length = report.details?.length;
  if (report.code === 'ERR_TX_CODE_INVALID' && typeof left === 'number')
    return left === 1 ? tr.t('error.oneTryLeft') : tr.t('error.triesLeft', { left });
  if (report.code === 'ERR_TX_CODE_MALFORMED' && typeof length === 'number')
    return tr.t('error.txCodeLength', { length });
  return undefined;
}
