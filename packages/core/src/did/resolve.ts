/**
 * One DID resolver for the whole toolkit: did:key, did:jwk and did:web.
 * It also plugs into did-resolver / did-jwt (VC-JWT) through {@link toDidResolverRegistry}.
 */
import type {
  DIDDocument,
  DIDResolutionResult,
  ResolverRegistry,
  VerificationMethod,
} from 'did-resolver';
import { isPlainObject } from '../encoding.js';
import { SanadError, isSanadError } from '../errors.js';
import type { JWK } from '../keys.js';
import { singleKeyDidDocument } from './did-document.js';
import { decodeDidKey, didKeyMultibase, isBls12381G2DidKey, jwkFromDidKey } from './did-key.js';
import { jwkFromDidJwk } from './did-jwk.js';
import { type DidWebOptions, didWebUrl, resolveDidWeb } from './did-web.js';

export interface DidResolverOptions {
  web?: DidWebOptions;
}

/** The DID part of a DID URL (drops path, query and fragment). */
export function didOf(didUrl: string): string {
  const match = /^did:[a-z0-9]+:[^#?/]+/.exec(didUrl);
  if (!match) throw new SanadError('ERR_DID_INVALID');
  return match[0];
}

// W3C DID Core section 3.1: did:<method-name>:<method-specific-id>, idchar or pct-encoded, ':' between parts.
const DID_SYNTAX =
  /^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/;

/**
 * Checks a DID without resolving it: the DID syntax (a DID, not a DID URL), and for the methods
 * Sanad resolves, that a did:key decodes to an Ed25519, P-256 or BLS12-381 G2 (BBS) key, a did:jwk to a public JWK
 * of a supported type, and a did:web names a host. Other methods are checked for syntax only.
 * Throws `ERR_DID_INVALID` with the reason (`ERR_DID_METHOD_UNSUPPORTED` or
 * `ERR_UNSUPPORTED_ALGORITHM` for key types Sanad does not verify). Cheap: a P-256 point is
 * checked for shape, not decompressed (resolution does that).
 *
 * @example
 * ```ts
 * checkDid('did:key:garbage') // throws ERR_DID_INVALID: A did:key is "did:key:z" followed by a base58btc key.
 * ```
 */
export function checkDid(did: string): void {
  if (!/^did:[a-z0-9]+:/.test(did))
    throw new SanadError(
      'ERR_DID_INVALID',
      'A DID is "did:<method>:<identifier>", the method in lower case.',
    );
  if (/[#?/]/.test(did))
    throw new SanadError(
      'ERR_DID_INVALID',
      'Give the DID itself, without a path, query or fragment.',
    );
  if (!DID_SYNTAX.test(did))
    throw new SanadError(
      'ERR_DID_INVALID',
      'The DID has characters a DID cannot have (letters, digits, ".", "-", "_", "%xx" and ":" only).',
    );
  const method = did.split(':')[1];
  // A BBS issuer's key verifies Data Integrity proofs only; it is a well-formed did:key all the same.
  if (method === 'key') {
    if (!isBls12381G2DidKey(did)) decodeDidKey(did);
  } else if (method === 'jwk') {
    try {
      jwkFromDidJwk(did);
    } catch (err) {
      if (isSanadError(err) && err.code === 'ERR_UNSUPPORTED_ALGORITHM')
        throw new SanadError(
          'ERR_UNSUPPORTED_ALGORITHM',
          'The did:jwk holds a key type Sanad does not verify (P-256 and Ed25519 only).',
        );
      throw new SanadError(
        'ERR_DID_INVALID',
        'A did:jwk is the base64url of a public JWK (no private member).',
        { cause: err },
      );
    }
  } else if (method === 'web') {
    // Well formed is all the identifier must be; where it may be fetched from is the guarded fetch's call.
    try {
      if (new URL(didWebUrl(did)).hostname === '') throw new SanadError('ERR_DID_INVALID');
    } catch (cause) {
      throw new SanadError(
        'ERR_DID_INVALID',
        'A did:web is "did:web:<host>" with an optional ":"-separated path (a port as %3A).',
        { cause },
      );
    }
  }
}

/**
 * Resolves a DID to its document.
 *
 * @example
 * ```ts
 * const doc = await resolveDid('did:key:z6Mk...')
 * ```
 */
export async function resolveDid(
  did: string,
  options: DidResolverOptions = {},
): Promise<DIDDocument> {
  const bare = didOf(did);
  const method = bare.split(':')[1];
  switch (method) {
    case 'key':
      return singleKeyDidDocument(bare, didKeyMultibase(bare), jwkFromDidKey(bare));
    case 'jwk':
      return singleKeyDidDocument(bare, '0', jwkFromDidJwk(bare));
    case 'web':
      return resolveDidWeb(bare, options.web);
    default:
      throw new SanadError('ERR_DID_METHOD_UNSUPPORTED');
  }
}

/** What a key is used for: issuers sign with `assertionMethod` keys, holders prove with `authentication` keys. */
export type VerificationRelationship = 'assertionMethod' | 'authentication';

/**
 * The public JWK that signs for `didUrl` in the given relationship: with a fragment, that
 * verification method; without one, the document's only such key (ambiguous documents are
 * refused). A key the document lists but does not authorise for the relationship is refused.
 */
export async function resolveDidKey(
  didUrl: string,
  options: DidResolverOptions = {},
  relationship: VerificationRelationship = 'assertionMethod',
): Promise<JWK> {
  // did:key and did:jwk are pure functions of the identifier: decode once (point decompression
  // is the costly part), keep a bounded number.
  const pure = didUrl.startsWith('did:key:') || didUrl.startsWith('did:jwk:');
  // Their documents authorise the one key for both relationships, so the cache ignores it.
  const cached = pure ? pureKeyCache.get(didUrl) : undefined;
  if (cached) return cached;
  const jwk = await resolveDidKeyUncached(didUrl, options, relationship);
  if (pure) {
    if (pureKeyCache.size >= PURE_KEY_CACHE_SIZE)
      pureKeyCache.delete(pureKeyCache.keys().next().value as string);
    pureKeyCache.set(didUrl, jwk);
  }
  return jwk;
}

const PURE_KEY_CACHE_SIZE = 1024;
const pureKeyCache = new Map<string, JWK>();

async function resolveDidKeyUncached(
  didUrl: string,
  options: DidResolverOptions,
  relationship: VerificationRelationship,
): Promise<JWK> {
  const doc = await resolveDid(didUrl, options);
  const absolute = (id: string): string => (id.startsWith('#') ? `${doc.id}${id}` : id);
  const refs = Array.isArray(doc[relationship])
    ? (doc[relationship] as Array<string | VerificationMethod>)
    : [];
  const authorised = new Set(
    refs.map((r) =>
      typeof r === 'string'
        ? absolute(r)
        : isPlainObject(r) && typeof r.id === 'string'
          ? absolute(r.id)
          : '',
    ),
  );
  // Methods may be listed once and referenced, or embedded in the relationship itself.
  // A fetched did:web document is the network's JSON: only methods with a text id are read.
  const listed: unknown[] = Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [];
  const methods = [...listed, ...refs].filter(
    (m): m is VerificationMethod => isPlainObject(m) && typeof m.id === 'string',
  );
  const fragment = didUrl.includes('#') ? didUrl.slice(didUrl.indexOf('#')) : undefined;
  const named = fragment
    ? methods.filter((m) => absolute(m.id) === `${doc.id}${fragment}`)
    : methods;
  const candidates = named.filter(
    (m) => authorised.has(absolute(m.id)) && isPlainObject(m.publicKeyJwk),
  );
  if (candidates.length === 0 && named.length > 0 && fragment)
    throw new SanadError(
      'ERR_ISSUER_KEY_NOT_FOUND',
      `The key ${fragment} is not authorised for ${relationship}.`,
    );
  const jwks = [...new Set(candidates.map((m) => JSON.stringify(m.publicKeyJwk)))];
  if (jwks.length !== 1) throw new SanadError('ERR_ISSUER_KEY_NOT_FOUND');
  const jwk = candidates[0]!.publicKeyJwk as JWK;
  if ('d' in jwk)
    throw new SanadError('ERR_INVALID_KEY', 'The DID document publishes a private key.');
  return jwk;
}

/** did-resolver registry entries for key, jwk and web, for use with did-jwt and did-jwt-vc. */
export function toDidResolverRegistry(options: DidResolverOptions = {}): ResolverRegistry {
  const resolve = async (did: string): Promise<DIDResolutionResult> => {
    try {
      const didDocument = await resolveDid(did, options);
      return {
        didDocument,
        didDocumentMetadata: {},
        didResolutionMetadata: { contentType: 'application/did+json' },
      };
    } catch (err) {
      const code = isSanadError(err) ? err.code : 'ERR_DID_RESOLUTION_FAILED';
      return {
        didDocument: null,
        didDocumentMetadata: {},
        didResolutionMetadata: {
          error: code === 'ERR_DID_METHOD_UNSUPPORTED' ? 'unsupportedDidMethod' : 'notFound',
          message: code,
        },
      };
    }
  };
  return { key: resolve, jwk: resolve, web: resolve };
}
