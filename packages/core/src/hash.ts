/** SHA-256, synchronous and browser-safe (SD-JWT digests, sd_hash, key thumbprints). */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './encoding.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return nobleSha256(typeof data === 'string' ? utf8(data) : data);
}
