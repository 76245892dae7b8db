import { lastBackupAt, storagePersisted } from '../backup-state.js';
import { formatDate, t } from '../i18n/i18n.js';
import { go, screen } from '../navigation.js';

/**
 * What could lose this wallet, said plainly: no backup made yet, or a browser that did not
 * promise to keep its storage. Silent when neither applies.
 */
export function BackupReminder() {
  const notKept = storagePersisted.value === false;
  const never = lastBackupAt.value === undefined;
  if (!notKept && !never) return null;
  return (
    <div class="notice notice--warning" role="status" data-testid="backup-reminder">
      {never ? (
        <p data-testid="backup-none">{t('backup.none')}</p>
      ) : (
        <p>{t('backup.last', { date: formatDate(lastBackupAt.value!) })}</p>
      )}
      {notKept && <p data-testid="storage-not-persisted">{t('backup.notPersisted')}</p>}
      {screen.value.name !== 'settings' && (
        <button
          type="button"
          class="button"
          onClick={() => go({ name: 'settings' })}
          data-testid="backup-make-now"
        >
          {t('backup.makeNow')}
        </button>
      )}
    </div>
  );
}
