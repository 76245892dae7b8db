/**
 * A page to print and keep: a recovery secret or a guardian's share as text and as a QR code,
 * with what it is for and where to keep it, in the holder's language. On screen it is a preview;
 * the print stylesheet prints only the sheets, one to a page.
 */
import type { ComponentChildren } from 'preact';
import { QrCode } from '../../components/qr-code.js';
import { formatDate, t } from '../../i18n/i18n.js';

export function PrintSheet({
  title,
  text,
  qrLabel,
  children,
}: {
  title: string;
  text: string;
  qrLabel: string;
  children: ComponentChildren;
}) {
  return (
    <article class="print-sheet" data-testid="print-sheet">
      <h2>{title}</h2>
      <p class="secret" dir="ltr">
        {text}
      </p>
      <QrCode text={text} label={qrLabel} />
      {children}
      <p class="hint">{t('sheet.made', { date: formatDate(new Date().toISOString()) })}</p>
    </article>
  );
}

/** The recovery secret's sheet. */
export function RecoverySheet({ secret }: { secret: string }) {
  return (
    <PrintSheet title={t('sheet.title')} text={secret} qrLabel={t('sheet.qr')}>
      <p>{t('sheet.what')}</p>
      <p>{t('sheet.how')}</p>
      <p>
        <strong>{t('sheet.where')}</strong>
      </p>
    </PrintSheet>
  );
}
