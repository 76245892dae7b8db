/**
 * W3C VC Data Model 2.0 secured with Data Integrity (`ldp_vc`): selective disclosure by the
 * `ecdsa-sd-2023` and `bbs-2023` cryptosuites, through Digital Bazaar's maintained libraries.
 *
 * - The issuer signs a base proof with mandatory pointers (issuer, validity, status, the holder's
 *   DID and every claim the type does not let the holder withhold); `type` is always shown.
 * - The holder derives a proof revealing only the chosen claims. A `bbs-2023` derived proof is
 *   fresh each time: two presentations of one credential share no proof bytes.
 * - Holder binding: `bbs-2023` 2.0 has no holder-binding or pseudonym feature yet, so the holder
 *   signs a VP (ecdsa-rdfc-2019 or eddsa-rdfc-2022) with the request's nonce as `challenge` and
 *   the verifier as `domain` (OpenID4VP 1.0 appendix B.1.3.2). The holder's DID is disclosed to
 *   every verifier, and so are the status entry and the validity dates: presentations of one
 *   credential are linkable through them, not through the proof. Batches of one-time copies
 *   (as for SD-JWT VC) keep them apart.
 * - Contexts come only from the pinned set in `contexts.ts`.
 *
 * The libraries are loaded on first use, so a wallet that never meets this format never loads
 * JSON-LD.
 */
/// <reference path="./vendor.d.ts" />
import { didOf } from '../../did/resolve.js';
import { fromBase64url, isPlainObject, parseJsonBounded } from '../../encoding.js';
import { isSanadError, SanadError, type SanadErrorCode } from '../../errors.js';
import type { Signer } from '../../keys.js';
import {
  type BitstringStatusListEntry,
  bitstringEntriesOf,
} from '../../status/bitstring-status-list.js';
import type {
  CredentialFormatModule,
  DataIntegritySuite,
  HolderSigner,
  IssueInput,
  QueryPath,
  StatusReference,
} from '../format.js';
import { expiry, invalid } from '../shared.js';
import { documentLoader, SANAD_CONTEXT, VC_V2_CONTEXT } from './contexts.js';

export { documentLoader, SANAD_CONTEXT, VC_V2_CONTEXT } from './contexts.js';

export type Cryptosuite = DataIntegritySuite;
const CRYPTOSUITES: readonly Cryptosuite[] = ['ecdsa-sd-2023', 'bbs-2023'];
/** The CBOR tag bytes that open a proof value: base and derived proofs differ (the suites' section 3). */
const PROOF_HEADERS: Record<Cryptosuite, { base: number; derived: number }> = {
  'ecdsa-sd-2023': { base: 0x00, derived: 0x01 },
  'bbs-2023': { base: 0x02, derived: 0x03 },
};
/** Larger credentials are refused before any JSON-LD work (the libraries set no limit). */
const MAX_LENGTH = 65_536;
const CONTEXTS = [VC_V2_CONTEXT, SANAD_CONTEXT];

/** A Data Integrity signer: the library's shape over a Sanad key, or a BLS12-381 key's. */
export type DiSigner = NonNullable<IssueInput['dataIntegrity']>['signer'];

const diSigner = (signer: Signer, id: string): DiSigner => ({
  id,
  algorithm: signer.alg === 'ES256' ? 'P-256' : 'Ed25519',
  sign: ({ data }) => signer.sign(data),
});

let libraries: Promise<Libraries> | undefined;
type Libraries = Awaited<ReturnType<typeof load>>;
async function load() {
  const [jsigs, di, ecdsaSd, bbs, ecdsaRdfc, eddsaRdfc] = await Promise.all([
    import('jsonld-signatures'),
    import('@digitalbazaar/data-integrity'),
    import('@digitalbazaar/ecdsa-sd-2023-cryptosuite'),
    import('@digitalbazaar/bbs-2023-cryptosuite'),
    import('@digitalbazaar/ecdsa-rdfc-2019-cryptosuite'),
    import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
  ]);
  return {
    jsigs: jsigs.default,
    Proof: di.DataIntegrityProof,
    suites: { 'ecdsa-sd-2023': ecdsaSd, 'bbs-2023': bbs } as const,
    holderSuites: { ES256: ecdsaRdfc.cryptosuite, EdDSA: eddsaRdfc.cryptosuite } as const,
  };
}
const lib = () => (libraries ??= load());

