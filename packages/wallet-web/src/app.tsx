/** The wallet app: locked screens until the passphrase opens the wallet, then the holder's screens. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { holderScreens, loadHolderScreens, loadInBackground } from './background-load.js';
import { Busy } from './components/busy.js';
import { languages, language, setLanguage, t } from './i18n/i18n.js';
import { flash, focusHeading, go, linkFromLocation, screen, type Screen } from './navigation.js';
import { Restore, Setup, Unlock } from './screens/locked.js';
import { lock, wallet, walletStorage } from './session.js';

/** Locks after this long without a touch or a key: a phone left on a table does not stay open. */
const IDLE_LOCK_MS = 5 * 60_000;

function useIdleLock(): void {
  const open = wallet.value !== undefined;
  useEffect(() => {
    if (!open) return;
    let timer = setTimeout(lock, IDLE_LOCK_MS);
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(lock, IDLE_LOCK_MS);
    };
    const events = ['pointerdown', 'keydown'] as const;
    for (const e of events) addEventListener(e, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of events) removeEventListener(e, reset);
    };
  }, [open]);
}

function LanguagePicker() {
  return (
    <label class="language">
      <span class="visually-hidden">{t('common.language')}</span>
      <select
        value={language.value}
        onChange={(e) => setLanguage(e.currentTarget.value)}
        data-testid="language"
        aria-label={t('common.language')}
      >
        {languages.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The holder's screens, or a busy line in the rare case the wallet opened before they arrived. */
function Unlocked() {
  const screens = holderScreens.value;
  useEffect(() => {
    if (!screens) void loadHolderScreens().catch(() => undefined);
  }, [screens]);
  return screens ? <screens.Unlocked /> : <Busy text={t('app.working')} />;
}

/**
 * The one place focus follows the screen: after every change of what is shown (a screen, create,
 * unlock, lock, restore, erase) focus goes to the new heading. Not on first load, where the
 * holder starts at the top of the page.
 */
function useFocusOnScreenChange(shown: Screen | string | undefined): void {
  const first = useRef(true);
  useEffect(() => {
    if (shown === undefined) return;
    if (first.current) first.current = false;
    else focusHeading();
  }, [shown]);
}

export function App() {
  void language.value;
  const [stored, setStored] = useState<boolean>();
  const [restoring, setRestoring] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  useIdleLock();

  useEffect(() => {
    const link = linkFromLocation();
    if (link) screen.value = link;
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => (removeEventListener('online', update), removeEventListener('offline', update));
  }, []);
  // Whether this browser holds a wallet decides between "create" and "unlock".
  useEffect(() => {
    if (wallet.value === undefined) void walletStorage().then((s) => s.exists().then(setStored));
    else setRestoring(false);
  }, [wallet.value]);

  // Once the first screen is on show, not before: evaluating the protocol libraries blocks a slow CPU for a while.
  useEffect(() => {
    if (stored !== undefined) loadInBackground();
  }, [stored]);

  const open = wallet.value !== undefined;
  useFocusOnScreenChange(
    open
      ? screen.value
      : stored === undefined
        ? undefined
        : restoring
          ? 'restore'
          : stored
            ? 'unlock'
            : 'setup',
  );
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="bar">
        <button
          type="button"
          class="bar__title"
          onClick={() => open && go({ name: 'home' })}
          disabled={!open}
        >
          {t('app.title')}
        </button>
        <LanguagePicker />
        {open && (
          <button
            type="button"
            class="button button--small"
            onClick={() => void lock()}
            data-testid="lock"
          >
            {t('common.lock')}
          </button>
        )}
      </header>
      {!online && (
        <p class="notice notice--warning" role="status" data-testid="offline-banner">
          {t('app.offline')}
        </p>
      )}
      <main id="main">
        {flash.value && (
          <p class="notice notice--ok" role="status" data-testid="flash">
            {t(flash.value)}
          </p>
        )}
        {open ? (
          <Unlocked />
        ) : stored === undefined ? null : restoring ? (
          <Restore onCancel={() => setRestoring(false)} />
        ) : stored ? (
          <Unlock />
        ) : (
          <Setup onRestore={() => setRestoring(true)} />
        )}
      </main>
    </>
  );
}
