/** Minimal DID documents for the key-based methods, in the shape did-resolver and did-jwt expect. */
import type { DIDDocument, VerificationMethod } from 'did-resolver';
import type { JWK } from '../keys.js';

export type { DIDDocument, VerificationMethod } from 'did-resolver';

/** A DID document with one `JsonWebKey2020` method used for authentication and assertion. */
export function singleKeyDidDocument(did: string, fragment: string, publicJwk: JWK): DIDDocument {
  const id = `${did}#${fragment}`;
  const method: VerificationMethod = {
    id,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: publicJwk as NonNullable<VerificationMethod['publicKeyJwk']>,
  };
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [method],
    authentication: [id],
    assertionMethod: [id],
  } as DIDDocument;
}
