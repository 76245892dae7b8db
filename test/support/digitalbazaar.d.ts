// Digital Bazaar's VC and Multikey libraries ship no TypeScript types: what the interop tests call.
declare module '@digitalbazaar/vc' {
  type Loader = (url: string) => Promise<unknown>;
  interface Result {
    verified: boolean;
    error?: unknown;
  }
  export function issue(o: {
    credential: object;
    suite: unknown;
    documentLoader: Loader;
  }): Promise<Record<string, unknown>>;
  export function derive(o: {
    verifiableCredential: object;
    suite: unknown;
    documentLoader: Loader;
  }): Promise<Record<string, unknown>>;
  export function createPresentation(o: {
    verifiableCredential: object[];
    holder: string;
    version?: number;
  }): Record<string, unknown>;
  export function signPresentation(o: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain: string;
    documentLoader: Loader;
  }): Promise<Record<string, unknown>>;
  export function verify(o: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain: string;
    documentLoader: Loader;
    checkStatus?: () => Promise<{ verified: boolean }>;
  }): Promise<Result & { presentationResult: Result; credentialResults: Result[] }>;
  export function verifyCredential(o: {
    credential: object;
    suite: unknown;
    documentLoader: Loader;
    checkStatus?: () => Promise<{ verified: boolean }>;
  }): Promise<Result>;
}
declare module '@digitalbazaar/ecdsa-multikey' {
  export interface EcdsaKeyPair {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    signer(): { id: string; algorithm: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> };
  }
  export function generate(o: {
    curve: 'P-256' | 'P-384';
    id?: string;
    controller?: string;
  }): Promise<EcdsaKeyPair>;
}
