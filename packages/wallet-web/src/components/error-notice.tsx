import { isSanadError } from '@sanad/core';
import { t } from '../i18n/i18n.js';

/** A translated message for a typed error code; never a stack trace. */
export function errorMessage(err: unknown): string {
  const code = isSanadError(err) ? err.code : typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'ERR_INTERNAL';
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
