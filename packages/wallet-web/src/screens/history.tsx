/** What was shared with whom and when: claim names only, the values never leave the credential. */
import { formatDate, tIsolated } from '../components/claim-value.js';
import { language, t } from '../i18n/i18n.js';
import { go } from '../navigation.js';
import { revision, touched, wallet } from '../session.js';

export function History() {
  void revision.value;
  const entries = wallet.value!.history(language.value).reverse();
  return (
    <section>
      <h1 tabIndex={-1}>{t('history.title')}</h1>
      <p>{t('history.intro')}</p>
      {entries.length === 0 ? (
        <p class="empty">{t('history.empty')}</p>
      ) : (
        <ol class="history" data-testid="history">
          {entries.map((entry, i) => (
            <li key={i} class="history__entry">
              <strong>
                {tIsolated('history.entry', {
                  verifier: entry.verifier.name ?? entry.verifier.clientId,
                  date: formatDate(entry.at, true),
                })}
              </strong>
              <span>{tIsolated('history.purpose', { purpose: entry.purpose })}</span>
              <bdi>{entry.claims.map((c) => c.label).join(', ')}</bdi>
            </li>
          ))}
        </ol>
      )}
      <div class="actions">
        <button type="button" class="button" onClick={() => go({ name: 'home' })}>
          {t('common.back')}
        </button>
        {entries.length > 0 && (
          <button
            type="button"
            class="button button--danger"
            onClick={() => void wallet.value!.clearHistory().then(touched)}
          >
            {t('history.clear')}
          </button>
        )}
      </div>
    </section>
  );
}
