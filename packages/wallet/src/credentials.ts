/** Checking a credential before it goes into the wallet, and describing it for the holder. */
import {
  type CheckedCredential,
  type CredentialTypeMetadata,
  type DidResolverOptions,
  formatOfCredential,
  isPlainObject,
} from '@sanad/core';

/**
 * Checks one credential of any registered format: well-formed, issuer signature (DID issuers),
 * valid disclosures, bound to a holder. The caller checks that the holder DID is one of the wallet's.
 */
export function checkCredential(raw: string, did?: DidResolverOptions): Promise<CheckedCredential> {
  const text = raw.trim();
  return formatOfCredential(text).check(text, did);
}

/** The label of a claim path in the holder's language (falls back to English, then the name). */
export function claimLabel(
  metadata: CredentialTypeMetadata | undefined,
  path: ReadonlyArray<string | number | null>,
  locale: string,
): string {
  const matches = (candidate: ReadonlyArray<string | number | null>) =>
    metadata?.claims?.find(
      (c) =>
        c.path.length === candidate.length &&
        c.path.every((p, i) => p === null || candidate[i] === null || p === candidate[i]),
    );
  // An array element without a label of its own takes the label of its array.
  let trimmed = [...path];
  while (trimmed.length > 1 && typeof trimmed.at(-1) !== 'string') trimmed = trimmed.slice(0, -1);
  const entry = matches(path) ?? matches(trimmed);
  const display = entry?.display ?? [];
  return (
    (display.find((d) => d.locale === locale) ?? display.find((d) => d.locale === 'en'))?.label ??
    trimmed.join('.')
  );
}

/** The credential type's name in the holder's language. */
export function typeName(
  metadata: CredentialTypeMetadata | undefined,
  fallback: string,
  locale: string,
): string {
  const display = metadata?.display ?? [];
  return (
    (display.find((d) => d.locale === locale) ?? display.find((d) => d.locale === 'en'))?.name ??
    metadata?.name ??
    fallback
  );
}

/** Every leaf claim path of a claims object (arrays as a whole). */
export function claimPaths(claims: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(claims).flatMap(([key, value]) =>
    isPlainObject(value) ? claimPaths(value, [...prefix, key]) : [[...prefix, key]],
  );
}
