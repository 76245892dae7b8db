/**
 * Answering a verifier: open its signed request (scan or paste), show the consent screen — who
 * asks, why, each fact that would go and each that would not — then send, decline, or, for a
 * verifier without network, show the answer as QR codes (one, or a short cycling sequence).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { encodeOfflinePresentation } from '@sanad/core';
import type { OpenedRequest, PresentationProposal } from '@sanad/wallet';
import { Busy } from '../components/busy.js';
import { claimValue, tIsolated } from '../components/claim-value.js';
import { ErrorNotice } from '../components/error-notice.js';
import { QrSequence } from '../components/qr-sequence.js';
import { needsShareAnyway, ShareWarnings } from '../components/status-badge.js';
import { LinkForm } from '../components/link-form.js';
import { shortId } from '../components/short-id.js';
import {
  CredentialDisclosed,
  OverAskedFlag,
  VerifierRegistration,
  verifierLabel,
} from '../components/verifier-registration.js';
import { useAction } from '../components/use-action.js';
import { language, t } from '../i18n/i18n.js';
import { go } from '../navigation.js';
import { protocolFetch, touched, wallet } from '../session.js';
import { verifierRegistry } from '../verifier-registry.js';

type Stage =
  | { step: 'open' }
  | { step: 'consent'; opened: OpenedRequest; proposal: PresentationProposal }
  | { step: 'done'; message: ComponentChildren }
  | { step: 'offline'; code: string };

export function Present({ link: initial }: { link?: string | undefined }) {
  const [stage, setStage] = useState<Stage>({ step: 'open' });
  const { busy, error, run } = useAction();

  const open = (uri: string) =>
    run(t('present.working'), async () => {
      const opened = await wallet.value!.openRequest(uri, { fetch: protocolFetch });
      setStage({
        step: 'consent',
        opened,
        proposal: wallet.value!.propose(opened.request, {
          locale: language.value,
          registry: await verifierRegistry(),
        }),
      });
      queueMicrotask(() =>
        document.querySelector<HTMLElement>('[data-testid="consent"] h2')?.focus(),
      );
    });
  useEffect(() => {
    if (initial) void open(initial);
  }, []);

  if (stage.step === 'consent') {
    const { opened, proposal } = stage;
    const verifier = verifierLabel(proposal.verifier);
    const answer = (approve: boolean) =>
      run(t('consent.sending'), async () => {
        const w = wallet.value!;
        const result = await w.respond(opened, w.decide(proposal, { approve }), {
          fetch: protocolFetch,
        });
        touched();
        setStage({
          step: 'done',
          message: result.shared ? tIsolated('consent.sent', { verifier }) : t('consent.declined'),
        });
        if (result.redirectUri) location.assign(result.redirectUri);
      });
    const offline = () =>
      run(t('app.working'), async () => {
        const w = wallet.value!;
        const response = await w.present(w.decide(proposal, { approve: true }));
        touched();
        const presentations = Object.values(response.vp_token).flat();
        setStage({ step: 'offline', code: encodeOfflinePresentation(presentations[0]!) });
      });
    return (
      <section data-testid="consent">
        <h1 tabIndex={-1}>{t('present.title')}</h1>
        <h2 tabIndex={-1}>
          {proposal.verifier.registration.status === 'registered'
            ? tIsolated('consent.title', { verifier })
            : t('consent.titleUnregistered')}
        </h2>
        <VerifierRegistration verifier={proposal.verifier} />
        <p class="hint opaque" data-testid="consent-verifier-id" title={proposal.verifier.clientId}>
          {tIsolated('consent.verifierId', { id: shortId(proposal.verifier.clientId) })}
        </p>
        <p data-testid="consent-purpose">
          {tIsolated('consent.purpose', { purpose: proposal.purpose })}
        </p>
        {proposal.items.map((item) => {
          const values = new Map(
            wallet
              .value!.show(item.credentialId, language.value)
              .claims.map((c) => [c.path.join('.'), c.value]),
          );
          return (
            <div class="consent__item" key={item.queryId}>
              <h3>{tIsolated('consent.from', { name: item.credentialName })}</h3>
              <CredentialDisclosed item={item} />
              {item.sharesEverything && (
                <p class="notice notice--warning">{t('consent.everything')}</p>
              )}
              <h4>{t('consent.shared')}</h4>
              <ul class="consent__shared" data-testid="consent-shared">
                {item.shared.map((s) => {
                  const key = s.path.join('.');
                  return (
                    <li key={key} data-claim={key}>
                      <strong>
                        <bdi>{s.label}</bdi>
                      </strong>
                      {values.has(key) && (
                        <>
                          {': '}
                          <bdi class="claim-value">{claimValue(values.get(key), s.path)}</bdi>
                        </>
                      )}
                      <OverAskedFlag verifier={proposal.verifier} item={item} path={s.path} />
                    </li>
                  );
                })}
              </ul>
              {item.withheld.length > 0 && (
                <>
                  <h4>{t('consent.notShared')}</h4>
                  <ul class="consent__withheld" data-testid="consent-withheld">
                    {item.withheld.map((label) => (
                      <li key={label}>
                        <bdi>{label}</bdi>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {!item.freshCopy && <p class="notice notice--warning">{t('consent.linkable')}</p>}
              <ShareWarnings credentialId={item.credentialId} />
            </div>
          );
        })}
        <ErrorNotice error={error} />
        <div class="actions">
          <button
            type="button"
            class="button button--primary"
            disabled={busy !== undefined}
            onClick={() => void answer(true)}
            data-testid="consent-share"
            data-anyway={needsShareAnyway(proposal) || undefined}
          >
            {needsShareAnyway(proposal) ? t('card.shareAnyway') : t('consent.share')}
          </button>
          <button
            type="button"
            class="button"
            disabled={busy !== undefined}
            onClick={() => void answer(false)}
            data-testid="consent-decline"
          >
            {t('consent.decline')}
          </button>
        </div>
        <button
          type="button"
          class="button button--link"
          disabled={busy !== undefined}
          onClick={() => void offline()}
          data-testid="consent-offline"
        >
          {t('consent.offline')}
        </button>
        <Busy text={busy} />
      </section>
    );
  }

  return (
    <section>
      <h1 tabIndex={-1}>{t('present.title')}</h1>
      {stage.step === 'done' && (
        <p class="notice notice--ok" role="status" data-testid="present-done">
          {stage.message}
        </p>
      )}
      {stage.step === 'offline' ? (
        <div data-testid="offline" data-code={stage.code}>
          <h2>{t('offline.title')}</h2>
          <p>{t('offline.hint')}</p>
          <QrSequence text={stage.code} label={t('offline.title')} />
        </div>
      ) : (
        <>
          <p>{t('present.intro')}</p>
          <LinkForm
            initial={initial}
            label={t('present.link')}
            submitLabel={t('present.open')}
            busy={busy !== undefined}
            testId={{ input: 'present-link', submit: 'present-open' }}
            onLink={(link) => void open(link)}
          />
          <Busy text={busy} />
          <ErrorNotice error={error} />
        </>
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
