/** SHA-256, synchronous (SD-JWT digests, sd_hash, key thumbprints), through the crypto provider. */
import { cryptoProvider } from './crypto.js';
import { toBase64url, utf8 } from './encoding.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return cryptoProvider().sha256(typeof data === 'string' ? utf8(data) : data);
}

/** base64url(SHA-256(UTF-8 of `text`)): the form of every SD-JWT digest and `sd_hash`. */
export function sha256Base64url(text: string): string {
  const provider = cryptoProvider();
  return provider.sha256Base64url
    ? provider.sha256Base64url(text)
    : toBase64url(provider.sha256(utf8(text)));
}
