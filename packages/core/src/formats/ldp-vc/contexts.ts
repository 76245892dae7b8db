/**
 * The JSON-LD contexts Sanad reads, bundled and pinned: nothing is fetched, ever. A context from
 * its npm package must hash to its pin here (a changed package fails loudly, not silently), and
 * any other URL is `ERR_DI_CONTEXT_NOT_ALLOWED`. did:key verification methods resolve locally.
 */
/// <reference path="./vendor.d.ts" />
import { isBls12381G2DidKey, jwkFromDidKey } from '../../did/did-key.js';
import { toBase64url, utf8 } from '../../encoding.js';
import { SanadError } from '../../errors.js';
import { sha256 } from '../../hash.js';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** Sanad's vocabulary: every claim of a Sanad credential type, without a context per type. */
export const SANAD_CONTEXT = 'https://sanad.example/ns/credentials/v1';
const DATA_INTEGRITY_V2 = 'https://w3id.org/security/data-integrity/v2';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';

/**
 * Claim names and credential types not defined by the VC context are Sanad terms: an agency
 * defines its types in JSON Schema (which checks the claims) and needs no context of its own.
 * `@protected`, so a later context cannot redefine them.
 */
const SANAD_V1 = {
  '@context': { '@protected': true, '@vocab': 'https://sanad.example/ns/credentials#' },
};

/** sha256 (base64url) of each packaged context's JSON, as reviewed. */
const PINS: Record<string, string> = {
  [VC_V2_CONTEXT]: 'v2_WEeZ3PVj2SUWaRdu7gflOjP0FinVmRM1aSogsQFA',
  [DATA_INTEGRITY_V2]: 'viI8WMVGV-kwlw8NEfA8r3KHvdx75-bwEIVRkMaznCE',
  [MULTIKEY_V1]: 'kfEwswtnBe5l36j4bnSSKnSqoNX8i7NUJ-wtYH060-s',
};

function pinned(url: string, from: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const context = from.get(url);
  if (!context || toBase64url(sha256(utf8(JSON.stringify(context)))) !== PINS[url])
    throw new SanadError('ERR_INTERNAL', `The bundled context ${url} does not match its pin.`);
  return context;
}

/** Loaded on first use, with the libraries: a wallet that never meets this format never loads them. */
async function loadContexts(): Promise<Map<string, Record<string, unknown>>> {
  const [credentials, dataIntegrity, multikey] = await Promise.all([
    import('@digitalbazaar/credentials-context'),
    import('@digitalbazaar/data-integrity-context'),
    import('@digitalbazaar/multikey-context'),
  ]);
  return new Map([
    [VC_V2_CONTEXT, pinned(VC_V2_CONTEXT, credentials.contexts)],
    [DATA_INTEGRITY_V2, pinned(DATA_INTEGRITY_V2, dataIntegrity.default.contexts)],
    [MULTIKEY_V1, pinned(MULTIKEY_V1, multikey.default.contexts)],
    [SANAD_CONTEXT, SANAD_V1],
  ]);
}
let bundled: Promise<Map<string, Record<string, unknown>>> | undefined;
const contexts = () => (bundled ??= loadContexts());

/** A did:key (P-256, Ed25519 or BLS12-381 G2) as a DID document, or one of its methods. */
function didKeyDocument(url: string): Record<string, unknown> {
  const [did = '', fragment] = url.split('#');
  const multibase = did.slice('did:key:'.length);
  if (!isBls12381G2DidKey(did)) jwkFromDidKey(did); // throws for anything else
  if (fragment !== undefined && fragment !== multibase)
    throw new SanadError('ERR_DID_INVALID', 'The did:key names a key it does not hold.');
  const method = {
    id: `${did}#${multibase}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: multibase,
  };
  if (fragment !== undefined) return { '@context': MULTIKEY_V1, ...method };
  // DID v1 first: jsonld-signatures then reads the document as it is, without framing it.
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [method],
    assertionMethod: [method.id],
    authentication: [method.id],
  };
}

/** The document loader every Data Integrity call gets: bundled contexts and did:key, nothing else. */
export async function documentLoader(url: string): Promise<{
  contextUrl: null;
  documentUrl: string;
  document: Record<string, unknown>;
}> {
  const context = typeof url === 'string' ? (await contexts()).get(url) : undefined;
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (typeof url === 'string' && url.startsWith('did:key:'))
    return { contextUrl: null, documentUrl: url, document: didKeyDocument(url) };
  throw new SanadError(
    'ERR_DI_CONTEXT_NOT_ALLOWED',
    'The document is not in the pinned set; Sanad loads nothing from the network.',
  );
}
