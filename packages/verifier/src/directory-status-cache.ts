/** Node-only: a status cache in a folder (one file per list), e.g. synced from a USB stick. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CachedStatusList,
  decodeJwt,
  isPlainObject,
  SanadError,
  sha256,
  type StatusCache,
  tryParseJson,
  utf8,
} from '@sanad/core';
import { replaceFile } from '@sanad/core/node';

const fileName = (uri: string): string => `${Buffer.from(sha256(utf8(uri))).toString('hex')}.json`;

/**
 * @example
 * ```ts
 * const statusCache = createDirectoryStatusCache('clinic/status-cache')
 * ```
 */
export function createDirectoryStatusCache(dir: string): StatusCache {
  return {
    async get(uri) {
      let text: string;
      try {
        text = await readFile(join(dir, fileName(uri)), 'utf8');
      } catch {
        return undefined;
      }
      const entry = tryParseJson(text) as CachedStatusList | undefined;
      return entry &&
        entry.uri === uri &&
        typeof entry.token === 'string' &&
        typeof entry.fetchedAt === 'number'
        ? entry
        : undefined;
    },
    async put(entry) {
      try {
        await replaceFile(join(dir, fileName(entry.uri)), JSON.stringify(entry), 0o644);
      } catch (cause) {
        throw new SanadError('ERR_STORAGE', 'The status cache cannot be written.', { cause });
      }
    },
  };
}

/**
 * The URI a status list token is published at: `sub` of a statuslist+jwt, `jti` (or the
 * subject id without `#list`) of a Bitstring Status List VC-JWT.
 */
export function statusListUriOf(token: string): string {
  const text = token.trim();
  if (text.startsWith('{')) {
    // A BitstringStatusListCredential secured with Data Integrity: its `id` is where it lives.
    const credential = tryParseJson(text);
    if (isPlainObject(credential) && typeof credential.id === 'string') return credential.id;
    throw new SanadError(
      'ERR_STATUS_LIST_INVALID',
      'The status list credential does not say where it is published (no id).',
    );
  }
  const { header, payload } = decodeJwt(text);
  if (header.typ === 'statuslist+jwt' && typeof payload.sub === 'string') return payload.sub;
  const vc = payload.vc as { credentialSubject?: { id?: unknown } } | undefined;
  if (typeof payload.jti === 'string') return payload.jti;
  if (typeof vc?.credentialSubject?.id === 'string')
    return vc.credentialSubject.id.replace(/#list$/, '');
  throw new SanadError(
    'ERR_STATUS_LIST_INVALID',
    'The token does not say where its status list is published.',
  );
}

/**
 * Adds a status list token (from a file or a USB stick) to a cache, under its own URI.
 * Its signature is checked later, at verification, with the issuer's key.
 */
export async function importStatusList(
  cache: StatusCache,
  token: string,
  fetchedAt = Date.now(),
): Promise<string> {
  const uri = statusListUriOf(token);
  await cache.put({ uri, token: token.trim(), fetchedAt });
  return uri;
}
