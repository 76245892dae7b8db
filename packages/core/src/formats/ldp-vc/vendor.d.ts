// Digital Bazaar's Data Integrity libraries ship no TypeScript types: what Sanad calls of them.
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: Record<string, unknown>);
  }
}
declare module '@digitalbazaar/ecdsa-sd-2023-cryptosuite' {
  export function createSignCryptosuite(options: { mandatoryPointers: string[] }): unknown;
  export function createDiscloseCryptosuite(options: { selectivePointers: string[] }): unknown;
  export function createVerifyCryptosuite(): unknown;
}
declare module '@digitalbazaar/bbs-2023-cryptosuite' {
  export function createSignCryptosuite(options: { mandatoryPointers: string[] }): unknown;
  export function createDiscloseCryptosuite(options: {
    selectivePointers: string[];
    presentationHeader?: Uint8Array;
  }): unknown;
  export function createVerifyCryptosuite(options?: {
    expectedPresentationHeader?: Uint8Array;
  }): unknown;
}
declare module '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/bls12-381-multikey' {
  export const ALGORITHMS: { BBS_BLS12381_SHA256: string };
  export function generateBbsKeyPair(options: {
    algorithm: string;
    seed?: Uint8Array;
  }): Promise<BbsKeyPair>;
  export function from(
    key: Record<string, unknown>,
    options: { algorithm: string },
  ): Promise<BbsKeyPair>;
  export interface BbsKeyPair {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): { id: string; algorithm: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> };
    export(options: Record<string, boolean>): Promise<Record<string, unknown>>;
  }
}
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/data-integrity-context' {
  const context: { contexts: Map<string, Record<string, unknown>> };
  export default context;
}
declare module '@digitalbazaar/multikey-context' {
  const context: { contexts: Map<string, Record<string, unknown>> };
  export default context;
}
declare module 'jsonld-signatures' {
  interface Purpose {
    readonly term: string;
  }
  interface Result {
    verified: boolean;
    error?: Error & { errors?: Error[] };
    results?: Array<{ verified: boolean; error?: Error }>;
  }
  const jsigs: {
    sign(document: object, options: Record<string, unknown>): Promise<Record<string, unknown>>;
    derive(document: object, options: Record<string, unknown>): Promise<Record<string, unknown>>;
    verify(document: object, options: Record<string, unknown>): Promise<Result>;
    purposes: {
      AssertionProofPurpose: new () => Purpose;
      AuthenticationProofPurpose: new (options: { challenge: string; domain: string }) => Purpose;
    };
  };
  export default jsigs;
}