/** The library's failure as Sanad's code: a Sanad error it wraps (the document loader's), else "does not verify". */
function libraryFailure(err: unknown, fallback: SanadErrorCode): SanadError {
  const seen = new Set<unknown>();
  const walk = (e: unknown): SanadError | undefined => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    if (isSanadError(e)) return e;
    const o = e as { cause?: unknown; details?: { cause?: unknown }; errors?: unknown[] };
    return (
      walk(o.cause) ?? walk(o.details?.cause) ?? o.errors?.map(walk).find((x) => x !== undefined)
    );
  };
  return walk(err) ?? new SanadError(fallback, undefined, { cause: err });
}

type Credential = Record<string, unknown> & {
  type: string[];
  issuer: string;
  credentialSubject: Record<string, unknown>;
  proof: Record<string, unknown> & { cryptosuite: Cryptosuite; proofValue: string };
};

/** The proof kind its header says, without trusting anything else in it. */
function proofKind(proof: Credential['proof']): 'base' | 'derived' | undefined {
  const bytes = proof.proofValue.startsWith('u')
    ? fromBase64url(proof.proofValue.slice(1, 5)) // the first 3 bytes
    : undefined;
  const header = PROOF_HEADERS[proof.cryptosuite];
  if (bytes?.[0] !== 0xd9 || bytes[1] !== 0x5d) return undefined;
  return bytes[2] === header.base ? 'base' : bytes[2] === header.derived ? 'derived' : undefined;
}

/**
 * The checks that come before any JSON-LD work: size, exactly the pinned contexts (a context
 * added or swapped can keep the RDF and change what the JSON says), one Data Integrity proof
 * of an accepted cryptosuite, and the proof kind expected.
 */
function credentialOf(value: unknown, kind: 'base' | 'derived'): Credential {
  if (!isPlainObject(value)) throw new SanadError('ERR_DI_MALFORMED');
  const context = value['@context'];
  if (
    !Array.isArray(context) ||
    context.length !== CONTEXTS.length ||
    context.some((c, i) => c !== CONTEXTS[i])
  )
    throw new SanadError('ERR_DI_CONTEXT_NOT_ALLOWED');
  const { proof, type, issuer, credentialSubject } = value;
  if (!isPlainObject(proof) || proof.type !== 'DataIntegrityProof')
    throw new SanadError(
      'ERR_DI_MALFORMED',
      'The credential needs exactly one Data Integrity proof.',
    );
  if (!CRYPTOSUITES.includes(proof.cryptosuite as Cryptosuite))
    throw new SanadError('ERR_DI_CRYPTOSUITE_UNSUPPORTED');
  if (typeof proof.proofValue !== 'string' || proof.proofValue.length > MAX_LENGTH)
    throw new SanadError('ERR_DI_MALFORMED', 'The proof value is missing or too large.');
  const found = proofKind(proof as Credential['proof']);
  if (found !== kind)
    throw new SanadError(
      found === 'base' ? 'ERR_DI_BASE_PROOF_PRESENTED' : 'ERR_DI_MALFORMED',
      found === 'base' ? undefined : `The credential does not carry a ${kind} proof.`,
    );
  if (
    !Array.isArray(type) ||
    !type.every((t) => typeof t === 'string') ||
    typeof issuer !== 'string' ||
    !issuer.startsWith('did:') ||
    !isPlainObject(credentialSubject)
  )
    throw new SanadError('ERR_DI_MALFORMED', 'The credential has no issuer DID, type or subject.');
  const method = proof.verificationMethod;
  if (typeof method !== 'string' || didOf(method) !== issuer)
    throw new SanadError(
      'ERR_ISSUER_KEY_NOT_FOUND',
      'The proof is signed by another DID than its issuer.',
    );
  return value as Credential;
}

const parse = (text: string): unknown => {
  if (text.length > MAX_LENGTH) throw new SanadError('ERR_INPUT_TOO_LARGE');
  return parseJsonBounded(text, { maxLength: MAX_LENGTH, maxDepth: 16 });
};

const specificTypes = (types: readonly string[]): string[] =>
  types.filter((t) => t !== 'VerifiableCredential');

const personClaims = (subject: Record<string, unknown>): Record<string, unknown> => {
  const { id: _id, ...claims } = subject;
  return claims;
};

