/** Before the wallet is open: create it, unlock it (or find a way on without the passphrase), or restore it from a backup. */
import { useState } from 'preact/hooks';
import { MIN_PASSPHRASE_LENGTH } from '@sanad/wallet/vault';
import { Busy } from '../components/busy.js';
import { ErrorNotice } from '../components/error-notice.js';
import { t } from '../i18n/i18n.js';
import { create, unlock } from '../session.js';
import { useAction } from '../components/use-action.js';
import { QuickUnlock, useQuickMethods } from './quick-unlock.js';
import { ForgotPassphrase } from './recovery/forgot.js';

export { Restore } from './recovery/restore.js';

export function Setup({ onRestore }: { onRestore: () => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    if (passphrase.length < MIN_PASSPHRASE_LENGTH)
      return setProblem(t('setup.tooShort', { min: MIN_PASSPHRASE_LENGTH }));
    if (passphrase !== confirm) return setProblem(t('setup.mismatch'));
    setProblem(undefined);
    void run(t('setup.working'), () => create(passphrase));
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('setup.title')}</h1>
      <p>{t('setup.intro')}</p>
      <form onSubmit={submit} class="form">
        <label>
          {t('common.passphrase')}
          <input
            type="password"
            autocomplete="new-password"
            required
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="setup-passphrase"
            aria-describedby="setup-hint"
          />
        </label>
        <p id="setup-hint" class="hint">
          {t('setup.hint', { min: MIN_PASSPHRASE_LENGTH })}
        </p>
        <label>
          {t('setup.confirm')}
          <input
            type="password"
            autocomplete="new-password"
            required
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
            data-testid="setup-confirm"
          />
        </label>
        {problem && (
          <p class="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <ErrorNotice error={error} />
        <button
          type="submit"
          class="button button--primary"
          disabled={busy !== undefined}
          data-testid="setup-create"
        >
          {t('setup.create')}
        </button>
        <Busy text={busy} />
      </form>
      <button type="button" class="button button--link" onClick={onRestore}>
        {t('setup.restoreInstead')}
      </button>
    </section>
  );
}

export function Unlock() {
  const [passphrase, setPassphrase] = useState('');
  const [forgot, setForgot] = useState(false);
  const { busy, error, run } = useAction();
  const quick = useQuickMethods();
  const [passphraseChosen, setPassphraseChosen] = useState(false);
  if (forgot) return <ForgotPassphrase onBack={() => setForgot(false)} />;
  if (quick === undefined) return null;
  if (quick.length > 0 && !passphraseChosen)
    return <QuickUnlock methods={quick} onUsePassphrase={() => setPassphraseChosen(true)} />;
  return (
    <section>
      <h1 tabIndex={-1}>{t('unlock.title')}</h1>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(t('unlock.working'), async () => {
            await unlock(passphrase);
            setPassphrase('');
          });
        }}
      >
        <label>
          {t('common.passphrase')}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="unlock-passphrase"
          />
        </label>
        <ErrorNotice error={error} />
        <button
          type="submit"
          class="button button--primary"
          disabled={busy !== undefined}
          data-testid="unlock-submit"
        >
          {t('unlock.submit')}
        </button>
        <Busy text={busy} />
      </form>
      <button
        type="button"
        class="button button--link"
        onClick={() => setForgot(true)}
        data-testid="unlock-forgot"
      >
        {t('recovery.forgot')}
      </button>
    </section>
  );
}
