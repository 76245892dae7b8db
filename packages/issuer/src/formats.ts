/** Signing the two credential formats with any core `Signer` (HSM, KMS or key file). */
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { DisclosureFrame } from '@sd-jwt/core';
import { createVerifiableCredentialJwt } from 'did-jwt-vc';
import { randomBytes, SD_JWT_VC_TYP, sha256, type Signer, toBase64url, utf8 } from '@sanad/core';

/** 128-bit salts (RFC 9901 recommends at least 128 bits; @sd-jwt/crypto-nodejs gives 64). */
export const SALT_BYTES = 16;
/** Decoy digests added per object level, so the number of claims does not show. */
export const DECOYS_PER_LEVEL = 2;

const hasher = (data: string | ArrayBuffer): Uint8Array => sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data));

/** A did-jwt / @sd-jwt signer: base64url signature over the signing input. */
export function base64urlSigner(signer: Signer): (data: string | Uint8Array) => Promise<string> {
  return async (data) => toBase64url(await signer.sign(typeof data === 'string' ? utf8(data) : data));
}

/**
 * The @sd-jwt disclosure frame for a claims object: the type's disclosable paths
 * (`a`, `a.b`, `list[]`) plus decoys on every object level that has disclosable members.
 */
export function disclosureFrameFor(claims: Record<string, unknown>, paths: readonly string[]): DisclosureFrame<Record<string, unknown>> {
  const frame: Record<string, unknown> = {};
  const levelOf = (segments: string[]): Record<string, unknown> => {
    let level = frame;
    for (const segment of segments) level = (level[segment] ??= {}) as Record<string, unknown>;
    return level;
  };
  const valueAt = (segments: string[]): unknown => segments.reduce<unknown>((v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined), claims);
  for (const path of paths) {
    const segments = path.split('.');
    const last = segments.pop()!;
    const isArray = last.endsWith('[]');
    const name = isArray ? last.slice(0, -2) : last;
    if (valueAt([...segments, name]) === undefined) continue;
    if (isArray) {
      const array = valueAt([...segments, name]);
      if (!Array.isArray(array)) continue;
      const level = levelOf([...segments, name]);
      level._sd = array.map((_, i) => i);
      level._sd_decoy = DECOYS_PER_LEVEL;
    } else {
      const level = levelOf(segments);
      level._sd = [...((level._sd as string[] | undefined) ?? []), name];
      level._sd_decoy = DECOYS_PER_LEVEL;
    }
  }
  return frame as DisclosureFrame<Record<string, unknown>>;
}

export interface SdJwtVcInput {
  signer: Signer;
  kid: string;
  payload: Record<string, unknown>;
  disclosable: readonly string[];
}

/** Issues one SD-JWT VC (`typ: dc+sd-jwt`) with fresh 128-bit salts and decoys. */
export function signSdJwtVc({ signer, kid, payload, disclosable }: SdJwtVcInput): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    signer: base64urlSigner(signer),
    signAlg: signer.alg,
    hasher,
    hashAlg: 'sha-256',
    saltGenerator: () => toBase64url(randomBytes(SALT_BYTES)),
  });
  const frame = disclosureFrameFor(payload, disclosable);
  return sdjwt.issue(payload as Parameters<typeof sdjwt.issue>[0], frame as Parameters<typeof sdjwt.issue>[1], {
    header: { typ: SD_JWT_VC_TYP, kid },
  });
}

export interface VcJwtInput {
  signer: Signer;
  issuerDid: string;
  kid: string;
  /** The JWT payload: `sub`, `nbf`, `exp`, `jti` and `vc`. */
  payload: Record<string, unknown>;
}

/** Issues one W3C VC-JWT (VC Data Model 1.1) through did-jwt-vc. */
export function signVcJwt({ signer, issuerDid, kid, payload }: VcJwtInput): Promise<string> {
  return createVerifiableCredentialJwt(
    payload as unknown as Parameters<typeof createVerifiableCredentialJwt>[0],
    { did: issuerDid, signer: base64urlSigner(signer), alg: signer.alg },
    { header: { kid, typ: 'JWT', alg: signer.alg } },
  );
}
