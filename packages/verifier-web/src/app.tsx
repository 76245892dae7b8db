/**
 * The verifier desk: sign in with the operator token, pick what to check, show the request's
 * QR code, read the outcome the verifier service decided. The token lives in sessionStorage
 * only, so it is gone when the tab closes.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, operatorApi, type Preset, type Session, type SessionView } from './api.js';
import { lang, languages, setLanguage, t } from './i18n.js';
import { Presets } from './screens/presets.js';
import { Result } from './screens/result.js';
import { SignIn } from './screens/sign-in.js';
import { Waiting } from './screens/waiting.js';

const TOKEN_KEY = 'sanad-desk-token';

type Screen =
  | { name: 'sign-in'; rejected: boolean }
  | { name: 'presets' }
  | { name: 'waiting'; preset: Preset; session: Session; offline: boolean }
  | { name: 'result'; view: SessionView };

/** The desk's languages, each named in itself; the choice re-renders the app through `onChange`. */
function LanguagePicker({ onChange }: { onChange: (code: string) => void }) {
  return (
    <select
      class="language"
      value={lang}
      aria-label={t('language')}
      data-testid="desk-language"
      onChange={(e) => (setLanguage(e.currentTarget.value), onChange(e.currentTarget.value))}
    >
      {languages.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.name}
        </option>
      ))}
    </select>
  );
}

export function App() {
  const [, setShownLanguage] = useState(lang);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const api = useMemo(() => operatorApi(token), [token]);
  const [screen, setScreen] = useState<Screen>(
    token ? { name: 'presets' } : { name: 'sign-in', rejected: false },
  );
  const [presets, setPresets] = useState<Preset[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const signOut = (rejected: boolean): void => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken('');
    setPresets(undefined);
    setScreen({ name: 'sign-in', rejected });
  };

  const fail = (err: unknown): void => {
    if (err instanceof ApiError && err.status === 401) {
      signOut(true);
      return;
    }
    setError(
      err instanceof ApiError && err.status === 0
        ? t('error.network')
        : t('error.service', { detail: err instanceof Error ? err.message : String(err) }),
    );
  };

  // A token kept from earlier in this tab: check it by loading the presets.
  useEffect(() => {
    if (token && !presets) api.presets().then(setPresets, fail);
  }, [token]);

  const signIn = async (candidate: string): Promise<void> => {
    setError(undefined);
    try {
      const list = await operatorApi(candidate).presets();
      sessionStorage.setItem(TOKEN_KEY, candidate);
      setPresets(list);
      setToken(candidate);
      setScreen({ name: 'presets' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401)
        setScreen({ name: 'sign-in', rejected: true });
      else fail(err);
    }
  };

  const start = async (preset: Preset, offline: boolean): Promise<void> => {
    setError(undefined);
    setBusy(true);
    try {
      setScreen({
        name: 'waiting',
        preset,
        session: await api.createSession(preset.id, offline),
        offline,
      });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  /** Leaves a waiting session: it is deleted at once rather than left to expire. */
  const leave = (session: Session): void => {
    api.forget(session.session_id).catch(() => undefined);
  };

  const toPresets = (): void => {
    setError(undefined);
    setScreen({ name: 'presets' });
  };

  return (
    <>
      <header class="bar">
        <h1>{t('title')}</h1>
        <LanguagePicker onChange={setShownLanguage} />
        {token && (
          <button type="button" class="quiet" onClick={() => signOut(false)}>
            {t('signOut')}
          </button>
        )}
      </header>
      <main>
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {screen.name === 'sign-in' && <SignIn rejected={screen.rejected} onSignIn={signIn} />}
        {screen.name === 'presets' && presets && (
          <Presets presets={presets} busy={busy} onPick={(preset) => void start(preset, false)} />
        )}
        {screen.name === 'waiting' && (
          <Waiting
            key={screen.session.session_id}
            api={api}
            preset={screen.preset}
            session={screen.session}
            offline={screen.offline}
            onResult={(view) => setScreen({ name: 'result', view })}
            onNoNetwork={() => {
              leave(screen.session);
              void start(screen.preset, true);
            }}
            onRestart={() => void start(screen.preset, screen.offline)}
            onCancel={() => {
              leave(screen.session);
              toPresets();
            }}
            onError={fail}
          />
        )}
        {screen.name === 'result' && <Result view={screen.view} onNext={toPresets} />}
      </main>
    </>
  );
}
