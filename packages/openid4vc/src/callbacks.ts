/**
 * The crypto callbacks the `@openid4vc/*` libraries ask for, implemented once on Sanad's keys,
 * DID resolver and `jose`, so the wallet (browser or Node) and the services share them.
 * Only ES256 and EdDSA signatures and ECDH-ES response encryption are accepted.
 */
import type { CallbackContext, Jwk, JwtSigner } from '@openid4vc/oauth2';
import { HashAlgorithm } from '@openid4vc/oauth2';
import {
  decodeJwt,
  type DidResolverOptions,
  type JWK,
  publicJwkOf,
  randomBytes,
  resolveDidKey,
  SanadError,
  type Signer,
  signJwt,
  verifyDecodedJwt,
} from '@sanad/core';
import {
  CompactEncrypt,
  type CompactJWEHeaderParameters,
  compactDecrypt,
  decodeProtectedHeader,
  importJWK,
} from 'jose';

export interface CallbackOptions {
  /** The key to sign with for a signer the library names (a DID URL or a JWK). */
  signerFor?: (jwtSigner: JwtSigner) => Signer | Promise<Signer>;
  /** The private key (JWK with `d`) for an encrypted response, by the `kid` in its header. */
  decryptionKeyFor?: (kid: string | undefined) => JWK | undefined | Promise<JWK | undefined>;
  did?: DidResolverOptions;
  /** Fetch for metadata, offers, requests and responses (default: guarded by the caller). */
  fetch?: typeof globalThis.fetch;
}

const KEY_ENCRYPTION = ['ECDH-ES'];
const CONTENT_ENCRYPTION = ['A128GCM', 'A256GCM'];

const DIGESTS: Record<HashAlgorithm, string> = {
  [HashAlgorithm.Sha256]: 'SHA-256',
  [HashAlgorithm.Sha384]: 'SHA-384',
  [HashAlgorithm.Sha512]: 'SHA-512',
};

/**
 * The X.509 code, loaded when a request first carries a certificate chain (a HAIP verifier's):
 * the wallet's first load stays without it. Kept once loaded: `import()` resolves again each call.
 */
let x509: typeof import('@sanad/core/x509') | undefined;

async function publicKeyOf(
  jwtSigner: JwtSigner,
  did: DidResolverOptions | undefined,
): Promise<JWK> {
  switch (jwtSigner.method) {
    case 'jwk':
      return jwtSigner.publicJwk as JWK;
    case 'did':
      return resolveDidKey(jwtSigner.didUrl, did);
    case 'x5c':
      // A HAIP verifier's request (x509_san_dns / x509_hash): the chain must hold in itself; the
      // library then binds the client id to the leaf's DNS name or hash. No anchor vouches here.
      x509 ??= await import('@sanad/core/x509');
      return (await x509.verifyCertificatePath(jwtSigner.x5c, Date.now() / 1000)).publicJwk;
    default:
      // Federation trust needs a trust chain resolver Sanad does not run; refuse rather than half-check.
      throw new SanadError(
        'ERR_UNSUPPORTED_ALGORITHM',
        `Signers identified by ${jwtSigner.method} are not supported.`,
      );
  }
}

/**
 * Builds the callback context for `Openid4vciClient`, `Openid4vciIssuer`, `Oauth2AuthorizationServer`,
 * `Openid4vpClient` and `Openid4vpVerifier`.
 *
 * @example
 * ```ts
 * const issuer = new Openid4vciIssuer({ callbacks: sanadCallbacks({ signerFor: () => issuerSigner }) })
 * ```
 */
export function sanadCallbacks(options: CallbackOptions = {}): CallbackContext {
  return {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    async hash(data, alg) {
      const name = DIGESTS[alg];
      if (!name) throw new SanadError('ERR_UNSUPPORTED_ALGORITHM');
      return new Uint8Array(await globalThis.crypto.subtle.digest(name, data as BufferSource));
    },
    generateRandom: (length) => randomBytes(length),
    async signJwt(jwtSigner, { header, payload }) {
      if (!options.signerFor)
        throw new SanadError('ERR_INVALID_KEY', 'No signing key is configured here.');
      const signer = await options.signerFor(jwtSigner);
      if (header.alg !== signer.alg)
        throw new SanadError(
          'ERR_UNSUPPORTED_ALGORITHM',
          `Asked to sign with ${header.alg}, the key is ${signer.alg}.`,
        );
      return { jwt: await signJwt(signer, header, payload), signerJwk: signer.publicJwk as Jwk };
    },
    async verifyJwt(jwtSigner, { compact }) {
      try {
        const publicJwk = await publicKeyOf(jwtSigner, options.did);
        await verifyDecodedJwt(decodeJwt(compact), publicJwk);
        return { verified: true, signerJwk: publicJwkOf(publicJwk) as Jwk };
      } catch {
        return { verified: false };
      }
    },
    async encryptJwe(encryptor, data) {
      if (!KEY_ENCRYPTION.includes(encryptor.alg) || !CONTENT_ENCRYPTION.includes(encryptor.enc)) {
        throw new SanadError(
          'ERR_UNSUPPORTED_ALGORITHM',
          `Response encryption ${encryptor.alg}/${encryptor.enc} is not supported.`,
        );
      }
      const key = await importJWK(encryptor.publicJwk as JWK, encryptor.alg);
      const header: CompactJWEHeaderParameters = { alg: encryptor.alg, enc: encryptor.enc };
      if (encryptor.publicJwk.kid) header.kid = encryptor.publicJwk.kid;
      if (encryptor.apu) header.apu = encryptor.apu;
      if (encryptor.apv) header.apv = encryptor.apv;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader(header)
        .encrypt(key);
      return { jwe, encryptionJwk: encryptor.publicJwk };
    },
    async decryptJwe(jwe) {
      try {
        const { kid } = decodeProtectedHeader(jwe);
        const privateJwk = await options.decryptionKeyFor?.(kid);
        if (!privateJwk) return { decrypted: false };
        const key = await importJWK(privateJwk, 'ECDH-ES');
        const { plaintext } = await compactDecrypt(jwe, key, {
          keyManagementAlgorithms: KEY_ENCRYPTION,
          contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
        });
        return {
          decrypted: true,
          decryptionJwk: publicJwkOf(privateJwk) as Jwk,
          payload: new TextDecoder().decode(plaintext),
        };
      } catch {
        return { decrypted: false };
      }
    },
    // Asked after the request object's signature, which loaded the X.509 code (see publicKeyOf).
    getX509CertificateMetadata(certificate) {
      if (!x509)
        throw new SanadError(
          'ERR_X509_CERTIFICATE_INVALID',
          'No certificate chain was checked first.',
        );
      const { dnsNames, uris } = x509.parseCertificate(certificate);
      return { sanDnsNames: dnsNames, sanUriNames: uris };
    },
    // Public clients: the pre-authorized code (and its PIN) is the grant; no client secret exists.
    clientAuthentication: () => undefined,
  };
}
