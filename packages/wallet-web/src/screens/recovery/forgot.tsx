/**
 * A forgotten passphrase: nobody can open the wallet without it, so the ways on are a backup
 * (recovery secret or guardians' shares), or starting again after erasing this browser's wallet,
 * confirmed by typing a word.
 */
import { useState } from 'preact/hooks';
import { Busy } from '../../components/busy.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { useAction } from '../../components/use-action.js';
import { t } from '../../i18n/i18n.js';
import { eraseEverything } from '../../session.js';
import { Setup } from '../locked.js';
import { Restore } from './restore.js';

type Way = 'choose' | 'secret' | 'guardians' | 'start-again' | 'new-wallet';

function StartAgain({ onErased, onBack }: { onErased: () => void; onBack: () => void }) {
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction();
  const word = t('recovery.confirmWord');
  const confirmed = typed.trim().toLocaleUpperCase() === word.toLocaleUpperCase();
  return (
    <section>
      <h1 tabIndex={-1}>{t('recovery.startAgain')}</h1>
      <p class="notice notice--warning" data-testid="start-again-warning">
        {t('recovery.startAgainWarning')}
      </p>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (confirmed)
            void run(t('app.working'), async () => (await eraseEverything(), onErased()));
        }}
      >
        <label>
          {t('recovery.confirmType', { word })}
          <input
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            data-testid="start-again-confirm"
          />
        </label>
        <ErrorNotice error={error} />
        <button
          type="submit"
          class="button button--danger"
          disabled={!confirmed || busy !== undefined}
          data-testid="start-again-erase"
        >
          {t('recovery.eraseButton')}
        </button>
        <Busy text={busy} />
      </form>
      <button type="button" class="button button--link" onClick={onBack}>
        {t('common.back')}
      </button>
    </section>
  );
}

export function ForgotPassphrase({ onBack }: { onBack: () => void }) {
  const [way, setWay] = useState<Way>('choose');
  const choose = () => setWay('choose');
  switch (way) {
    case 'secret':
      return <Restore onCancel={choose} />;
    case 'guardians':
      return <Restore onCancel={choose} guardians />;
    case 'start-again':
      return <StartAgain onErased={() => setWay('new-wallet')} onBack={choose} />;
    case 'new-wallet':
      // The old wallet is gone: from here on this browser is a new one.
      return <Setup onRestore={() => setWay('secret')} />;
    default:
      return (
        <section>
          <h1 tabIndex={-1}>{t('recovery.title')}</h1>
          <p>{t('recovery.intro')}</p>
          <div class="actions">
            <button
              type="button"
              class="button button--primary"
              onClick={() => setWay('secret')}
              data-testid="forgot-backup"
            >
              {t('recovery.useBackup')}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => setWay('guardians')}
              data-testid="forgot-guardians"
            >
              {t('recovery.useGuardians')}
            </button>
            <button
              type="button"
              class="button button--danger"
              onClick={() => setWay('start-again')}
              data-testid="forgot-start-again"
            >
              {t('recovery.startAgain')}
            </button>
          </div>
          <button type="button" class="button button--link" onClick={onBack}>
            {t('common.back')}
          </button>
        </section>
      );
  }
}
