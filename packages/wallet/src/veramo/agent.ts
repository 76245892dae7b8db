/**
 * The wallet's Veramo agent: key manager (local KMS) and DID manager (did:key), with stores
 * inside the encrypted wallet document. Signing for KB-JWTs and VP-JWTs goes through it.
 */
import { p256 } from '@noble/curves/nist.js';
import { createAgent, type IDIDManager, type IKeyManager, type TAgent } from '@veramo/core';
import { DIDManager } from '@veramo/did-manager';
import { KeyDIDProvider } from '@veramo/did-provider-key';
import { KeyManager } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import {
  didKeyFromJwk,
  didKeyMultibase,
  fromBase64url,
  type HolderKey,
  jwkFromDidKey,
  SanadError,
  type SignatureAlgorithm,
  type Signer,
  toBase64url,
} from '@sanad/core';
import {
  type DocumentAccess,
  WalletDidStore,
  WalletKeyStore,
  WalletPrivateKeyStore,
} from './stores.js';

export type WalletAgent = TAgent<IKeyManager & IDIDManager>;

/** Builds the agent over the wallet document. */
export function createWalletAgent(access: DocumentAccess): WalletAgent {
  return createAgent<IKeyManager & IDIDManager>({
    plugins: [
      new KeyManager({
        store: new WalletKeyStore(access),
        kms: { local: new KeyManagementSystem(new WalletPrivateKeyStore(access)) },
      }),
      new DIDManager({
        store: new WalletDidStore(access),
        defaultProvider: 'did:key',
        providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) },
      }),
    ],
  });
}

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A fresh holder key and its did:key. Ed25519 goes through Veramo's did:key provider;
 * Veramo 7's provider has no P-256 codec, so a P-256 key is generated here and its
 * did:key (computed by Sanad core) is imported into the DID manager, which hands the key to
 * the key manager.
 */
export async function createHolderKey(
  agent: WalletAgent,
  alg: SignatureAlgorithm,
): Promise<HolderKey> {
  if (alg === 'EdDSA') {
    const identifier = await agent.didManagerCreate({
      provider: 'did:key',
      kms: 'local',
      options: { keyType: 'Ed25519' },
    });
    return { did: identifier.did, jwk: jwkFromDidKey(identifier.did) };
  }
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64url(point.slice(1, 33)),
    y: toBase64url(point.slice(33, 65)),
  };
  const did = didKeyFromJwk(jwk);
  const publicKeyHex = hex(p256.getPublicKey(secret, true));
  // The key manager imports the key into the local KMS (private store) and the key store.
  await agent.didManagerImport({
    did,
    provider: 'did:key',
    controllerKeyId: publicKeyHex,
    keys: [
      {
        kid: publicKeyHex,
        kms: 'local',
        type: 'Secp256r1',
        publicKeyHex,
        privateKeyHex: hex(secret),
      },
    ],
    services: [],
  });
  return { did, jwk: jwkFromDidKey(did) };
}

/** A core `Signer` whose signatures come from the agent's key manager. */
export async function agentSigner(
  agent: WalletAgent,
  did: string,
): Promise<Signer & { kid: string }> {
  let identifier;
  try {
    identifier = await agent.didManagerGet({ did });
  } catch (cause) {
    throw new SanadError('ERR_INVALID_KEY', 'This wallet holds no key for that DID.', { cause });
  }
  const key = identifier.keys[0];
  if (!key) throw new SanadError('ERR_INVALID_KEY', 'This wallet holds no key for that DID.');
  const alg: SignatureAlgorithm = key.type === 'Ed25519' ? 'EdDSA' : 'ES256';
  return {
    alg,
    publicJwk: jwkFromDidKey(did),
    kid: `${did}#${didKeyMultibase(did)}`,
    async sign(data) {
      // kms-local returns a base64url JWS signature (r||s for ES256).
      const signature = await agent.keyManagerSign({
        keyRef: key.kid,
        data: hex(data),
        encoding: 'hex',
        algorithm: alg,
      });
      return fromBase64url(signature);
    },
  };
}
