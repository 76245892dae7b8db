/**
 * Who is asking, according to the verifier registry the wallet carries (not the name a request
 * gives itself), and which asked claims go beyond what the verifier is registered for.
 */
import { beyondRegistration, type VerifierRegistry } from '@sanad/core';

/** A claim path as shared in a proposal. */
type SharedClaim = { path: Array<string | number | null>; label: string };

/** What the registry says about a verifier, for the consent step. */
export type VerifierRegistration =
  | {
      status: 'registered';
      /** Its registered name in the holder's language. */
      name: string;
      /** What it is registered for, in the holder's language. */
      purposes: string[];
      /** The claims this request asks beyond the registration, per credential query. */
      overAsked: Array<{ queryId: string } & SharedClaim>;
    }
  /** The registry does not list it (or its registration is not valid today). */
  | { status: 'not-registered' }
  /** The registry the wallet holds has expired: it can no longer say who is registered. */
  | { status: 'registry-expired'; expiredAt: string }
  /** The wallet holds no registry. */
  | { status: 'no-registry' };

/** A text given in several languages, in the holder's: else English, else the first given. */
export const localized = (text: Record<string, string>, locale: string): string =>
  text[locale] ?? text.en ?? Object.values(text)[0] ?? '';

/** The registration of `clientId` at `now`, with what `items` ask beyond it. */
export function registrationOf(
  registry: VerifierRegistry | undefined,
  clientId: string,
  items: ReadonlyArray<{ queryId: string; credentialType: string; shared: SharedClaim[] }>,
  locale: string,
  now: number,
): VerifierRegistration {
  if (registry === undefined) return { status: 'no-registry' };
  if (registry.expired(now))
    return { status: 'registry-expired', expiredAt: registry.document.expires_at! };
  const entry = registry.find(clientId, now);
  if (!entry) return { status: 'not-registered' };
  const overAsked = items.flatMap((item) => {
    const beyond = new Set(
      beyondRegistration(
        entry,
        item.credentialType,
        item.shared.map((s) => s.path),
      ),
    );
    return item.shared
      .filter((s) => beyond.has(s.path))
      .map((s) => ({ queryId: item.queryId, ...s }));
  });
  return {
    status: 'registered',
    name: localized(entry.names, locale),
    purposes: entry.purposes.map((p) => localized(p, locale)),
    overAsked,
  };
}
