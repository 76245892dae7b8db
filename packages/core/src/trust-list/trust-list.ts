/**
 * Trust lists: which issuers a verifier trusts, for which credential types. Plain JSON, or a
 * compact JWS (`typ: sanad-trust-list+jwt`) signed by a trust-list authority whose key the
 * verifier pins, so a list can travel on a USB stick. Format: docs/trust-list.md.
 */
import { didOf, type DidResolverOptions, resolveDidKey } from '../did/resolve.js';
import { isPlainObject, isStandardBase64 } from '../encoding.js';
import { SanadError } from '../errors.js';
import type { JWK, Signer } from '../keys.js';
import type { VerifiedChain } from '../x509/chain.js';
import { JwtVcIssuerKeys } from './jwt-vc-issuer.js';
import {
  didProblem,
  isDate,
  type LoadSignedListOptions,
  loadSignedList,
  type PinnedKey,
  type SignedListKind,
  signList,
} from '../signed-list/signed-list.js';

export const TRUST_LIST_JWT_TYP = 'sanad-trust-list+jwt';

/** Validated certificate chains a trust list keeps: one per issuer key in use, with room to spare. */
const MAX_CACHED_CHAINS = 256;

/**
 * The X.509 code, loaded on first use: a wallet or desk that never meets a certificate never
 * downloads pkijs. Kept once loaded: every `import()` resolves its specifier again.
 */
let x509: Promise<typeof import('../x509/chain.js')> | undefined;
const x509Module = () => (x509 ??= import('../x509/chain.js'));

export interface TrustedIssuer {
  /** A DID, or an https issuer URL (its keys pinned in `jwks`, else from its JWT VC Issuer Metadata). */
  id: string;
  name?: string;
  /** `vct` values and/or W3C VC type names this issuer may issue. */
  credential_types: string[];
  /** Pinned keys: used as they are, nothing fetched (offline). */
  jwks?: { keys: JWK[] };
}

/**
 * An X.509 trust anchor (HAIP, ISO 18013-5 IACA): a CA certificate whose chains vouch for
 * issuers of these credential types. The issuer is then the one the leaf certificate names
 * (its URI or DNS subject alternative name), not an entry of `issuers`.
 */
export interface TrustAnchor {
  name?: string;
  /** The CA certificate, standard base64 DER (as in `x5c`). */
  certificate: string;
  credential_types: string[];
}

export interface TrustListDocument {
  type: 'sanad-trust-list';
  version: 1;
  id?: string;
  name?: string;
  /** ISO 8601. */
  issued_at?: string;
  /** ISO 8601; after it the list is refused. */
  expires_at?: string;
  issuers: TrustedIssuer[];
  trust_anchors?: TrustAnchor[];
}

const fail = (message: string): never => {
  throw new SanadError('ERR_TRUST_LIST_INVALID', message);
};

const isTypeList = (types: unknown): boolean =>
  Array.isArray(types) && types.every((t) => typeof t === 'string' && t !== '');

function checkAnchors(anchors: unknown): void {
  if (anchors === undefined) return;
  if (!Array.isArray(anchors)) fail('trust_anchors is not an array.');
  const seen = new Set<string>();
  (anchors as unknown[]).forEach((anchor, i) => {
    if (!isPlainObject(anchor)) fail(`Trust anchor ${i} is not an object.`);
    const { certificate, credential_types, name } = anchor as Record<string, unknown>;
    // The DER is parsed when a chain is checked (the X.509 code loads only then); its shape here.
    if (typeof certificate !== 'string' || !isStandardBase64(certificate))
      fail(`Trust anchor ${i} certificate must be base64 DER.`);
    if (seen.has(certificate as string)) fail(`Trust anchor ${i} is listed twice.`);
    seen.add(certificate as string);
    if (!isTypeList(credential_types))
      fail(`Trust anchor ${i} credential_types must be a list of type names.`);
    if (name !== undefined && typeof name !== 'string')
      fail(`Trust anchor ${i} name is not a string.`);
  });
}

/**
 * Validates a trust list document strictly.
 *
 * @example
 * ```ts
 * const doc = parseTrustList(JSON.parse(text))
 * ```
 */
