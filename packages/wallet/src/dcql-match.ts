/**
 * DCQL matching of stored credentials, through the `dcql` library.
 *
 * dcql 3.0.0 merges claim values with plain property reads, so a claim value holding a member
 * named like an `Object.prototype` property (`__proto__` makes it throw, `toString` makes it miss
 * the match; both legal JSON, kept as plain data by Sanad) breaks matching, and one such
 * credential in the wallet would stop every request from matching. Keys are therefore escaped
 * the same way in the credential view and in the query paths (a bijection, so matching is
 * unchanged), and each credential is evaluated on its own so that a credential the library
 * cannot evaluate only fails to match itself.
 */
import { DcqlQuery } from 'dcql';
import { formatOf } from '@sanad/core';
import type { StoredCredential } from './document.js';

const ESCAPE = '\u0000';

/** Names of `Object.prototype` members and names already starting with the escape character get one more: injective. */
const escapeKey = (key: string): string =>
  key in Object.prototype || key.startsWith(ESCAPE) ? ESCAPE + key : key;

function escapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(escapeKeys);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    Object.defineProperty(copy, escapeKey(key), {
      value: escapeKeys(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

function escapeQuery(query: DcqlQuery): DcqlQuery {
  const credentials = query.credentials.map((q) => ({
    ...q,
    claims: q.claims?.map((claim) =>
      'path' in claim && Array.isArray(claim.path)
        ? {
            ...claim,
            path: claim.path.map((p: unknown) => (typeof p === 'string' ? escapeKey(p) : p)),
          }
        : claim,
    ),
  }));
  return { ...query, credentials } as DcqlQuery;
}

/** The credential as DCQL sees it: its format, type and claims (keys escaped). */
const dcqlView = (c: StoredCredential): Record<string, unknown> =>
  formatOf(c.format).dcqlView({
    credentialType: c.credentialType,
    claims: escapeKeys(c.claims) as Record<string, unknown>,
  });

/** For each credential query, the ids of the stored credentials that can answer it, in wallet order. */
export function matchCredentials(
  query: DcqlQuery,
  credentials: readonly StoredCredential[],
): Array<{ queryId: string; credentialIds: string[] }> {
  const escaped = escapeQuery(query);
  const matching = new Map<string, string[]>(query.credentials.map((q) => [q.id, []]));
  for (const credential of credentials) {
    let result: ReturnType<typeof DcqlQuery.query>;
    try {
      result = DcqlQuery.query(escaped, [dcqlView(credential)] as never);
    } catch {
      continue; // The library could not evaluate this credential: it answers nothing.
    }
    for (const q of query.credentials)
      if (result.credential_matches[q.id]?.success) matching.get(q.id)!.push(credential.id);
  }
  return query.credentials.map((q) => ({ queryId: q.id, credentialIds: matching.get(q.id)! }));
}
