/** One credential: what it says, in the holder's language; delete it. */
import { useState } from 'preact/hooks';
import { claimValue, formatDate, tIsolated } from '../components/claim-value.js';
import { ErrorNotice } from '../components/error-notice.js';
import { showsValidUntil, StatusDetails } from '../components/status-badge.js';
import { language, t } from '../i18n/i18n.js';
import { go } from '../navigation.js';
import { revision, touched, wallet } from '../session.js';

export function CredentialScreen({ id }: { id: string }) {
  const [error, setError] = useState<unknown>();
  void revision.value;
  const details = wallet.value!.show(id, language.value);
  const remove = async () => {
    if (!confirm(t('credential.deleteConfirm', { name: details.name }))) return;
    try {
      await wallet.value!.delete(id);
      touched();
      go({ name: 'home' });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>
        <bdi>{details.name}</bdi>
      </h1>
      <p>{tIsolated('card.issuer', { issuer: details.issuerName ?? details.issuer })}</p>
      {showsValidUntil(details) && (
        <p>{tIsolated('card.validUntil', { date: formatDate(details.validUntil!) })}</p>
      )}
      <StatusDetails credential={details} />
      <h2>{t('credential.claims')}</h2>
      <dl class="claims" data-testid="credential-claims">
        {details.claims.map((claim) => (
          <div class="claims__row" key={claim.path.join('.')}>
            <dt>
              <bdi>{claim.label}</bdi>
            </dt>
            <dd>
              <bdi class="claim-value">{claimValue(claim.value, claim.path)}</bdi>
            </dd>
          </div>
        ))}
      </dl>
      <ErrorNotice error={error} />
      <div class="actions">
        <button type="button" class="button" onClick={() => go({ name: 'home' })}>
          {t('common.back')}
        </button>
        <button type="button" class="button button--danger" onClick={remove}>
          {t('credential.delete')}
        </button>
      </div>
    </section>
  );
}