export function parseTrustList(json: unknown): TrustListDocument {
  if (!isPlainObject(json)) return fail('The trust list is not a JSON object.');
  if (json.type !== 'sanad-trust-list' || json.version !== 1)
    return fail('The trust list type or version is not supported.');
  for (const field of ['id', 'name'] as const) {
    if (json[field] !== undefined && typeof json[field] !== 'string')
      fail(`The trust list ${field} is not a string.`);
  }
  for (const field of ['issued_at', 'expires_at'] as const) {
    if (json[field] !== undefined && !isDate(json[field]))
      fail(`The trust list ${field} is not an ISO 8601 date.`);
  }
  if (!Array.isArray(json.issuers)) return fail('The trust list has no issuers array.');
  const ids = new Set<string>();
  json.issuers.forEach((issuer: unknown, i: number) => {
    if (!isPlainObject(issuer) || typeof issuer.id !== 'string' || issuer.id === '')
      fail(`Issuer ${i} has no id.`);
    const entry = issuer as Record<string, unknown> & { id: string };
    const isDid = entry.id.startsWith('did:');
    // An https issuer identifier has no query or fragment (draft-ietf-oauth-sd-jwt-vc).
    if (!isDid && !/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(entry.id))
      fail(`Issuer ${i} id must be a DID or an https URL (no query or fragment).`);
    const problem = isDid ? didProblem(entry.id) : undefined;
    if (problem !== undefined) fail(`Issuer ${i} id is not a usable DID: ${problem}`);
    if (ids.has(entry.id)) fail(`Issuer ${i} is listed twice.`);
    ids.add(entry.id);
    if (!isTypeList(entry.credential_types))
      fail(`Issuer ${i} credential_types must be a list of type names.`);
    if (entry.name !== undefined && typeof entry.name !== 'string')
      fail(`Issuer ${i} name is not a string.`);
    if (entry.jwks !== undefined) {
      const keys = isPlainObject(entry.jwks) ? entry.jwks.keys : undefined;
      if (!Array.isArray(keys) || keys.some((k) => !isPlainObject(k) || 'd' in k))
        fail(`Issuer ${i} jwks must hold public keys only.`);
    }
  });
  checkAnchors(json.trust_anchors);
  return json as unknown as TrustListDocument;
}

/** A loaded, validated trust list. */
export class TrustList {
  readonly document: TrustListDocument;
  /** True when the list came signed and the signature verified with the pinned key. */
  readonly signed: boolean;
  readonly #byId: Map<string, TrustedIssuer>;
  readonly #metadata = new JwtVcIssuerKeys();
  /** Chains already validated against this list's anchors, by their certificates (most recent last). */
  readonly #chains = new Map<string, VerifiedChain>();

  constructor(document: TrustListDocument, signed = false) {
    this.document = document;
    this.signed = signed;
    this.#byId = new Map(document.issuers.map((i) => [i.id, i]));
  }

  /** The entry for an issuer identifier (a DID URL is reduced to its DID). */
  findIssuer(id: string): TrustedIssuer | undefined {
    return (
      this.#byId.get(id) ??
      (id.startsWith('did:') && id.includes('#')
        ? this.#byId.get(id.slice(0, id.indexOf('#')))
        : undefined)
    );
  }

  /** Whether `issuerId` may issue any of `credentialTypes`. */
  isAuthorized(issuerId: string, ...credentialTypes: string[]): boolean {
    const issuer = this.findIssuer(issuerId);
    return issuer !== undefined && credentialTypes.some((t) => issuer.credential_types.includes(t));
  }

  /**
   * The key that signs for `issuerId`: from the list's `jwks` (matched by `kid` when given),
   * else for an https issuer from its JWT VC Issuer Metadata (fetched with the did:web guards,
   * `issuer` identical to the id, the key by `kid`), else by resolving the DID (the `kid` must
   * be a DID URL of that same DID).
   */
  async issuerKey(
    issuerId: string,
    kid: string | undefined,
    didOptions?: DidResolverOptions,
  ): Promise<JWK> {
    const issuer = this.findIssuer(issuerId);
    if (!issuer) throw new SanadError('ERR_ISSUER_UNTRUSTED');
    if (issuer.jwks) {
      const keys =
        kid === undefined ? issuer.jwks.keys : issuer.jwks.keys.filter((k) => k.kid === kid);
      if (keys.length !== 1) throw new SanadError('ERR_ISSUER_KEY_NOT_FOUND');
      return keys[0] as JWK;
    }
    if (!issuer.id.startsWith('did:')) return this.#metadata.key(issuer.id, kid, didOptions?.web);
    if (kid?.startsWith('did:') && didOf(kid) !== issuer.id) {
      throw new SanadError(
        'ERR_ISSUER_KEY_NOT_FOUND',
        'The key id belongs to another DID than the issuer.',
      );
    }
    const didUrl = kid === undefined ? issuer.id : kid.startsWith('#') ? `${issuer.id}${kid}` : kid;
    return resolveDidKey(didUrl, didOptions);
  }