/** A claims-view path as a JSON pointer into the credential (`null` selects the whole array). */
function pointerOf(path: QueryPath): string {
  const segments: string[] = ['credentialSubject'];
  for (const segment of path) {
    if (segment === null) break;
    const name = typeof segment === 'number' ? `${segment}` : segment;
    segments.push(name.replaceAll('~', '~0').replaceAll('/', '~1'));
  }
  return `/${segments.join('/')}`;
}

function statusOf(credential: Record<string, unknown>): StatusReference | undefined {
  const entries: BitstringStatusListEntry[] = bitstringEntriesOf(credential);
  return entries.length > 0 ? { kind: 'bitstring', entries } : undefined;
}

/** The unsigned credential of one copy. */
function unsignedCredential(input: IssueInput): Record<string, unknown> {
  const { uri, index } = input.status;
  const entry = (purpose: 'revocation' | 'suspension'): BitstringStatusListEntry => ({
    id: `${uri(purpose)}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: `${index}`,
    statusListCredential: uri(purpose),
  });
  return {
    '@context': CONTEXTS,
    type: ['VerifiableCredential', input.type.vcType],
    issuer: input.issuer.id,
    validFrom: new Date(input.nbf * 1000).toISOString(),
    validUntil: new Date(input.exp * 1000).toISOString(),
    credentialSubject: { id: input.holder.did, ...input.claims },
    credentialStatus: [entry('revocation'), entry('suspension')],
  };
}

/** What the holder can never withhold: the credential's frame and every non-disclosable claim. */
function mandatoryPointers(input: IssueInput): string[] {
  const disclosable = new Set(
    input.type.selectivelyDisclosable.map((p) => p.split('.')[0]!.replace(/\[\]$/, '')),
  );
  return [
    '/issuer',
    '/validFrom',
    '/validUntil',
    '/credentialStatus',
    '/credentialSubject/id',
    ...Object.keys(input.claims)
      .filter((name) => !disclosable.has(name))
      .map((name) => pointerOf([name])),
  ];
}

/** Issues one copy with a base proof of `cryptosuite`, signed by `signer` (a key of `input.issuer`). */
export async function issueDataIntegrity(
  input: IssueInput,
  cryptosuite: Cryptosuite,
  signer: DiSigner,
): Promise<string> {
  return JSON.stringify(
    await signBase(unsignedCredential(input), cryptosuite, signer, mandatoryPointers(input)),
  );
}

/** A base proof over `unsigned`, with `mandatory` the statements every derivation reveals. */
async function signBase(
  unsigned: Record<string, unknown>,
  cryptosuite: Cryptosuite,
  signer: DiSigner,
  mandatory: string[],
): Promise<Credential> {
  const { jsigs, Proof, suites } = await lib();
  return (await jsigs.sign(unsigned, {
    // No `created`: ecdsa-sd-2023 would show every verifier the issuance instant, a correlation handle.
    suite: new Proof({
      signer,
      date: null,
      cryptosuite: suites[cryptosuite].createSignCryptosuite({ mandatoryPointers: mandatory }),
    }),
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader,
  })) as Credential;
}

async function derive(
  credential: Credential,
  pointers: string[],
  loader: DocumentLoader = documentLoader,
): Promise<Record<string, unknown>> {
  const { jsigs, Proof, suites } = await lib();
  try {
    return await jsigs.derive(credential, {
      suite: new Proof({
        cryptosuite: suites[credential.proof.cryptosuite].createDiscloseCryptosuite({
          selectivePointers: pointers,
        }),
      }),
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader: loader,
    });
  } catch (err) {
    throw libraryFailure(err, 'ERR_DI_MALFORMED');
  }
}

/**
 * A W3C BitstringStatusListCredential secured with Data Integrity, for an issuer whose only key
 * is a Data Integrity key (a BBS issuer signs no JWT). The issuer derives the proof itself,
 * revealing every statement: a verifier checks an ordinary derived proof, and the list stays
 * one document anyone can read. `ttl` is in milliseconds (Bitstring Status List section 2.2).
 */
export async function signStatusListDataIntegrity(
  list: {
    uri: string;
    issuer: string;
    subject: Record<string, unknown>;
    validFrom: number;
    validUntil: number;
    ttlSeconds?: number;
  },
  cryptosuite: Cryptosuite,
  signer: DiSigner,
): Promise<string> {
  const unsigned = {
    '@context': [VC_V2_CONTEXT],
    id: list.uri,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: list.issuer,
    validFrom: new Date(list.validFrom * 1000).toISOString(),
    validUntil: new Date(list.validUntil * 1000).toISOString(),
    credentialSubject: {
      ...list.subject,
      ...(list.ttlSeconds !== undefined ? { ttl: list.ttlSeconds * 1000 } : {}),
    },
  };
  const everything = ['/id', '/issuer', '/validFrom', '/validUntil', '/credentialSubject'];
  return JSON.stringify(
    await derive(await signBase(unsigned, cryptosuite, signer, everything), []),
  );
}

/** What a verified Data Integrity status list credential says. */
export interface DataIntegrityStatusList {
  encodedList: unknown;
  /** Seconds since the epoch. */
  validFrom?: number;
  validUntil?: number;
  ttlSeconds?: number;
}

/**
 * Verifies a BitstringStatusListCredential secured with a derived Data Integrity proof: only the
 * credentials v2 context, published under `uri`, issued by `issuer` (the credential's own).
 */
export async function verifyStatusListDataIntegrity(
  text: string,
  uri: string,
  issuer: string,
): Promise<DataIntegrityStatusList> {
  const fail = (message: string, cause?: unknown) =>
    new SanadError('ERR_STATUS_LIST_INVALID', message, cause ? { cause } : undefined);
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw fail('The status list is not a JSON credential.', err);
  }
  if (!isPlainObject(value)) throw fail('The status list is not a JSON credential.');
  const context = value['@context'];
  if (!Array.isArray(context) || context.length !== 1 || context[0] !== VC_V2_CONTEXT)
    throw fail('The status list names contexts other than credentials v2.');
  const { type, proof, credentialSubject: subject } = value;
  if (!Array.isArray(type) || !type.includes('BitstringStatusListCredential'))
    throw fail('The document is not a BitstringStatusListCredential.');
  if (value.id !== uri) throw fail('The status list is published under another URI.');
  if (value.issuer !== issuer) throw fail('The status list is signed by another issuer.');
  if (
    !isPlainObject(proof) ||
    proof.type !== 'DataIntegrityProof' ||
    !CRYPTOSUITES.includes(proof.cryptosuite as Cryptosuite) ||
    typeof proof.proofValue !== 'string' ||
    typeof proof.verificationMethod !== 'string' ||
    didOf(proof.verificationMethod) !== issuer ||
    proofKind(proof as Credential['proof']) !== 'derived'
  )
    throw fail('The status list needs a derived Data Integrity proof by its issuer.');
  if (!isPlainObject(subject)) throw fail('The status list has no subject.');
  try {
    await verifyDerived(value as Credential);
  } catch (err) {
    throw fail('The status list signature does not verify.', err);
  }
  const seconds = (v: unknown) =>
    typeof v === 'string' && Number.isFinite(Date.parse(v))
      ? Math.floor(Date.parse(v) / 1000)
      : undefined;
  const validFrom = seconds(value.validFrom);
  const validUntil = seconds(value.validUntil);
  const ttl = subject.ttl;
  return {
    encodedList: subject.encodedList,
    ...(validFrom !== undefined ? { validFrom } : {}),
    ...(validUntil !== undefined ? { validUntil } : {}),
    ...(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0
      ? { ttlSeconds: Math.ceil(ttl / 1000) }
      : {}),
  };
}

/** Resolves the JSON-LD documents a Data Integrity check reads. */
export type DocumentLoader = typeof documentLoader;

/** Verifies a derived credential's proof over what it discloses. */
async function verifyDerived(
  credential: Credential,
  loader: DocumentLoader = documentLoader,
): Promise<void> {
  const { jsigs, Proof, suites } = await lib();
  const result = await jsigs.verify(credential, {
    suite: new Proof({
      cryptosuite: suites[credential.proof.cryptosuite].createVerifyCryptosuite(),
    }),
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader: loader,
  });
  if (!result.verified)
    throw libraryFailure(
      result.error ?? result.results?.find((r) => r.error)?.error,
      'ERR_DI_PROOF_INVALID',
    );
}

async function presentation(
  derived: Record<string, unknown>,
  holderDid: string,
  signer: HolderSigner,
  nonce: string,
  audience: string,
): Promise<Record<string, unknown>> {
  const { jsigs, Proof, holderSuites } = await lib();
  return jsigs.sign(
    {
      '@context': [VC_V2_CONTEXT],
      type: ['VerifiablePresentation'],
      holder: holderDid,
      verifiableCredential: [derived],
    },
    {
      suite: new Proof({
        signer: diSigner(signer, signer.kid),
        date: null,
        cryptosuite: holderSuites[signer.alg],
      }),
      purpose: new jsigs.purposes.AuthenticationProofPurpose({
        challenge: nonce,
        domain: audience,
      }),
      documentLoader,
    },
  );
}

/**
 * Derives a proof revealing `selectivePointers` from a base proof, with the caller's loader (no
 * context allow-list): for test vectors whose contexts are not Sanad's.
 */
export async function deriveProof(
  credential: unknown,
  selectivePointers: string[],
  loader: DocumentLoader,
): Promise<Record<string, unknown>> {
  if (!isPlainObject(credential) || !isPlainObject(credential.proof))
    throw new SanadError('ERR_DI_MALFORMED');
  return derive(credential as Credential, selectivePointers, loader);
}

/**
 * Verifies the Data Integrity proof of a derived credential alone (no context allow-list, no
 * holder, status or trust): for test vectors whose contexts are not Sanad's, with their loader.
 */
export async function verifyDerivedProof(
  credential: unknown,
  loader: DocumentLoader,
): Promise<void> {
  if (!isPlainObject(credential) || !isPlainObject(credential.proof))
    throw new SanadError('ERR_DI_MALFORMED');
  await verifyDerived(credential as Credential, loader);
}

export const ldpVc: CredentialFormatModule = {
  id: 'ldp_vc',
  queryAliases: [],
  presentationFormat: 'ldp_vp',
  configurationSuffix: 'ldp-vc',
  selectiveDisclosure: true,
  httpsIssuer: false,
  cryptosuites: CRYPTOSUITES,
  statusListKind: 'bitstring',
  technicalClaims: new Set(['id']),
  vpFormatsSupported: {
    proof_type_values: ['DataIntegrityProof'],
    cryptosuite_values: ['ecdsa-sd-2023', 'bbs-2023', 'ecdsa-rdfc-2019', 'eddsa-rdfc-2022'],
  },

  recognizes: (text) => text.trimStart().startsWith('{'),
  recognizesPresentation: (text) => text.trimStart().startsWith('{'),

  issue(input) {
    if (input.dataIntegrity)
      return issueDataIntegrity(input, input.dataIntegrity.cryptosuite, input.dataIntegrity.signer);
    if (input.signer.alg !== 'ES256')
      throw new SanadError(
        'ERR_UNSUPPORTED_ALGORITHM',
        'ecdsa-sd-2023 needs a P-256 (ES256) issuer key.',
      );
    return issueDataIntegrity(input, 'ecdsa-sd-2023', diSigner(input.signer, input.issuer.kid));
  },

  async check(raw) {
    let credential: Credential;
    try {
      credential = credentialOf(parse(raw), 'base');
    } catch (err) {
      throw isSanadError(err) && err.code === 'ERR_DI_CONTEXT_NOT_ALLOWED'
        ? err
        : invalid(isSanadError(err) ? err.message : 'The credential is malformed.', err);
    }
    // No suite verifies a base proof as such: a disclosure of everything, verified, checks the
    // issuer's signature over every statement the wallet will ever derive from.
    try {
      const all = Object.keys(personClaims(credential.credentialSubject)).map((n) =>
        pointerOf([n]),
      );
      await verifyDerived(credentialOf(await derive(credential, all), 'derived'));
    } catch (err) {
      throw invalid('The issuer signature does not verify.', err);
    }
    const subject = credential.credentialSubject;
    if (typeof subject.id !== 'string' || !subject.id.startsWith('did:'))
      throw invalid('The credential is not bound to a holder DID (credentialSubject.id).');
    const validUntil =
      typeof credential.validUntil === 'string'
        ? expiry(Math.floor(Date.parse(credential.validUntil) / 1000))
        : undefined;
    return {
      format: 'ldp_vc',
      issuer: credential.issuer,
      credentialType: specificTypes(credential.type).at(-1) ?? 'VerifiableCredential',
      claims: personClaims(subject),
      holderDid: subject.id,
      issuerSignatureChecked: true,
      ...(validUntil ? { validUntil } : {}),
    };
  },

  claimsOf: (raw) => personClaims(credentialOf(parse(raw), 'base').credentialSubject),

  statusOf: (raw) => statusOf(credentialOf(parse(raw), 'base')),

  async present({ raw, holderDid, signer, shared, nonce, audience }) {
    const derived = await derive(credentialOf(parse(raw), 'base'), shared.map(pointerOf));
    return JSON.stringify(await presentation(derived, holderDid, signer, nonce, audience));
  },

  async verify(text, input, facts) {
    const vp = parse(text);
    if (!isPlainObject(vp) || !isPlainObject(vp.proof))
      throw new SanadError(
        'ERR_HOLDER_BINDING_MISSING',
        'A bare credential is not a presentation: the holder must sign a VP.',
      );
    const inner = vp.verifiableCredential;
    if (!Array.isArray(inner) || inner.length !== 1)
      throw new SanadError(
        'ERR_UNSUPPORTED_FORMAT',
        'Sanad verifies one credential per presentation.',
      );
    const credential = credentialOf(inner[0], 'derived');
    facts.issuer = credential.issuer;
    facts.credentialType = specificTypes(credential.type).at(-1) ?? 'VerifiableCredential';
    await verifyDerived(credential);
    input.checkTrust(credential.issuer, specificTypes(credential.type));

    // The holder: the VP is signed by a key of the credential's subject, for this request.
    const holder = vp.holder;
    const subject = credential.credentialSubject;
    const method = vp.proof.verificationMethod;
    if (typeof holder !== 'string' || typeof method !== 'string' || didOf(method) !== holder)
      throw new SanadError('ERR_HOLDER_BINDING_INVALID', 'The VP is not signed by its holder.');
    if (typeof subject.id !== 'string' || didOf(subject.id) !== holder)
      facts.errors.push(new SanadError('ERR_HOLDER_MISMATCH').toReport());
    const { jsigs, Proof, holderSuites } = await lib();
    const holderResult = await jsigs.verify(vp, {
      suite: [
        new Proof({ cryptosuite: holderSuites.ES256 }),
        new Proof({ cryptosuite: holderSuites.EdDSA }),
      ],
      purpose: new jsigs.purposes.AuthenticationProofPurpose({
        challenge: input.nonce,
        domain: input.audience,
      }),
      documentLoader,
    });
    if (!holderResult.verified) {
      // Tell a wrong nonce or verifier apart from a bad signature: only the first may not spend the nonce.
      const { challenge, domain } = vp.proof;
      if (challenge !== input.nonce)
        facts.errors.push(new SanadError('ERR_NONCE_MISMATCH').toReport());
      else if (domain !== input.audience)
        facts.errors.push(new SanadError('ERR_AUDIENCE_MISMATCH').toReport());
      else throw libraryFailure(holderResult.error, 'ERR_HOLDER_BINDING_INVALID');
    } else {
      facts.nonceBound = true;
    }
    const seconds = (value: unknown) =>
      typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : undefined;
    input.checkValidity({
      ...(credential.validUntil !== undefined
        ? { exp: seconds(credential.validUntil) ?? Number.NaN }
        : {}),
      ...(credential.validFrom !== undefined
        ? { nbf: seconds(credential.validFrom) ?? Number.NaN }
        : {}),
    });

    const claims = personClaims(subject);
    facts.claims = claims;
    facts.disclosed = Object.keys(claims).map((k) => [k]);
    facts.dcqlCredential = {
      credential_format: 'ldp_vc',
      type: credential.type,
      claims: { ...credential, credentialSubject: claims },
      cryptographic_holder_binding: true,
    };
    const status = statusOf(credential);
    if (status) facts.status = status;
  },

  dcqlQuery: ({ id, types, claims }) => ({
    id,
    format: 'ldp_vc',
    meta: { type_values: [['VerifiableCredential', ...types]] },
    ...(claims.length > 0
      ? {
          claims: claims.map((path, j) => ({
            id: `claim-${j + 1}`,
            path: ['credentialSubject', ...path],
          })),
        }
      : {}),
  }),

  dcqlView: ({ credentialType, claims }) => ({
    credential_format: 'ldp_vc',
    type: ['VerifiableCredential', credentialType],
    claims: { credentialSubject: claims },
    cryptographic_holder_binding: true,
  }),

  claimPathOf: (path) => (path[0] === 'credentialSubject' ? path.slice(1) : undefined),

  credentialConfiguration: (type, cryptosuite = 'ecdsa-sd-2023') => ({
    format: 'ldp_vc',
    cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
    credential_signing_alg_values_supported: [cryptosuite],
    credential_definition: {
      '@context': CONTEXTS,
      type: ['VerifiableCredential', type.vcType],
    },
  }),
};
