import { useState } from 'preact/hooks';
import { useFocusOnMount } from '../focus.js';
import { t } from '../i18n.js';

export function SignIn({
  rejected,
  onSignIn,
}: {
  rejected: boolean;
  onSignIn: (token: string) => Promise<void>;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!token.trim()) return;
    setBusy(true);
    try {
      await onSignIn(token.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit}>
      <h2 ref={heading} tabIndex={-1}>
        {t('signIn.heading')}
      </h2>
      {rejected && (
        <p class="notice notice-error" role="alert">
          {t('signIn.rejected')}
        </p>
      )}
      <label for="desk-token">{t('signIn.token')}</label>
      <input
        id="desk-token"
        data-testid="desk-token"
        type="password"
        autocomplete="off"
        spellcheck={false}
        required
        value={token}
        aria-describedby="desk-token-hint"
        onInput={(e) => setToken(e.currentTarget.value)}
      />
      <p id="desk-token-hint" class="hint">
        {t('signIn.hint')}
      </p>
      <button type="submit" class="primary" data-testid="desk-sign-in" disabled={busy}>
        {t('signIn.submit')}
      </button>
    </form>
  );
}