  /**
   * The key of an issuer that signs with an X.509 chain (`x5c`, draft-ietf-oauth-sd-jwt-vc):
   * the chain must lead to one of the list's trust anchors at `now` (seconds), and the leaf
   * must name `issuerId`. Returns the leaf's key, the credential types its anchors vouch for, and
   * a name for people: the certificate's subject and the anchor that vouches for it.
   */
  async x509IssuerKey(
    issuerId: string,
    x5c: unknown,
    now: number,
  ): Promise<{ key: JWK; credentialTypes: string[]; name: string }> {
    const anchors = this.document.trust_anchors ?? [];
    if (anchors.length === 0) throw new SanadError('ERR_X509_UNTRUSTED');
    const { namesIssuer, verifyCertificateChain } = await x509Module();
    // An issuer's every credential carries the same chain: validate it once for as long as it
    // holds (parsing and two signatures cost ten times the credential's own check).
    const id =
      Array.isArray(x5c) && x5c.every((c) => typeof c === 'string') ? x5c.join('.') : undefined;
    let chain = id === undefined ? undefined : this.#chains.get(id);
    if (chain && (now < chain.validFrom || now > chain.validUntil)) chain = undefined;
    if (!chain) {
      chain = await verifyCertificateChain(
        x5c,
        anchors.map((a) => a.certificate),
        now,
      );
      if (id !== undefined) {
        if (this.#chains.size >= MAX_CACHED_CHAINS)
          this.#chains.delete(this.#chains.keys().next().value!);
        this.#chains.set(id, chain);
      }
    }
    if (!namesIssuer(chain.leaf, issuerId)) throw new SanadError('ERR_X509_NAME_MISMATCH');
    const credentialTypes = [
      ...new Set(chain.anchors.flatMap((i) => anchors[i]!.credential_types)),
    ];
    const anchorName = anchors[chain.anchors[0]!]!.name;
    const name = [chain.leaf.subjectName, anchorName].filter((n) => n).join(' — ');
    return { key: chain.leaf.publicJwk, credentialTypes, name: name || issuerId };
  }
}

/** The trust list as a signed list: its JWS typ, size bound and error codes. */
const TRUST_LIST_KIND: SignedListKind<TrustListDocument> = {
  typ: TRUST_LIST_JWT_TYP,
  noun: 'trust list',
  // Ten thousand issuers with keys fit in well under this; anything larger is refused unread.
  maxLength: 8 * 1024 * 1024,
  codes: {
    invalid: 'ERR_TRUST_LIST_INVALID',
    signature: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    expired: 'ERR_TRUST_LIST_EXPIRED',
  },
  parse: parseTrustList,
};

/**
 * Signs a trust list as a trust-list authority.
 *
 * @example
 * ```ts
 * const jws = await signTrustList(doc, authoritySigner)
 * ```
 */
export function signTrustList(
  document: TrustListDocument,
  signer: Signer,
  kid?: string,
): Promise<string> {
  return signList(TRUST_LIST_KIND, document, signer, kid);
}

export const MAX_TRUST_LIST_LENGTH = TRUST_LIST_KIND.maxLength;

export interface LoadTrustListOptions extends LoadSignedListOptions {
  /** The authority's public key: a JWK, or a did:key / did:jwk. */
  pinnedKey?: PinnedKey;
}

/**
 * Loads a trust list from JSON text or a compact JWS, checking signature and expiry.
 *
 * @example
 * ```ts
 * const trust = await loadTrustList(await readFile('trust.jws', 'utf8'), { pinnedKey: authorityJwk })
 * ```
 */
export async function loadTrustList(
  input: string,
  options: LoadTrustListOptions = {},
): Promise<TrustList> {
  const { document, signed } = await loadSignedList(TRUST_LIST_KIND, input, options);
  return new TrustList(document, signed);
}
