/**
 * A BBS (BLS12-381 G2) issuer key for `bbs-2023` credentials, through Digital Bazaar's Multikey
 * library. Its identifier is its own did:key (`did:key:zUC7…`): a BBS key signs no JWT, so it
 * stands beside the register's JWT key rather than replacing it.
 */
/// <reference path="../../core/src/formats/ldp-vc/vendor.d.ts" />
import { isPlainObject, SanadError } from '@sanad/core';
import type { BbsIssuerKey } from './issuer.js';

/** The secret half as kept on disk (0600): Multikey multibase strings. */
export interface BbsKeyFile {
  type: 'sanad-bbs-key';
  version: 1;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

const bls = () => import('@digitalbazaar/bls12-381-multikey');

async function keyOf(pair: {
  publicKeyMultibase: string;
  signer(): { algorithm: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> };
}): Promise<BbsIssuerKey> {
  const issuerId = `did:key:${pair.publicKeyMultibase}`;
  const kid = `${issuerId}#${pair.publicKeyMultibase}`;
  const signer = pair.signer();
  return {
    issuerId,
    kid,
    // The whole signer: the suite also reads its public key from it.
    signer: Object.assign(signer, { id: kid }),
  };
}

/**
 * A fresh BBS issuer key, and what to keep of it.
 *
 * @example
 * ```ts
 * const { key, file } = await generateBbsIssuerKey() // key.issuerId: did:key:zUC7…
 * ```
 */
export async function generateBbsIssuerKey(): Promise<{ key: BbsIssuerKey; file: BbsKeyFile }> {
  const { generateBbsKeyPair, ALGORITHMS } = await bls();
  const pair = await generateBbsKeyPair({ algorithm: ALGORITHMS.BBS_BLS12381_SHA256 });
  const exported = await pair.export({ publicKey: true, secretKey: true, includeContext: false });
  return {
    key: await keyOf(pair),
    file: {
      type: 'sanad-bbs-key',
      version: 1,
      publicKeyMultibase: pair.publicKeyMultibase,
      secretKeyMultibase: exported.secretKeyMultibase as string,
    },
  };
}

/** The key a {@link BbsKeyFile} holds; a damaged file is `ERR_INVALID_KEY`. */
export async function bbsIssuerKeyFrom(file: unknown): Promise<BbsIssuerKey> {
  if (
    !isPlainObject(file) ||
    file.type !== 'sanad-bbs-key' ||
    typeof file.publicKeyMultibase !== 'string' ||
    typeof file.secretKeyMultibase !== 'string'
  )
    throw new SanadError('ERR_INVALID_KEY', 'The BBS key file holds no BBS secret key.');
  const { from, ALGORITHMS } = await bls();
  try {
    const pair = await from(
      {
        type: 'Multikey',
        publicKeyMultibase: file.publicKeyMultibase,
        secretKeyMultibase: file.secretKeyMultibase,
      },
      { algorithm: ALGORITHMS.BBS_BLS12381_SHA256 },
    );
    return await keyOf(pair);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_KEY', 'The BBS key file does not hold a BBS key.', {
      cause,
    });
  }
}
