/**
 * A credential's standing in words (never colour alone): revoked or suspended by the issuer,
 * expired or expiring soon, copies running low; and, on the credential's own screen, when the
 * status was last checked with a button to check now.
 */
import type { CredentialSummary, PresentationProposal } from '@sanad/wallet';
import { formatDate, language, t } from '../i18n/i18n.js';
import { wallet } from '../session.js';
import { checkingStatus, refreshStatusNow, statusProblem } from '../status-refresh.js';
import { errorMessage } from './error-notice.js';

/** At or below this many unused copies the holder is told to ask the issuer for more. */
const FEW_COPIES = 2;

interface StatusLine {
  kind: 'revoked' | 'suspended' | 'expired' | 'expires-soon' | 'copies';
  tone: 'bad' | 'warn';
  text: string;
}

export function statusLines(c: CredentialSummary): StatusLine[] {
  const lines: StatusLine[] = [];
  if (c.status?.value === 'revoked')
    lines.push({ kind: 'revoked', tone: 'bad', text: t('card.status.revoked') });
  if (c.status?.value === 'suspended')
    lines.push({ kind: 'suspended', tone: 'bad', text: t('card.status.suspended') });
  if (c.expiry === 'expired')
    lines.push({
      kind: 'expired',
      tone: 'bad',
      text: t('card.expired', { date: formatDate(c.validUntil!) }),
    });
  if (c.expiry === 'expires-soon')
    lines.push({
      kind: 'expires-soon',
      tone: 'warn',
      text: t('card.expiresSoon', { date: formatDate(c.validUntil!) }),
    });
  if (c.unusedCopies <= FEW_COPIES) {
    const text =
      c.unusedCopies === 0
        ? t('card.copiesNone')
        : c.unusedCopies === 1
          ? t('card.copiesOneLeft')
          : t('card.copiesLow', { unused: c.unusedCopies });
    lines.push({ kind: 'copies', tone: 'warn', text });
  }
  return lines;
}

/** "Valid until …" is shown only while it is true: never beside "Revoked", "Suspended" or "Expired". */
export const showsValidUntil = (c: CredentialSummary): boolean =>
  c.validUntil !== undefined &&
  c.status?.value !== 'revoked' &&
  c.status?.value !== 'suspended' &&
  c.expiry !== 'expired';

/** The lines as phrasing content, so they fit inside the home screen's card button. */
export function StatusBadge({ credential }: { credential: CredentialSummary }) {
  const lines = statusLines(credential);
  if (lines.length === 0) return null;
  return (
    <span
      class="card__status"
      data-testid="card-status"
      data-status={credential.status?.value ?? 'unchecked'}
    >
      {lines.map((line) => (
        <span
          key={line.kind}
          class={`card__line status status--${line.tone}`}
          data-kind={line.kind}
        >
          {line.text}
        </span>
      ))}
    </span>
  );
}

/** On the credential's screen: the badge, when the issuer was last asked, and "Check status now". */
export function StatusDetails({ credential }: { credential: CredentialSummary }) {
  const problem = statusProblem.value;
  return (
    <div class="status-details" data-testid="status-details">
      <StatusBadge credential={credential} />
      {credential.status?.value === 'valid' && <p class="status">{t('card.status.valid')}</p>}
      <p class="hint" data-testid="status-checked">
        {credential.status
          ? t('card.checkedAt', { date: formatDate(credential.status.checkedAt, true) })
          : t('card.neverChecked')}
      </p>
      {problem && !checkingStatus.value && (
        <p class="notice notice--warning" role="status" data-testid="status-problem">
          {errorMessage(problem)}
        </p>
      )}
      <button
        type="button"
        class="button"
        disabled={checkingStatus.value}
        onClick={() => void refreshStatusNow()}
        data-testid="status-refresh"
      >
        {checkingStatus.value ? t('card.checking') : t('card.checkNow')}
      </button>
    </div>
  );
}

/** What the verifier will see of a credential the issuer revoked or suspended, or that expired. */
function shareWarnings(credentialId: string): string[] {
  const c = wallet.value!.show(credentialId, language.value);
  return [
    ...(c.status?.value === 'revoked' ? [t('card.warnRevoked')] : []),
    ...(c.status?.value === 'suspended' ? [t('card.warnSuspended')] : []),
    ...(c.expiry === 'expired' ? [t('card.warnExpired')] : []),
  ];
}

/** True when sharing needs an explicit "Share anyway": a credential to go is revoked, suspended or expired. */
export const needsShareAnyway = (proposal: PresentationProposal): boolean =>
  proposal.items.some((item) => shareWarnings(item.credentialId).length > 0);

/** On the consent screen, under the credential: what the verifier will see of its status. */
export function ShareWarnings({ credentialId }: { credentialId: string }) {
  const warnings = shareWarnings(credentialId);
  if (warnings.length === 0) return null;
  return (
    <div class="notice notice--error" role="alert" data-testid="share-warning">
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}
