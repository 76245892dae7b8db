/**
 * Who is asking, on the consent screen: the verifier's registered name and purposes from the
 * verifier registry, or a warning that nobody has confirmed who it is (its own name shown only
 * as what it calls itself); and the flag on each claim asked beyond its registration.
 */
import type { PresentationProposal, ProposalItem } from '@sanad/wallet';
import { formatDate, language, t } from '../i18n/i18n.js';
import { shortId } from './short-id.js';

type Verifier = PresentationProposal['verifier'];

const list = (items: string[]): string =>
  new Intl.ListFormat(language.value, { type: 'conjunction' }).format(items);

/** The verifier as the consent screen names it: its registered name, else its identifier. */
export const verifierLabel = (verifier: Verifier): string =>
  verifier.registration.status === 'registered'
    ? verifier.registration.name
    : shortId(verifier.clientId);

export function VerifierRegistration({ verifier }: { verifier: Verifier }) {
  const { registration } = verifier;
  if (registration.status === 'registered') {
    return (
      <>
        <p class="notice notice--ok" data-testid="consent-registration" data-status="registered">
          {t('consent.registered', {
            name: registration.name,
            purposes: list(registration.purposes),
          })}
        </p>
        {registration.overAsked.length > 0 && (
          <p class="notice notice--warning" role="alert" data-testid="consent-over-asked">
            {t('consent.overAskedWarning', {
              claims: list(registration.overAsked.map((o) => o.label)),
            })}
          </p>
        )}
      </>
    );
  }
  const warning =
    registration.status === 'registry-expired'
      ? t('consent.registryExpired', { date: formatDate(registration.expiredAt) })
      : t(registration.status === 'no-registry' ? 'consent.noRegistry' : 'consent.notRegistered');
  return (
    <>
      <p
        class="notice notice--warning"
        role="alert"
        data-testid="consent-registration"
        data-status={registration.status}
      >
        {warning}
      </p>
      {verifier.name !== undefined && (
        <p data-testid="consent-calls-itself">
          {t('consent.callsItself', { name: verifier.name })}
        </p>
      )}
    </>
  );
}

/** The flag beside a claim the verifier is not registered to ask for; nothing otherwise. */
export function OverAskedFlag({
  verifier,
  item,
  path,
}: {
  verifier: Verifier;
  item: ProposalItem;
  path: ProposalItem['shared'][number]['path'];
}) {
  const { registration } = verifier;
  if (
    registration.status !== 'registered' ||
    !registration.overAsked.some((o) => o.queryId === item.queryId && o.path === path)
  )
    return null;
  return (
    <span class="flag flag--warning" data-testid="consent-over-asked-claim">
      {t('consent.overAsked')}
    </span>
  );
}

/** What the verifier learns besides the claims: which credential the holder has, and from whom. */
export function CredentialDisclosed({ item }: { item: ProposalItem }) {
  return (
    <p data-testid="consent-learns">
      {t('consent.learns', {
        type: item.credentialName,
        issuer: item.issuer.name ?? shortId(item.issuer.id),
      })}
    </p>
  );
}
