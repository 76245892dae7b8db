/** did:web resolution (placeholder until the guarded fetch lands; see resolve.ts). */
import type { DIDDocument } from 'did-resolver';
import { SanadError } from '../errors.js';

export interface DidWebOptions {
  /** Allow http, loopback, private and link-local addresses (tests and closed networks only). */
  allowInsecure?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
}

export async function resolveDidWeb(_did: string, _options: DidWebOptions = {}): Promise<DIDDocument> {
  throw new SanadError('ERR_DID_METHOD_UNSUPPORTED');
}
