/** Node-only: a nonce store in a JSON file, so `sanad verifier request` and `sanad verify` share it. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SanadError, tryParseJson } from '@sanad/core';
import type { NonceStore } from './nonce-store.js';

type NonceFile = { version: 1; nonces: Record<string, number> };

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
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.nonces.tmp`);
    await writeFile(temp, JSON.stringify(data));
    await rename(temp, path);
  };
  const sweep = (data: NonceFile, now: number): void => {
    for (const [n, exp] of Object.entries(data.nonces)) if (exp < now) delete data.nonces[n];
  };
  return {
    async issue(nonce, expiresAt) {
      const data = await load();
      sweep(data, Date.now() / 1000);
      data.nonces[nonce] = expiresAt;
      await save(data);
    },
    async consume(nonce, now) {
      const data = await load();
      const exp = Object.hasOwn(data.nonces, nonce) ? data.nonces[nonce] : undefined;
      if (exp === undefined) return false;
      delete data.nonces[nonce];
      await save(data);
      return exp >= now;
    },
    async peek(nonce, now) {
      const data = await load();
      const exp = Object.hasOwn(data.nonces, nonce) ? data.nonces[nonce] : undefined;
      return exp !== undefined && exp >= now;
    },
  };
}
