/** SHA-256, synchronous (SD-JWT digests, sd_hash, key thumbprints), through the crypto provider. */
import { cryptoProvider } from './crypto.js';
import { utf8 } from './encoding.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return cryptoProvider().sha256(typeof data === 'string' ? utf8(data) : data);
}
