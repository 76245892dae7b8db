/**
 * did:key for P-256 and Ed25519 (W3C CCG did:key method, multicodec + base58btc).
 * P-256 keys use the compressed point form, as the specification and its test vectors do.
 */
import { p256 } from '@noble/curves/nist.js';
import { base58 } from '@scure/base';
import { fromBase64url, toBase64url } from '../encoding.js';
import { SanadError } from '../errors.js';
import { algorithmOfJwk, type JWK } from '../keys.js';

/** Multicodec prefixes (unsigned varint) of the public key types did:key carries here. */
const ED25519_PUB = Uint8Array.of(0xed, 0x01);
const P256_PUB = Uint8Array.of(0x80, 0x24);

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The did:key identifier of a public JWK.
 *
 * @example
 * ```ts
 * didKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: '...' }) // 'did:key:z6Mk...'
 * ```
 */
export function didKeyFromJwk(jwk: JWK): string {
  const alg = algorithmOfJwk(jwk);
  let body: Uint8Array;
  if (alg === 'EdDSA') {
    body = concat(ED25519_PUB, fromBase64url(jwk.x ?? ''));
  } else {
    const x = fromBase64url(jwk.x ?? '');
    const y = fromBase64url(jwk.y ?? '');
    const uncompressed = new Uint8Array(65);
    uncompressed[0] = 0x04;
    uncompressed.set(x, 1);
    uncompressed.set(y, 33);
    const point = p256.Point.fromBytes(uncompressed);
    body = concat(P256_PUB, point.toBytes(true));
  }
  return `did:key:z${base58.encode(body)}`;
}

/** The multibase (`z...`) method-specific identifier of a did:key. */
export function didKeyMultibase(did: string): string {
  if (!did.startsWith('did:key:z')) throw new SanadError('ERR_DID_INVALID');
  return did.slice('did:key:'.length).split('#')[0] as string;
}

/**
 * The key type and multicodec bytes of a did:key, checked for shape (base58btc, a supported key
 * type, the right length) but not for the point being on its curve: cheap enough to check every
 * issuer of a large trust list. Throws `ERR_DID_INVALID` with the reason, or
 * `ERR_DID_METHOD_UNSUPPORTED` for a key type Sanad does not verify.
 */
/**
 * Whether a did:key holds a BLS12-381 G2 public key (multicodec 0xeb, 96 bytes): a BBS issuer's
 * (bbs-2023). It verifies Data Integrity proofs only; {@link decodeDidKey} refuses it.
 */
export function isBls12381G2DidKey(did: string): boolean {
  if (!did.startsWith('did:key:z')) return false;
  try {
    const bytes = base58.decode(did.slice('did:key:z'.length));
    return bytes[0] === 0xeb && bytes[1] === 0x01 && bytes.length === 98;
  } catch {
    return false;
  }
}

export function decodeDidKey(did: string): { type: 'Ed25519' | 'P-256'; bytes: Uint8Array } {
  const id = did.startsWith('did:key:')
    ? (did.slice('did:key:'.length).split('#')[0] as string)
    : '';
  if (!id.startsWith('z'))
    throw new SanadError(
      'ERR_DID_INVALID',
      'A did:key is "did:key:z" followed by a base58btc key.',
    );
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(id.slice(1));
  } catch (cause) {
    throw new SanadError(
      'ERR_DID_INVALID',
      'A did:key holds base58btc characters only (no 0, O, I or l).',
      { cause },
    );
  }
  if (startsWith(bytes, ED25519_PUB)) {
    if (bytes.length !== 34)
      throw new SanadError('ERR_DID_INVALID', 'An Ed25519 did:key holds 32 key bytes.');
    return { type: 'Ed25519', bytes };
  }
  if (startsWith(bytes, P256_PUB)) {
    if (bytes.length !== 35 || (bytes[2] !== 0x02 && bytes[2] !== 0x03))
      throw new SanadError('ERR_DID_INVALID', 'A P-256 did:key holds a 33-byte compressed point.');
    return { type: 'P-256', bytes };
  }
  throw new SanadError(
    'ERR_DID_METHOD_UNSUPPORTED',
    'Only Ed25519 and P-256 did:key identifiers are supported.',
  );
}

/** The public JWK a did:key identifier encodes. Throws `ERR_DID_INVALID` on anything else. */
export function jwkFromDidKey(did: string): JWK {
  const { type, bytes } = decodeDidKey(did);
  if (type === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519', x: toBase64url(bytes.slice(2)) };
  try {
    const raw = p256.Point.fromBytes(bytes.slice(2)).toBytes(false);
    return {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64url(raw.slice(1, 33)),
      y: toBase64url(raw.slice(33, 65)),
    };
  } catch (cause) {
    throw new SanadError('ERR_DID_INVALID', 'The did:key does not hold a valid P-256 point.', {
      cause,
    });
  }
}
