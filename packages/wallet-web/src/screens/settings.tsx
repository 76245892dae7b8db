/** Backup (file, recovery secret shown once, printable sheet, guardians), quick unlock, and deleting everything. */
import { useState } from 'preact/hooks';
import { BackupReminder } from '../components/backup-reminder.js';
import { Busy } from '../components/busy.js';
import { ErrorNotice } from '../components/error-notice.js';
import { useAction } from '../components/use-action.js';
import { t } from '../i18n/i18n.js';
import { flash, go } from '../navigation.js';
import { eraseEverything } from '../session.js';
import { QuickUnlockSettings } from './quick-unlock.js';
import { BackupPanel } from './recovery/backup.js';

export function Settings() {
  const [understood, setUnderstood] = useState(false);
  const { busy, error, run } = useAction();

  return (
    <section>
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <h2>{t('settings.backupTitle')}</h2>
      <BackupReminder />
      <BackupPanel />
      <button
        type="button"
        class="button"
        onClick={() => go({ name: 'guardians' })}
        data-testid="go-guardians"
      >
        {t('guardians.title')}
      </button>
      <QuickUnlockSettings />
      <h2>{t('settings.deleteTitle')}</h2>
      <p>{t('settings.deleteHint')}</p>
      <label class="check">
        <input
          type="checkbox"
          checked={understood}
          onChange={(e) => setUnderstood(e.currentTarget.checked)}
          data-testid="delete-understood"
        />
        {t('settings.deleteConfirm')}
      </label>
      <button
        type="button"
        class="button button--danger"
        disabled={!understood || busy !== undefined}
        onClick={() =>
          void run(t('app.working'), async () => {
            await eraseEverything();
            go({ name: 'home' });
            flash.value = 'settings.deleted';
          })
        }
        data-testid="delete-everything"
      >
        {t('settings.deleteButton')}
      </button>
      <Busy text={busy} />
      <ErrorNotice error={error} />
      <button type="button" class="button" onClick={() => go({ name: 'home' })}>
        {t('common.back')}
      </button>
    </section>
  );
}
