import { type ErrorReport, isSanadError } from '@sanad/core';
import { createTranslator, detailedErrorText } from '@sanad/wallet/messages';
import { language, t } from '../i18n/i18n.js';

/** A translated message for a typed error code (and its details: tries left); never a stack trace. */
export function errorMessage(err: unknown): string {
  const code = isSanadError(err)
    ? err.code
    : typeof (err as { code?: unknown })?.code === 'string'
      ? (err as { code: string }).code
      : 'ERR_INTERNAL';
  const details = (err as { details?: ErrorReport['details'] } | undefined)?.details;
  const report = { code: code as ErrorReport['code'], ...(details ? { details } : {}) };
  const detailed = detailedErrorText(createTranslator(language.value), report);
  if (detailed !== undefined) return detailed;
  // Without a network the desk may still offer the answer by QR codes.
  if (code === 'ERR_FETCH_FAILED') return `${t('error.noConnection')} ${t('error.useQr')}`;
  if (code === 'ERR_FETCH_TIMEOUT') return `${t('error.ERR_FETCH_TIMEOUT')} ${t('error.useQr')}`;
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? t('error.generic', { code }) : text;
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (error === undefined) return null;
  return (
    <p class="notice notice--error" role="alert" data-testid="error">
      {errorMessage(error)}
    </p>
  );
}
