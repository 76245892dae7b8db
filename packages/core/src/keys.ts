/**
 * Keys and signatures, through the {@link CryptoProvider} (node:crypto in Node, WebCrypto in browsers).
 *
 * Signing goes through the small {@link Signer} interface so an agency can put its issuer
 * key in an HSM or cloud KMS: Sanad only ever asks a signer for a raw JWS signature.
 */
// jose's subpaths, not its index: the index loads every JWE and JWT module too, at every start-up.
import { exportJWK } from 'jose/key/export';
import { generateKeyPair as joseGenerateKeyPair } from 'jose/key/generate/keypair';
import { calculateJwkThumbprint } from 'jose/jwk/thumbprint';
import type { JWK } from 'jose';
import { cryptoProvider, publicMembers, type RawSign } from './crypto.js';
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
  return publicMembers(jwk);
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
  const { privateKey } = await joseGenerateKeyPair(
    alg,
    alg === 'EdDSA' ? { extractable: true, crv: 'Ed25519' } : { extractable: true },
  );
  const privateJwk = await exportJWK(privateKey);
  return { alg, privateJwk, publicJwk: publicJwkOf(privateJwk) };
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
  if (typeof privateJwk.d !== 'string')
    throw new SanadError('ERR_INVALID_KEY', 'The key has no private part.');
  let sign: RawSign;
  try {
    sign = await cryptoProvider().importSigner(privateJwk, alg);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_KEY', undefined, { cause });
  }
  return { alg, publicJwk: publicJwkOf(privateJwk), sign: async (data) => sign(data) };
}

/** Verifies a raw JWS signature; false on mismatch, never throws for a bad signature. */
export async function verifySignature(
  publicJwk: JWK,
  alg: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (algorithmOfJwk(publicJwk) !== alg) return false;
  let verified: boolean | Promise<boolean>;
  try {
    verified = cryptoProvider().verify(publicJwk, alg, data, signature);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_KEY', undefined, { cause });
  }
  // Synchronous providers (node:crypto) answer without a promise round trip.
  if (typeof verified === 'boolean') return verified;
  return verified.catch((cause: unknown) => {
    throw new SanadError('ERR_INVALID_KEY', undefined, { cause });
  });
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
