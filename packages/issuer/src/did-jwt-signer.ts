/** Sanad signers for did-jwt and did-jwt-vc, which take a base64url signature over the signing input. */
import { type Signer, toBase64url, utf8 } from '@sanad/core';

/** A did-jwt signer: base64url signature over the signing input. */
export function base64urlSigner(signer: Signer): (data: string | Uint8Array) => Promise<string> {
  return async (data) =>
    toBase64url(await signer.sign(typeof data === 'string' ? utf8(data) : data));
}
