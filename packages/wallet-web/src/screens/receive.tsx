/** Receiving a credential from an OpenID4VCI offer: scan or paste, then the PIN if the offer has one. */
import { useEffect, useState } from 'preact/hooks';
import type { TxCodePrompt } from '@sanad/wallet';
import { Busy } from '../components/busy.js';
import { ErrorNotice, errorMessage } from '../components/error-notice.js';
import { LinkForm } from '../components/link-form.js';
import { ModalDialog } from '../components/modal-dialog.js';
import { tIsolated } from '../components/claim-value.js';
import { useAction } from '../components/use-action.js';
import { language, t } from '../i18n/i18n.js';
import { go } from '../navigation.js';
import { protocolFetch, touched, wallet } from '../session.js';

interface PendingCode {
  prompt: TxCodePrompt;
  answer: (code: string | undefined) => void;
}

export function Receive({ link: initial }: { link?: string | undefined }) {
  const [done, setDone] = useState<{ name: string; issuer: string }>();
  const [pending, setPending] = useState<PendingCode>();
  const { busy, error, run } = useAction();

  const receive = (offer: string) =>
    run(t('receive.working'), async () => {
      setDone(undefined);
      const summary = await wallet.value!.receive(offer, {
        fetch: protocolFetch,
        copies: 3,
        txCode: (prompt) =>
          new Promise<string>((resolve, reject) => {
            setPending({
              prompt,
              answer: (code) => (
                setPending(undefined),
                code === undefined
                  ? reject(Object.assign(new Error('cancelled'), { code: 'ERR_TX_CODE_REQUIRED' }))
                  : resolve(code)
              ),
            });
          }),
      });
      touched();
      // The card is listed in the holder's language, not the one the offer was made in.
      const card = wallet.value!.list(language.value).find((c) => c.id === summary.id);
      setDone({ name: card?.name ?? summary.name, issuer: card?.issuerName ?? summary.issuer });
    });

  useEffect(() => {
    if (initial) void receive(initial);
  }, []);

  return (
    <section>
      <h1 tabIndex={-1}>{t('receive.title')}</h1>
      <p>{t('receive.intro')}</p>
      <LinkForm
        initial={initial}
        label={t('receive.link')}
        submitLabel={t('receive.submit')}
        busy={busy !== undefined}
        testId={{ input: 'receive-link', submit: 'receive-submit' }}
        onLink={(link) => void receive(link)}
      />
      {pending && <TxCodeDialog pending={pending} />}
      <Busy text={pending ? undefined : busy} />
      <ErrorNotice error={error} />
      {done && (
        <p class="notice notice--ok" role="status" data-testid="receive-done">
          {tIsolated('receive.done', done)}
        </p>
      )}
      <button
        type="button"
        class="button"
        onClick={() => go({ name: 'home' })}
        data-testid="back-home"
      >
        {t('common.back')}
      </button>
    </section>
  );
}

/**
 * The PIN hint in the holder's language. OpenID4VCI's `tx_code.description` is one string (at most
 * 300 characters) in a language it does not name — the sandbox's is English — so the wallet says
 * it in its own words instead, with the length when the offer gives it.
 */
function pinHint(prompt: TxCodePrompt): string {
  if (prompt.length === undefined) return t('txcode.hint');
  return t(prompt.inputMode === 'text' ? 'txcode.hintCharacters' : 'txcode.hintDigits', {
    length: prompt.length,
  });
}

function TxCodeDialog({ pending }: { pending: PendingCode }) {
  const [code, setCode] = useState('');
  const [malformed, setMalformed] = useState(false);
  const numeric = pending.prompt.inputMode !== 'text';
  // A typo in the length or a letter in a numeric code must not cost one of the offer's few tries.
  const fits = (typed: string) =>
    (pending.prompt.length === undefined || typed.length === pending.prompt.length) &&
    (!numeric || /^[0-9]+$/.test(typed));
  return (
    <ModalDialog labelledBy="txcode-title" onCancel={() => pending.answer(undefined)}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (fits(code.trim())) pending.answer(code.trim());
          else setMalformed(true);
        }}
      >
        <h2 id="txcode-title">{t('txcode.title')}</h2>
        <p data-testid="txcode-hint">{pinHint(pending.prompt)}</p>
        <label>
          {t('txcode.label')}
          <input
            type="text"
            inputMode={numeric ? 'numeric' : 'text'}
            pattern={numeric ? '[0-9]*' : undefined}
            maxLength={pending.prompt.length}
            autocomplete="one-time-code"
            autofocus
            required
            dir="ltr"
            value={code}
            onInput={(e) => (setCode(e.currentTarget.value), setMalformed(false))}
            aria-invalid={malformed || undefined}
            aria-describedby={malformed ? 'txcode-problem' : undefined}
            data-testid="txcode-input"
          />
        </label>
        {malformed && (
          <p
            id="txcode-problem"
            class="notice notice--error"
            role="alert"
            data-testid="txcode-problem"
          >
            {errorMessage({
              code: 'ERR_TX_CODE_MALFORMED',
              ...(pending.prompt.length !== undefined
                ? { details: { length: pending.prompt.length } }
                : {}),
            })}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="button button--primary" data-testid="txcode-submit">
            {t('txcode.submit')}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => pending.answer(undefined)}
            data-testid="txcode-cancel"
          >
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
