/**
 * Keys and signatures on WebCrypto (Node 20+ and browsers alike).
 *
 * Signing goes through the small {@link Signer} interface so an agency can put its issuer
 * key in an HSM or cloud KMS: Sanad only ever asks a signer for a raw JWS signature.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair as joseGenerateKeyPair, type JWK } from 'jose';
import { toBase64url, utf8 } from './encoding.js';
import { SanadError } from './errors.js';

export type { JWK } from 'jose';

/** The JWS algorithms Sanad signs and verifies with. ES256 (P-256) is the default. */
export type SignatureAlgorithm = 'ES256' | 'EdDSA';

export const SUPPORTED_ALGORITHMS: readonly SignatureAlgorithm[] = ['ES256', 'EdDSA'];

/** A signing key: produces raw JWS signatures (`r||s` for ES256) over the signing input. */
export interface Signer {
  readonly alg: SignatureAlgorithm;
  /** The public half, for `cnf.jwk`, DIDs and JWKS documents. */
  readonly publicJwk: JWK;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A freshly generated key pair as JWKs. Keep `privateJwk` secret. */
export interface KeyPair {
  alg: SignatureAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** The WebCrypto parameters for each JWS algorithm. */
function webCryptoParams(alg: SignatureAlgorithm): {
  import: EcKeyImportParams | Algorithm;
  sign: EcdsaParams | Algorithm;
} {
  switch (alg) {
    case 'ES256':
      return { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'EdDSA':
      return { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
  }
}

/** Asserts `alg` is one Sanad supports and returns it typed. */
export function assertAlgorithm(alg: unknown): SignatureAlgorithm {
  if (alg === 'ES256' || alg === 'EdDSA') return alg;
  throw new SanadError('ERR_UNSUPPORTED_ALGORITHM');
}

/** The JWS algorithm a JWK is for (P-256 -> ES256, Ed25519 -> EdDSA). */
export function algorithmOfJwk(jwk: JWK): SignatureAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new SanadError('ERR_UNSUPPORTED_ALGORITHM');
}

/** The public members of a JWK (drops `d` and any private or usage members). */
export function publicJwkOf(jwk: JWK): JWK {
  algorithmOfJwk(jwk);
  if (jwk.kty === 'EC') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/**
 * Generates a key pair for `alg` (default ES256).
 *
 * @example
 * ```ts
 * const { publicJwk, privateJwk } = await generateKeyPair('EdDSA')
 * ```
 */
export async function generateKeyPair(alg: SignatureAlgorithm = 'ES256'): Promise<KeyPair> {
  const { privateKey } = await joseGenerateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const privateJwk = await exportJWK(privateKey);
  return { alg, privateJwk, publicJwk: publicJwkOf(privateJwk) };
}

const publicKeyCache = new Map<string, Promise<CryptoKey>>();
const PUBLIC_KEY_CACHE_LIMIT = 1024;

/** Imports a public JWK once and reuses the CryptoKey: importing dominates verify cost otherwise. */
export function importPublicKey(jwk: JWK, alg: SignatureAlgorithm = algorithmOfJwk(jwk)): Promise<CryptoKey> {
  const pub = publicJwkOf(jwk);
  const cacheKey = `${alg}|${pub.crv}|${pub.x}|${pub.y ?? ''}`;
  let key = publicKeyCache.get(cacheKey);
  if (!key) {
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
    key = globalThis.crypto.subtle.importKey('jwk', pub as JsonWebKey, webCryptoParams(alg).import, false, ['verify']);
    key.catch(() => publicKeyCache.delete(cacheKey));
    publicKeyCache.set(cacheKey, key);
  }
  return key.catch((cause: unknown) => {
    throw new SanadError('ERR_INVALID_KEY', undefined, { cause });
  });
}

/**
 * A {@link Signer} backed by a private JWK held in memory.
 *
 * @example
 * ```ts
 * const signer = await signerFromJwk(privateJwk)
 * const jwt = await signJwt(signer, { typ: 'JWT' }, { sub: 'x' })
 * ```
 */
export async function signerFromJwk(privateJwk: JWK): Promise<Signer> {
  const alg = algorithmOfJwk(privateJwk);
  if (typeof privateJwk.d !== 'string') throw new SanadError('ERR_INVALID_KEY', 'The key has no private part.');
  const params = webCryptoParams(alg);
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey('jwk', privateJwk as JsonWebKey, params.import, false, ['sign']);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_KEY', undefined, { cause });
  }
  return {
    alg,
    publicJwk: publicJwkOf(privateJwk),
    async sign(data) {
      return new Uint8Array(await globalThis.crypto.subtle.sign(params.sign, key, data as BufferSource));
    },
  };
}

/** Verifies a raw JWS signature; false on mismatch, never throws for a bad signature. */
export async function verifySignature(
  publicJwk: JWK,
  alg: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (algorithmOfJwk(publicJwk) !== alg) return false;
  const key = await importPublicKey(publicJwk, alg);
  try {
    return await globalThis.crypto.subtle.verify(webCryptoParams(alg).sign, key, signature as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url). */
export function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(publicJwkOf(jwk), 'sha256');
}

/**
 * Signs a compact JWS with any {@link Signer}; `alg` is set from the signer.
 *
 * @example
 * ```ts
 * const jwt = await signJwt(signer, { typ: 'kb+jwt' }, { nonce, aud, iat, sd_hash })
 * ```
 */
export async function signJwt(
  signer: Signer,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const protectedHeader = toBase64url(JSON.stringify({ ...header, alg: signer.alg }));
  const body = toBase64url(JSON.stringify(payload));
  const signingInput = `${protectedHeader}.${body}`;
  const signature = await signer.sign(utf8(signingInput));
  return `${signingInput}.${toBase64url(signature)}`;
}
