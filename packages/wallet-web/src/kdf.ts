import { SanadError } from '@sanad/core';
import type { Kdf } from '@sanad/wallet/vault';
import type { KdfReply, KdfRequest } from './kdf-worker.js';

/**
 * The wallet's KDF in a module Web Worker. One worker per derivation, ended as soon as it answers,
 * so its memory (19 MiB for Argon2id, 128 MiB for an older scrypt file) is given back at once.
 */
export const workerKdf: Kdf = (passphrase, salt, params) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./kdf-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<KdfReply>) => {
      worker.terminate();
      if ('key' in event.data) resolve(event.data.key);
      else
        reject(
          new SanadError('ERR_INTERNAL', 'The key derivation failed.', { cause: event.data.error }),
        );
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(
        new SanadError('ERR_INTERNAL', 'The key derivation worker failed.', {
          cause: event.message,
        }),
      );
    };
    worker.postMessage({ passphrase, salt, params } satisfies KdfRequest);
  });
