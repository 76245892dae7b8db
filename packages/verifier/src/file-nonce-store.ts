/**
 * Node-only: a nonce store in a JSON file, so `sanad verifier request` and `sanad verify` share
 * it. Each change holds a lock file, so two `sanad verify` processes answering with the same
 * nonce at once cannot both accept it.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SanadError, tryParseJson } from '@sanad/core';
import { isProcessAlive, replaceFile } from '@sanad/core/node';
import type { NonceStore } from './nonce-store.js';

type NonceFile = { version: 1; nonces: Record<string, number> };

/** How long a change waits for another process to finish with the file before giving up. */
const LOCK_WAIT_MS = 10_000;

/** Runs `fn` holding `<path>.lock` (created exclusively; a lock left by a dead process is taken over). */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let waited = 0; ; waited += 5) {
    try {
      const handle = await open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SanadError('ERR_STORAGE', 'The nonce store lock cannot be created.', { cause: err });
      const owner = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      // An empty file is a lock being written right now; a dead owner's lock is stale.
      if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) await unlink(lockPath).catch(() => undefined);
      else if (waited >= LOCK_WAIT_MS) throw new SanadError('ERR_STORAGE', 'The nonce store is busy: another process holds its lock.');
      else await sleep(5);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
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
    if (!data || data.version !== 1 || typeof data.nonces !== 'object' || data.nonces === null) throw new SanadError('ERR_STORAGE', 'The nonce store file is damaged.');
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
