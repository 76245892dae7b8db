/**
 * The wallet's key derivation, off the page's thread: Argon2id (or scrypt for an older file) takes
 * seconds on a cheap phone, during which the page must keep drawing and counting idle time.
 */
import { browserKdf, type KdfParams } from '@sanad/wallet/vault';

export interface KdfRequest {
  passphrase: string;
  salt: Uint8Array;
  params: KdfParams;
}

export type KdfReply = { key: Uint8Array } | { error: string };

addEventListener('message', (event: MessageEvent<KdfRequest>) => {
  const { passphrase, salt, params } = event.data;
  browserKdf(passphrase, salt, params).then(
    (key) => postMessage({ key } satisfies KdfReply),
    (err: unknown) =>
      postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies KdfReply),
  );
});
