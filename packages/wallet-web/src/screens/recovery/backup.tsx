/**
 * Making a backup that leaves the phone: the file (download, or the share sheet where the
 * browser has one), the recovery secret checked back ("type group 4") and a sheet to print.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { generateRecoverySecret } from '@sanad/wallet/vault';
import { noteBackupMade } from '../../backup-state.js';
import { Busy } from '../../components/busy.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { useAction } from '../../components/use-action.js';
import { t } from '../../i18n/i18n.js';
import { wallet } from '../../session.js';
import { RecoverySheet } from './sheet.js';

const FILE_NAME = 'sanad-wallet.backup';

/** A new backup of the open wallet under a new recovery secret, noted as made. */
export async function makeBackup(): Promise<{ secret: string; bytes: Uint8Array }> {
  const secret = generateRecoverySecret();
  const bytes = await wallet.value!.exportBackup(secret);
  noteBackupMade();
  return { secret, bytes };
}

/** Download, and the phone's share sheet (to messages, mail, a drive) where the browser offers sharing files. */
export function BackupFileActions({ bytes }: { bytes: Uint8Array }) {
  const file = useMemo(
    () => new File([bytes.slice()], FILE_NAME, { type: 'application/octet-stream' }),
    [bytes],
  );
  const url = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const canShare =
    typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] });
  const { error, run } = useAction();
  const share = () =>
    run('', async () => {
      try {
        await navigator.share({ files: [file], title: FILE_NAME });
      } catch (err) {
        // Closing the share sheet is not a failure.
        if ((err as Error).name !== 'AbortError') throw err;
      }
    });
  return (
    <div class="actions">
      <a
        class="button button--primary"
        href={url}
        download={FILE_NAME}
        data-testid="backup-download"
      >
        {t('settings.backupDownload')}
      </a>
      {canShare && (
        <button
          type="button"
          class="button"
          onClick={() => void share()}
          data-testid="backup-share"
        >
          {t('backup.share')}
        </button>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

/** "Type group 4": the holder shows the secret was written down before leaving the screen. */
function WrittenDown({ secret }: { secret: string }) {
  const groups = secret.split('-');
  const [group] = useState(
    () => 1 + (crypto.getRandomValues(new Uint8Array(1))[0]! % groups.length),
  );
  const [typed, setTyped] = useState('');
  const [answer, setAnswer] = useState<'ok' | 'wrong'>();
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        setAnswer(typed.toUpperCase().replace(/[\s-]/g, '') === groups[group - 1] ? 'ok' : 'wrong');
      }}
    >
      <label>
        {t('backup.confirmGroup', { group })}
        <input
          type="text"
          dir="ltr"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
          data-testid="backup-confirm-input"
          data-group={group}
        />
      </label>
      <button type="submit" class="button" data-testid="backup-confirm-submit">
        {t('backup.confirmButton')}
      </button>
      {answer && (
        <p
          class={`notice ${answer === 'ok' ? 'notice--ok' : 'notice--error'}`}
          role="status"
          data-testid="backup-confirm-result"
          data-result={answer}
        >
          {answer === 'ok' ? t('backup.confirmed') : t('backup.confirmWrong', { group })}
        </p>
      )}
    </form>
  );
}

export function BackupPanel() {
  const [backup, setBackup] = useState<{ secret: string; bytes: Uint8Array }>();
  const { busy, error, run } = useAction();
  return (
    <>
      <p>{t('settings.backupHint')}</p>
      <p class="notice notice--warning" data-testid="backup-leaves-phone">
        {t('backup.leavesPhone')}
      </p>
      <button
        type="button"
        class="button"
        disabled={busy !== undefined}
        onClick={() => void run(t('app.working'), async () => setBackup(await makeBackup()))}
        data-testid="backup-export"
      >
        {t('settings.backupExport')}
      </button>
      <Busy text={busy} />
      <ErrorNotice error={error} />
      {backup && (
        <div class="backup" data-testid="backup">
          <p>{t('settings.backupSecret')}</p>
          <p class="secret" dir="ltr" data-testid="backup-secret">
            {backup.secret}
          </p>
          <WrittenDown key={backup.secret} secret={backup.secret} />
          <BackupFileActions bytes={backup.bytes} />
          <button type="button" class="button" onClick={() => print()} data-testid="backup-print">
            {t('backup.print')}
          </button>
          <RecoverySheet secret={backup.secret} />
        </div>
      )}
    </>
  );
}
