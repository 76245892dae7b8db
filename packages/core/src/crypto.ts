/**
 * The signature and hash primitives under everything else, behind one small interface.
 *
 * In Node, `node:crypto` KeyObjects verify synchronously: no promise, no hop to the thread pool,
 * which is most of what a WebCrypto verify costs on top of the mathematics. Browsers get
 * WebCrypto. The Node module is reached through `process.getBuiltinModule` (Node 20.16+), so
 * nothing here imports `node:crypto` and the core stays bundleable for the browser wallet.
 * A team with an HSM or a certified module installs its own provider with
 * {@link setCryptoProvider}.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { JWK } from 'jose';
import type { SignatureAlgorithm } from './keys.js';

/** Signs raw data with one imported private key (IEEE P1363 `r||s` for ES256). */
export type RawSign = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface CryptoProvider {
  readonly name: string;
  /** Checks a raw JWS signature with a public JWK; false on mismatch; throws for a key it cannot import. */
  verify(
    publicJwk: JWK,
    alg: SignatureAlgorithm,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** Imports a private JWK once; throws for a key it cannot import. */
  importSigner(privateJwk: JWK, alg: SignatureAlgorithm): Promise<RawSign>;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * base64url(SHA-256(UTF-8 of `text`)), when the provider has a one-shot path for it: every
   * disclosure digest and `sd_hash` is one, on every verify. Without it, {@link sha256} is used.
   */
  sha256Base64url?(text: string): string;
}

/**
 * Imported public keys, by algorithm and coordinates, least recently used out first: issuer keys
 * repeat on every check and stay; holder keys (one per credential copy) pass through.
 */
class KeyCache<K> {
  readonly #keys = new Map<string, K>();
  constructor(readonly limit = 1024) {}

  get(jwk: JWK, alg: SignatureAlgorithm, load: () => K): K {
    const id = `${alg}|${jwk.crv}|${jwk.x}|${jwk.y ?? ''}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = load();
      if (this.#keys.size >= this.limit) this.#keys.delete(this.#keys.keys().next().value!);
    } else {
      this.#keys.delete(id);
    }
    this.#keys.set(id, key);
    return key;
  }

  delete(jwk: JWK, alg: SignatureAlgorithm): void {
    this.#keys.delete(`${alg}|${jwk.crv}|${jwk.x}|${jwk.y ?? ''}`);
  }
}

/** The public members of an EC or OKP key, and only those that are present (`d` and usage members dropped). */
export function publicMembers(jwk: JWK): JWK & JsonWebKey {
  const members: JWK & JsonWebKey = {};
  for (const name of jwk.kty === 'EC' ? EC_PUBLIC : OKP_PUBLIC)
    if (jwk[name] !== undefined) members[name] = jwk[name];
  return members;
}
const EC_PUBLIC = ['kty', 'crv', 'x', 'y'] as const;
const OKP_PUBLIC = ['kty', 'crv', 'x'] as const;

const WEB_PARAMS = {
  ES256: {
    import: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
} as const;

/** WebCrypto (browsers, Deno, Node): asynchronous, hashing by @noble/hashes. */
export function webCryptoProvider(subtle: SubtleCrypto = globalThis.crypto.subtle): CryptoProvider {
  const cache = new KeyCache<Promise<CryptoKey>>();
  return {
    name: 'webcrypto',
    async verify(publicJwk, alg, data, signature) {
      const key = cache.get(publicJwk, alg, () =>
        subtle.importKey('jwk', publicMembers(publicJwk), WEB_PARAMS[alg].import, false, [
          'verify',
        ]),
      );
      let imported: CryptoKey;
      try {
        imported = await key;
      } catch (cause) {
        cache.delete(publicJwk, alg);
        throw cause;
      }
      try {
        return await subtle.verify(
          WEB_PARAMS[alg].sign,
          imported,
          signature as BufferSource,
          data as BufferSource,
        );
      } catch {
        return false;
      }
    },
    async importSigner(privateJwk, alg) {
      const key = await subtle.importKey(
        'jwk',
        privateJwk as JsonWebKey,
        WEB_PARAMS[alg].import,
        false,
        ['sign'],
      );
      return async (data) =>
        new Uint8Array(await subtle.sign(WEB_PARAMS[alg].sign, key, data as BufferSource));
    },
    sha256: (data) => nobleSha256(data),
  };
}

/** The slice of `node:crypto` used here (typed locally: the core has no Node types). */
interface NodeCrypto {
  createPublicKey(input: { key: { [member: string]: unknown }; format: 'jwk' }): unknown;
  createPrivateKey(input: { key: { [member: string]: unknown }; format: 'jwk' }): unknown;
  verify(algorithm: string | null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
  sign(algorithm: string | null, data: Uint8Array, key: unknown): Uint8Array;
  createHash(name: string): { update(data: Uint8Array): { digest(): Uint8Array } };
  /** One-shot digest (every Node Sanad supports): no Hash object, no UTF-8 copy of the text. */
  hash(algorithm: string, data: string, outputEncoding: 'base64url'): string;
}

/** `node:crypto` KeyObjects: synchronous and about twice as fast per verify as WebCrypto in Node. */
export function nodeCryptoProvider(nodeCrypto: NodeCrypto): CryptoProvider {
  const cache = new KeyCache<unknown>();
  const digestOf = (alg: SignatureAlgorithm): string | null => (alg === 'ES256' ? 'sha256' : null);
  return {
    name: 'node:crypto',
    verify(publicJwk, alg, data, signature) {
      const key = cache.get(publicJwk, alg, () =>
        nodeCrypto.createPublicKey({ key: { ...publicMembers(publicJwk) }, format: 'jwk' }),
      );
      try {
        return nodeCrypto.verify(
          digestOf(alg),
          data,
          alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
          signature,
        );
      } catch {
        return false;
      }
    },
    async importSigner(privateJwk, alg) {
      const key = nodeCrypto.createPrivateKey({ key: { ...privateJwk }, format: 'jwk' });
      const options = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
      return (data) => new Uint8Array(nodeCrypto.sign(digestOf(alg), data, options));
    },
    sha256: (data) => new Uint8Array(nodeCrypto.createHash('sha256').update(data).digest()),
    sha256Base64url: (text) => nodeCrypto.hash('sha256', text, 'base64url'),
  };
}

function detectProvider(): CryptoProvider {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process?.getBuiltinModule;
  const nodeCrypto =
    typeof getBuiltin === 'function'
      ? (getBuiltin('node:crypto') as NodeCrypto | undefined)
      : undefined;
  return nodeCrypto ? nodeCryptoProvider(nodeCrypto) : webCryptoProvider();
}

let provider: CryptoProvider | undefined;

/** The provider in use: `node:crypto` in Node, WebCrypto elsewhere, unless one was set. */
export function cryptoProvider(): CryptoProvider {
  return (provider ??= detectProvider());
}

/**
 * Replaces the provider for the whole process (an HSM-backed or certified module, or WebCrypto
 * in Node to compare). Returns the previous one.
 *
 * @example
 * ```ts
 * setCryptoProvider(webCryptoProvider())
 * ```
 */
export function setCryptoProvider(next: CryptoProvider): CryptoProvider {
  const previous = cryptoProvider();
  provider = next;
  return previous;
}
