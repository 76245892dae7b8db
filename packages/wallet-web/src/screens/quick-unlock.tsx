/** Quick unlock: a 6-digit PIN or a passkey on the locked screen, and turning them on in Settings. */
import { useEffect, useState } from 'preact/hooks';
import { isSanadError } from '@sanad/core';
import { Busy } from '../components/busy.js';
import { ErrorNotice } from '../components/error-notice.js';
import { useAction } from '../components/use-action.js';
import { t } from '../i18n/i18n.js';
import { flash } from '../navigation.js';
import { unlockWithKey, wallet } from '../session.js';
import {
  enablePasskey,
  enablePin,
  passkeySupported,
  PIN_PATTERN,
  type QuickMethod,
  quickMethods,
  removeQuickUnlock,
  unlockWithPasskey,
  unlockWithPin,
} from '../storage/quick-unlock.js';

/** The quick unlocks this device has, re-read when `version` changes; undefined while reading. */
export function useQuickMethods(version = 0): QuickMethod[] | undefined {
  const [methods, setMethods] = useState<QuickMethod[]>();
  useEffect(() => {
    void quickMethods().then(setMethods, () => setMethods([]));
  }, [version]);
  return methods;
}

/** Opens the wallet with a kept key; a key from before a passphrase change is dropped. */
async function openWithKept(
  sessionKey: Uint8Array,
  fallBack: (message: string) => void,
): Promise<void> {
  try {
    await unlockWithKey(sessionKey);
  } catch (err) {
    if (!isSanadError(err) || err.code !== 'ERR_WALLET_WRONG_PASSPHRASE') throw err;
    await removeQuickUnlock();
    fallBack('unlock.quickStale');
  }
}

const pinInput = (
  value: string,
  set: (v: string) => void,
  testId: string,
  autocomplete = 'off',
) => (
  <input
    type="password"
    inputMode="numeric"
    pattern="[0-9]{6}"
    maxLength={6}
    autocomplete={autocomplete}
    required
    value={value}
    onInput={(e) => set(e.currentTarget.value.replace(/\D/g, ''))}
    data-testid={testId}
  />
);

export function QuickUnlock({
  methods,
  onUsePassphrase,
}: {
  methods: QuickMethod[];
  onUsePassphrase: () => void;
}) {
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  const fallBack = (message: string) => {
    flash.value = message;
    onUsePassphrase();
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('unlock.title')}</h1>
      {methods.includes('pin') && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(t('unlock.pinWorking'), async () => {
              const outcome = await unlockWithPin(pin);
              setPin('');
              if ('sessionKey' in outcome) return openWithKept(outcome.sessionKey, fallBack);
              if ('erased' in outcome) return fallBack('unlock.pinErased');
              setProblem(t('unlock.pinWrong', { tries: outcome.triesLeft }));
            });
          }}
        >
          {/* biome-ignore lint/a11y/noLabelWithoutControl: pinInput() renders the input inside */}
          <label>
            {t('unlock.pin')}
            {pinInput(pin, setPin, 'quick-pin-input')}
          </label>
          {problem && (
            <p class="notice notice--error" role="alert" data-testid="quick-pin-problem">
              {problem}
            </p>
          )}
          <button
            type="submit"
            class="button button--primary"
            disabled={busy !== undefined}
            data-testid="quick-pin-submit"
          >
            {t('unlock.submit')}
          </button>
        </form>
      )}
      {methods.includes('passkey') && (
        <button
          type="button"
          class="button"
          disabled={busy !== undefined}
          data-testid="quick-passkey-unlock"
          onClick={() =>
            void run(t('unlock.passkeyWorking'), async () => {
              const sessionKey = await unlockWithPasskey();
              if (sessionKey) return openWithKept(sessionKey, fallBack);
              setProblem(t('unlock.passkeyFailed'));
            })
          }
        >
          {t('unlock.passkey')}
        </button>
      )}
      <ErrorNotice error={error} />
      <Busy text={busy} />
      <button
        type="button"
        class="button button--link"
        onClick={onUsePassphrase}
        data-testid="quick-use-passphrase"
      >
        {t('unlock.usePassphrase')}
      </button>
    </section>
  );
}

/** Settings: turn the PIN or the passkey on (with the open wallet's key) or off. */
export function QuickUnlockSettings() {
  const [version, setVersion] = useState(0);
  const methods = useQuickMethods(version);
  const [passkeyOffered, setPasskeyOffered] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  useEffect(
    () => void passkeySupported().then(setPasskeyOffered, () => setPasskeyOffered(false)),
    [],
  );
  const changed = (message: string) => {
    setVersion(version + 1);
    flash.value = message;
  };
  if (methods === undefined) return null;
  return (
    <>
      <h2>{t('unlock.quickTitle')}</h2>
      <p>{t('unlock.quickHint')}</p>
      {methods.includes('pin') && <p data-testid="quick-pin-on">{t('unlock.pinOn')}</p>}
      {methods.includes('passkey') && <p data-testid="quick-passkey-on">{t('unlock.passkeyOn')}</p>}
      {choosing ? (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!PIN_PATTERN.test(pin)) return setProblem(t('unlock.pinFormat'));
            if (pin !== confirm) return setProblem(t('unlock.pinMismatch'));
            setProblem(undefined);
            void run(t('app.working'), async () => {
              await enablePin(pin, wallet.value!.exportSessionKey());
              setPin('');
              setConfirm('');
              setChoosing(false);
              changed('unlock.pinSaved');
            });
          }}
        >
          {/* biome-ignore lint/a11y/noLabelWithoutControl: pinInput() renders the input inside */}
          <label>
            {t('unlock.pinNew')}
            {pinInput(pin, setPin, 'quick-pin-new', 'new-password')}
          </label>
          {/* biome-ignore lint/a11y/noLabelWithoutControl: pinInput() renders the input inside */}
          <label>
            {t('unlock.pinConfirm')}
            {pinInput(confirm, setConfirm, 'quick-pin-confirm', 'new-password')}
          </label>
          {problem && (
            <p class="notice notice--error" role="alert">
              {problem}
            </p>
          )}
          <button
            type="submit"
            class="button button--primary"
            disabled={busy !== undefined}
            data-testid="quick-pin-save"
          >
            {t('unlock.pinSave')}
          </button>
        </form>
      ) : (
        <button
          type="button"
          class="button"
          disabled={busy !== undefined}
          onClick={() => setChoosing(true)}
          data-testid="quick-pin-enable"
        >
          {t(methods.includes('pin') ? 'unlock.pinChange' : 'unlock.pinEnable')}
        </button>
      )}
      {passkeyOffered && !methods.includes('passkey') && (
        <button
          type="button"
          class="button"
          disabled={busy !== undefined}
          data-testid="quick-passkey-enable"
          onClick={() =>
            void run(
              t('app.working'),
              async () => (
                await enablePasskey(wallet.value!.exportSessionKey(), t('app.title')),
                changed('unlock.passkeySaved')
              ),
            )
          }
        >
          {t('unlock.passkeyEnable')}
        </button>
      )}
      {methods.length > 0 && (
        <button
          type="button"
          class="button"
          disabled={busy !== undefined}
          data-testid="quick-off"
          onClick={() =>
            void run(
              t('app.working'),
              async () => (await removeQuickUnlock(), changed('unlock.quickOffDone')),
            )
          }
        >
          {t('unlock.quickOff')}
        </button>
      )}
      <ErrorNotice error={error} />
      <Busy text={busy} />
    </>
  );
}
