/** did:web resolution (W3C CCG did:web method) through the guarded fetch. */
import type { DIDDocument } from 'did-resolver';
import { fromUtf8, isPlainObject, tryParseJson } from '../encoding.js';
import { SanadError } from '../errors.js';
import { createGuardedFetch, type GuardedFetchOptions } from '../net/guarded-fetch.js';

/** `allowInsecure` permits http and internal addresses: tests and closed networks only. */
export type DidWebOptions = Pick<
  GuardedFetchOptions,
  'allowInsecure' | 'timeoutMs' | 'maxBytes' | 'fetch' | 'resolveHost'
>;

/**
 * The URL of a did:web document: `did:web:example.com` -> `https://example.com/.well-known/did.json`,
 * `did:web:example.com:user:alice` -> `https://example.com/user/alice/did.json`.
 */
export function didWebUrl(did: string, allowInsecure = false): string {
  const match = /^did:web:([^:#?/]+)((?::[^:#?/]+)*)$/.exec(did);
  if (!match) throw new SanadError('ERR_DID_INVALID');
  const host = decodeURIComponent(match[1]!);
  if (/[/@\s]/.test(host)) throw new SanadError('ERR_DID_INVALID');
  const path = match[2]
    ? `${match[2].split(':').filter(Boolean).map(decodeURIComponent).join('/')}/did.json`
    : '.well-known/did.json';
  // http is only for loopback test servers, and only when the caller allows insecure fetches.
  const scheme = allowInsecure && /^(127\.|localhost|\[::1\])/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}/${path}`;
}

/**
 * Resolves a did:web DID. The document's `id` must be the DID itself.
 *
 * @example
 * ```ts
 * const doc = await resolveDidWeb('did:web:agency.example', { resolveHost: nodeHostResolver })
 * ```
 */
export async function resolveDidWeb(
  did: string,
  options: DidWebOptions = {},
): Promise<DIDDocument> {
  const get = createGuardedFetch({
    ...options,
    headers: { accept: 'application/did+json, application/json' },
  });
  const response = await get(didWebUrl(did, options.allowInsecure));
  if (response.status !== 200)
    throw new SanadError(
      'ERR_DID_RESOLUTION_FAILED',
      `The DID document server answered ${response.status}.`,
    );
  const doc = tryParseJson(fromUtf8(response.body));
  if (!isPlainObject(doc))
    throw new SanadError('ERR_DID_RESOLUTION_FAILED', 'The DID document is not a JSON object.');
  if (doc.id !== did)
    throw new SanadError(
      'ERR_DID_RESOLUTION_FAILED',
      'The DID document id is not the requested DID.',
    );
  return doc as unknown as DIDDocument;
}
