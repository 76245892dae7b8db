/** The holder's credentials as cards, and the way to everything else. */
import { BackupReminder } from '../components/backup-reminder.js';
import { formatDate, tIsolated } from '../components/claim-value.js';
import { showsValidUntil, StatusBadge } from '../components/status-badge.js';
import { language, t } from '../i18n/i18n.js';
import { go } from '../navigation.js';
import { revision, wallet } from '../session.js';

export function Home() {
  void revision.value;
  const credentials = wallet.value!.list(language.value);
  return (
    <section>
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <BackupReminder />
      <nav class="actions" aria-label={t('home.title')}>
        <button
          type="button"
          class="button button--primary"
          onClick={() => go({ name: 'receive' })}
          data-testid="go-receive"
        >
          {t('home.receive')}
        </button>
        <button
          type="button"
          class="button button--primary"
          onClick={() => go({ name: 'present' })}
          data-testid="go-present"
        >
          {t('home.present')}
        </button>
        <button
          type="button"
          class="button"
          onClick={() => go({ name: 'history' })}
          data-testid="go-history"
        >
          {t('home.history')}
        </button>
        <button
          type="button"
          class="button"
          onClick={() => go({ name: 'settings' })}
          data-testid="go-settings"
        >
          {t('home.settings')}
        </button>
      </nav>
      {credentials.length === 0 ? (
        <p class="empty">{t('home.empty')}</p>
      ) : (
        <ul class="cards" data-testid="cards">
          {credentials.map((c) => (
            <li key={c.id}>
              {/* Named by what it shows: the type, who issued it and until when it is valid. */}
              <button
                type="button"
                class="card"
                onClick={() => go({ name: 'credential', id: c.id })}
                data-testid="card"
                data-credential-id={c.id}
              >
                <bdi class="card__name">{c.name}</bdi>
                <span class="card__line">
                  {tIsolated('card.issuer', { issuer: c.issuerName ?? c.issuer })}
                </span>
                {showsValidUntil(c) && (
                  <span class="card__line">
                    {tIsolated('card.validUntil', { date: formatDate(c.validUntil!) })}
                  </span>
                )}
                <span class="card__line card__line--quiet">
                  {t('card.copies', { unused: c.unusedCopies, copies: c.copies })}
                </span>
                <StatusBadge credential={c} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
