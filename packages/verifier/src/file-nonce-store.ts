/**
 * Node-only: a nonce store in a JSON file, so `sanad verifier request` and `sanad verify` share
 * it. Each change holds a lock file, so two `sanad verify` processes answering with the same
 * nonce at once cannot both accept it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SanadError, tryParseJson } from '@sanad/core';
import { replaceFile, tryLockFile } from '@sanad/core/node';
import type { NonceStore } from './nonce-store.js';

type NonceFile = { version: 1; nonces: Record<string, number> };

/** How long a change waits for another process to finish with the file before giving up. */
const LOCK_WAIT_MS = 10_000;

/** Runs `fn` holding `<path>.lock`, waiting while another process holds it. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  for (let waited = 0; ; waited += 5) {
    let lock;
    try {
      lock = await tryLockFile(`${path}.lock`);
    } catch (cause) {
      throw new SanadError('ERR_STORAGE', 'The nonce store lock cannot be created.', { cause });
    }
    if (!('heldBy' in lock)) {
      try {
        return await fn();
      } finally {
        await lock.release();
      }
    }
    if (waited >= LOCK_WAIT_MS)
      throw new SanadError(
        'ERR_STORAGE',
        'The nonce store is busy: another process holds its lock.',
      );
    await sleep(5);
  }
}

/**
 * @example
 * ```ts
 * const nonceStore = createFileNonceStore('clinic/nonces.json')
 * ```
 */
export function createFileNonceStore(path: string): NonceStore {
  const load = async (): Promise<NonceFile> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, nonces: {} };
      throw new SanadError('ERR_STORAGE', 'The nonce store cannot be read.', { cause: err });
    }
    const data = tryParseJson(text) as NonceFile | undefined;
    if (data?.version !== 1 || typeof data.nonces !== 'object' || data.nonces === null)
      throw new SanadError('ERR_STORAGE', 'The nonce store file is damaged.');
    return data;
  };
  const save = async (data: NonceFile): Promise<void> => {
    try {
      await replaceFile(path, JSON.stringify(data), 0o600);
    } catch (cause) {
      throw new SanadError('ERR_STORAGE', 'The nonce store cannot be written.', { cause });
    }
  };
  const sweep = (data: NonceFile, now: number): void => {
    for (const [n, exp] of Object.entries(data.nonces)) if (exp < now) delete data.nonces[n];
  };
  return {
    issue: (nonce, expiresAt) =>
      withLock(path, async () => {
        const data = await load();
        sweep(data, Date.now() / 1000);
        data.nonces[nonce] = expiresAt;
        await save(data);
      }),
    // Read, delete and write back under the lock: of concurrent consumers, exactly one gets true.
    consume: (nonce, now) =>
      withLock(path, async () => {
        const data = await load();
        const exp = Object.hasOwn(data.nonces, nonce) ? data.nonces[nonce] : undefined;
        if (exp === undefined) return false;
        delete data.nonces[nonce];
        await save(data);
        return exp >= now;
      }),
    async peek(nonce, now) {
      const data = await load();
      const exp = Object.hasOwn(data.nonces, nonce) ? data.nonces[nonce] : undefined;
      return exp !== undefined && exp >= now;
    },
  };
}
