/** Language, backup (file + recovery secret shown once), and deleting everything. */
import { useEffect, useState } from 'preact/hooks';
import { generateRecoverySecret } from '@sanad/wallet/vault';
import { Busy } from '../components/busy.js';
import { ErrorNotice } from '../components/error-notice.js';
import { useAction } from '../components/use-action.js';
import { t } from '../i18n/i18n.js';
import { flash, go } from '../navigation.js';
import { eraseEverything, wallet } from '../session.js';
import { QuickUnlockSettings } from './quick-unlock.js';

export function Settings() {
  const [backup, setBackup] = useState<{ secret: string; url: string }>();
  const [understood, setUnderstood] = useState(false);
  const { busy, error, run } = useAction();
  useEffect(() => () => backup && URL.revokeObjectURL(backup.url), [backup]);

  const makeBackup = () =>
    run(t('app.working'), async () => {
      const secret = generateRecoverySecret();
      const bytes = await wallet.value!.exportBackup(secret);
      setBackup({ secret, url: URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' })) });
    });

  return (
    <section>
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <h2>{t('settings.backupTitle')}</h2>
      <p>{t('settings.backupHint')}</p>
      <button class="button" disabled={busy !== undefined} onClick={() => void makeBackup()} data-testid="backup-export">
        {t('settings.backupExport')}
      </button>
      {backup && (
        <div class="backup" data-testid="backup">
          <p>{t('settings.backupSecret')}</p>
          <p class="secret" dir="ltr" data-testid="backup-secret">
            {backup.secret}
          </p>
          <a class="button button--primary" href={backup.url} download="sanad-wallet.backup" data-testid="backup-download">
            {t('settings.backupDownload')}
          </a>
        </div>
      )}
      <QuickUnlockSettings />
      <h2>{t('settings.deleteTitle')}</h2>
      <p>{t('settings.deleteHint')}</p>
      <label class="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} data-testid="delete-understood" />
        {t('settings.deleteConfirm')}
      </label>
      <button class="button button--danger" disabled={!understood || busy !== undefined} onClick={() => void run(t('app.working'), async () => {
          await eraseEverything();
          go({ name: 'home' });
          flash.value = 'settings.deleted';
        })} data-testid="delete-everything">
        {t('settings.deleteButton')}
      </button>
      <Busy text={busy} />
      <ErrorNotice error={error} />
      <button class="button" onClick={() => go({ name: 'home' })}>
        {t('common.back')}
      </button>
    </section>
  );
}
