/** did:jwk: the identifier is the base64url of the public JWK itself. */
import {
  fromBase64url,
  fromUtf8,
  isPlainObject,
  parseJsonBounded,
  toBase64url,
} from '../encoding.js';
import { SanadError } from '../errors.js';
import { type JWK, publicJwkOf } from '../keys.js';

/**
 * The did:jwk identifier of a public JWK (only public members are encoded).
 *
 * @example
 * ```ts
 * const did = didJwkFromJwk(signer.publicJwk) // 'did:jwk:eyJ...'
 * ```
 */
export function didJwkFromJwk(jwk: JWK): string {
  return `did:jwk:${toBase64url(JSON.stringify(publicJwkOf(jwk)))}`;
}

/** The public JWK of a did:jwk identifier; refuses JWKs carrying a private part. */
export function jwkFromDidJwk(did: string): JWK {
  const id = did.startsWith('did:jwk:')
    ? (did.slice('did:jwk:'.length).split('#')[0] as string)
    : '';
  let jwk: unknown;
  try {
    jwk = parseJsonBounded(fromUtf8(fromBase64url(id)));
  } catch (cause) {
    throw new SanadError('ERR_DID_INVALID', undefined, { cause });
  }
  if (!isPlainObject(jwk) || 'd' in jwk) throw new SanadError('ERR_DID_INVALID');
  return publicJwkOf(jwk as JWK);
}
