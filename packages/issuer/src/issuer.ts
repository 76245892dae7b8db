/**
 * The issuer: validates claims against the type, signs one copy per holder key (a batch),
 * allocates random status indexes, changes statuses and publishes signed status lists.
 */
import {
  bitstringStatusListSubject,
  type Clock,
  type CredentialBundle,
  type CredentialFormat,
  type CredentialFormatModule,
  createStatusListJwt,
  type Cryptosuite,
  cryptosuiteFor,
  DEFAULT_FORMAT,
  type DiSigner,
  didOf,
  epochSeconds,
  formatOf,
  type HolderKey,
  isPlainObject,
  randomBytes,
  randomId,
  SanadError,
  type Signer,
  signStatusListDataIntegrity,
  signVcJwt,
  systemClock,
  TOKEN_STATUS,
  VC_V1_CONTEXT,
} from '@sanad/core';
import { certifiesKey, namesIssuer, parseCertificate } from '@sanad/core/x509';
import type { CredentialType } from './credential-type.js';
import type {
  CredentialStatus,
  IssuedCredentialRecord,
  IssuerSettings,
  IssuerStore,
  StatusListKind,
} from './store/issuer-store.js';

/** Entries per status list: the W3C minimum (16 KB), so a list reveals little about volume. */
export const DEFAULT_STATUS_LIST_SIZE = 131_072;
/** Published status lists expire after this, so a verifier notices a publisher that stopped. */
export const DEFAULT_STATUS_LIST_VALIDITY_SECONDS = 14 * 24 * 3600;
const DAY_MS = 86_400_000;

export interface IssuerOptions {
  store: IssuerStore;
  signer: Signer;
  /** A DID (did:key, did:jwk, did:web) or an https issuer URL. */
  issuerId: string;
  /** Key id in headers; for a DID issuer a DID URL of that DID. */
  kid: string;
  /** Where status lists are published, e.g. `https://agency.example/status`. */
  statusBaseUrl: string;
  types: CredentialType[];
  clock?: Clock;
  statusListSize?: number;
  statusListValiditySeconds?: number;
  /** How long verifiers may reuse a fetched status list (`ttl`, default 3600 s): the longest a revocation can go unseen. */
  statusListTtlSeconds?: number;
  /** The register's id: status lists are published below it. {@link createIssuer} takes it from the register. */
  registerId?: string;
  /** Keys this register signed with before a rotation: they still sign the status lists of their credentials. */
  retiredSigners?: RetiredSigner[];
  /**
   * An https issuer identifier for SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, JWT VC Issuer Metadata):
   * the credentials carry it as `iss`, with `kid` in their header, and the issuer publishes
   * {@link Issuer.verificationKeys} at its `/.well-known/jwt-vc-issuer`. The register stays the
   * key's (`issuerId`); VC-JWT credentials keep the DID. See {@link Issuer.withSdJwtIssuer}.
   */
  sdJwtIssuer?: string;
  /**
   * A BBS (BLS12-381) key for `ldp_vc` credentials with `bbs-2023` proofs, whose presentations
   * cannot be linked by their proofs. It is a second issuer identifier (its own did:key, listed
   * in the trust list beside `issuerId`); its credentials' status lists are Bitstring Status List
   * credentials it secures itself with Data Integrity, since it signs no JWT.
   */
  bbs?: BbsIssuerKey;
  /**
   * The certificate chain of `signer`'s key (HAIP): leaf first, standard base64 DER, without the
   * root. SD-JWT VC credentials and token status lists then carry it as `x5c`, and verifiers that
   * hold the root as a trust anchor know the issuer by it. The leaf must name the SD-JWT VC
   * issuer (`sdJwtIssuer`, else `issuerId`) as a URI subject alternative name.
   */
  x5c?: readonly string[];
}

/** A BBS issuer key: its did:key, the verification method id, and its Data Integrity signer. */
export interface BbsIssuerKey {
  issuerId: string;
  kid: string;
  signer: DiSigner;
}

/** A retired key's signer, for the status lists of the credentials it signed. */
export interface RetiredSigner {
  issuerId: string;
  kid: string;
  signer: Signer;
}

export interface IssueOptions {
  /** The type's short id (`refugee-status`). */
  type: string;
  format?: CredentialFormat;
  claims: unknown;
  /** One holder key per copy: a batch of N needs N keys. */
  holders: HolderKey[];
  validFrom?: Date;
  validUntil?: Date;
  /** Groups the copies for revocation (default: a fresh random id); the issuer service uses the offer id. */
  batchId?: string;
  /** For `ldp_vc`: `ecdsa-sd-2023` (default, the register's key) or `bbs-2023` (the {@link IssuerOptions.bbs} key). */
  cryptosuite?: Cryptosuite;
}

export interface IssueResult {
  bundle: CredentialBundle;
  batchId: string;
  records: IssuedCredentialRecord[];
}

export interface PublishedStatusList {
  uri: string;
  /** Path below the status base URL, e.g. `tsl/1`; also the file name when written out. */
  path: string;
  kind: StatusListKind;
  /** A `statuslist+jwt`, a BitstringStatusListCredential VC-JWT, or (a BBS key's) that credential as JSON with a Data Integrity proof. */
  token: string;
}

/** A batch to issue again after a key compromise: what the register knows of it, never its claims. */
export interface ReissueBatch {
  batchId: string;
  typeId: string;
  format: CredentialFormat;
  /** Copies of the batch revoked by the drill. */
  copies: number;
  issuedAt: string;
  validUntil: string;
  /** `suspended`: it was suspended before the compromise; decide whether that person gets a new one. */
  statusBefore: Exclude<CredentialStatus, 'revoked'>;
}

/** What revoking every credential of one key does, worked out before anything changes (see {@link Issuer.planKeyRevocation}). */
export interface KeyRevocationPlan {
  /** The identifier whose credentials are revoked. */
  issuerId: string;
  /** The copies to revoke: every one not revoked yet. */
  credentialIds: string[];
  /** Copies of that key already revoked before. */
  alreadyRevoked: number;
  /** The status lists holding the key's credentials: each is re-signed by the next publication. */
  lists: Array<{ uri: string; kind: StatusListKind }>;
  /** The batches whose holders need a credential from the new key: not revoked and not expired before the drill. */
  reissue: ReissueBatch[];
}

/** Copies revoked per store call: each call is one transaction, so a register with a running service is never locked long. */
const REVOKE_CHUNK = 1000;

/** Uniform random integer in [0, max), from the platform CSPRNG, without modulo bias. */
function secureRandom(max: number): number {
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  for (;;) {
    const b = randomBytes(4);
    const n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (n < limit) return n % max;
  }
}

const TRANSITIONS: Record<CredentialStatus, CredentialStatus[]> = {
  valid: ['suspended', 'revoked'],
  suspended: ['valid', 'revoked'],
  revoked: [],
};

/** Refuses a chain whose leaf is not the signer's key or does not name the issuer: every credential would fail. */
function checkCertificateChain(x5c: readonly string[], signer: Signer, issuer: string): void {
  const leaf = parseCertificate(x5c[0] ?? '');
  if (!certifiesKey(leaf, signer.publicJwk))
    throw new SanadError(
      'ERR_INVALID_KEY',
      'The leaf certificate (x5c) is not for the signing key: certify the current key (after a key rotation, `sanad pki issuer --renew`).',
    );
  if (!namesIssuer(leaf, issuer))
    throw new SanadError(
      'ERR_X509_NAME_MISMATCH',
      `The leaf certificate does not name the issuer ${issuer} as a URI subject alternative name.`,
    );
}

export class Issuer {
  readonly issuerId: string;
  readonly kid: string;
  readonly types: ReadonlyMap<string, CredentialType>;
  readonly #options: IssuerOptions;
  readonly #clock: Clock;

  constructor(options: IssuerOptions) {
    if (
      options.issuerId.startsWith('did:') &&
      options.kid.startsWith('did:') &&
      didOf(options.kid) !== options.issuerId
    ) {
      throw new SanadError('ERR_INVALID_KEY', 'The key id must belong to the issuer DID.');
    }
    if (options.x5c)
      checkCertificateChain(options.x5c, options.signer, options.sdJwtIssuer ?? options.issuerId);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.issuerId = options.issuerId;
    this.kid = options.kid;
    this.types = new Map(options.types.map((t) => [t.definition.id, t]));
  }

  /** The BBS key's identifier (`did:key:zUC7…`) when this issuer has one: it issues `bbs-2023` too. */
  get bbsIssuerId(): string | undefined {
    return this.#options.bbs?.issuerId;
  }

  /** The `iss` of the SD-JWT VC credentials: the https identifier when one is set, else `issuerId`. */
  get sdJwtIssuer(): string {
    return this.#options.sdJwtIssuer ?? this.issuerId;
  }

  /** The same register and keys, issuing SD-JWT VC as the https identifier `url`. */
  withSdJwtIssuer(url: string): Issuer {
    return new Issuer({ ...this.#options, sdJwtIssuer: url });
  }

  /**
   * The public keys that verify what this issuer signs, each under the `kid` its signatures
   * carry: the current key and the retired keys it still holds (their credentials may be valid).
   */
  get verificationKeys(): Array<{ kid: string; alg: string; publicJwk: Signer['publicJwk'] }> {
    return [
      { kid: this.kid, signer: this.#options.signer },
      ...(this.#options.retiredSigners ?? []),
    ].map(({ kid, signer }) => ({ kid, alg: signer.alg, publicJwk: signer.publicJwk }));
  }

  /** The issuer's signing key (the services sign their access tokens and metadata with it). */
  get signer(): Signer {
    return this.#options.signer;
  }

  #type(id: string): CredentialType {
    const type = this.types.get(id);
    if (!type)
      throw new SanadError(
        'ERR_CREDENTIAL_TYPE_UNKNOWN',
        `No credential type "${id}" is defined here.`,
      );
    return type;
  }

  #statusUri(
    kind: StatusListKind,
    listId: number,
    purpose?: 'revocation' | 'suspension',
  ): { uri: string; path: string } {
    const list = kind === 'token' ? `tsl/${listId}` : `bsl/${listId}/${purpose}`;
    const path = this.#options.registerId ? `${this.#options.registerId}/${list}` : list;
    return { uri: `${this.#options.statusBaseUrl.replace(/\/+$/, '')}/${path}`, path };
  }

  /**
   * Issues one credential as `holders.length` unlinkable copies.
   *
   * @example
   * ```ts
   * const { bundle } = await issuer.issue({ type: 'refugee-status', claims, holders })
   * ```
   */
  async issue(options: IssueOptions): Promise<IssueResult> {
    const type = this.#type(options.type);
    const format = formatOf(options.format ?? DEFAULT_FORMAT);
    const claims = type.validateClaims(options.claims);
    if (!Array.isArray(options.holders) || options.holders.length === 0)
      throw new SanadError('ERR_INVALID_INPUT', 'At least one holder key is needed.');
    for (const holder of options.holders) {
      if (
        !isPlainObject(holder) ||
        typeof holder.did !== 'string' ||
        !isPlainObject(holder.jwk) ||
        'd' in holder.jwk
      ) {
        throw new SanadError('ERR_INVALID_KEY', 'A holder key must be a DID with its public JWK.');
      }
    }
    const now = this.#clock.now();
    const validFrom = options.validFrom ?? new Date(now);
    const validUntil =
      options.validUntil ?? new Date(validFrom.getTime() + type.definition.validity.days * DAY_MS);
    if (!(validUntil.getTime() > validFrom.getTime()))
      throw new SanadError('ERR_INVALID_INPUT', 'validUntil must be after validFrom.');
    const batchId = options.batchId ?? randomId();
    const kind: StatusListKind = format.statusListKind;
    const bbs = this.#bbsFor(format, options.cryptosuite);
    const records = await this.#options.store.recordCredentials(
      options.holders.map(() => ({
        id: randomId(),
        batchId,
        typeId: type.definition.id,
        format: format.id,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
        issuedAt: new Date(now).toISOString(),
      })),
      {
        kind,
        listSize: this.#options.statusListSize ?? DEFAULT_STATUS_LIST_SIZE,
        issuerId: bbs?.issuerId ?? this.issuerId,
        random: secureRandom,
      },
    );
    const nbf = Math.floor(validFrom.getTime() / 1000);
    const exp = Math.floor(validUntil.getTime() / 1000);
    const iat = Math.floor(now / 1000);
    const credentials = await Promise.all(
      records.map((record, i) =>
        format.issue({
          signer: this.#options.signer,
          // An https identifier where the format can name one (JWT VC Issuer Metadata), else the DID.
          issuer: bbs
            ? { id: bbs.issuerId, kid: bbs.kid }
            : format.httpsIssuer
              ? {
                  id: this.sdJwtIssuer,
                  kid: this.kid,
                  ...(this.#options.x5c ? { x5c: this.#options.x5c } : {}),
                }
              : { id: this.issuerId, kid: this.kid },
          ...(bbs
            ? { dataIntegrity: { cryptosuite: 'bbs-2023' as const, signer: bbs.signer } }
            : {}),
          type: type.definition,
          claims,
          holder: options.holders[i]!,
          credentialId: record.id,
          iat,
          nbf,
          exp,
          status: {
            index: record.index,
            uri: (purpose: 'revocation' | 'suspension') =>
              this.#statusUri(kind, record.listId, purpose).uri,
          },
        }),
      ),
    );
    return {
      batchId,
      records,
      bundle: {
        type: 'sanad-credential-bundle',
        version: 1,
        format: format.id,
        credentials,
        metadata: type.metadata,
      },
    };
  }

  /** The copies an id names: a credential id, or a batch id (every copy of that batch). */
  async #resolveIds(id: string): Promise<IssuedCredentialRecord[]> {
    const one = await this.#options.store.getCredential(id);
    if (one) return [one];
    const batch = await this.#options.store.credentialsOfBatch(id);
    if (batch.length === 0) throw new SanadError('ERR_CREDENTIAL_NOT_FOUND');
    return batch;
  }

  async #transition(id: string, to: CredentialStatus): Promise<IssuedCredentialRecord[]> {
    const records = await this.#resolveIds(id);
    for (const r of records) {
      if (r.status !== to && !TRANSITIONS[r.status].includes(to)) {
        throw new SanadError(
          'ERR_STATUS_TRANSITION_INVALID',
          `A ${r.status} credential cannot become ${to}.`,
        );
      }
    }
    await this.#options.store.setStatus(
      records.map((r) => r.id),
      to,
    );
    return records.map((r) => ({ ...r, status: to }));
  }

  /** Revokes a credential or a whole batch. Final. Publish the status lists afterwards. */
  revoke(id: string): Promise<IssuedCredentialRecord[]> {
    return this.#transition(id, 'revoked');
  }

  /** Suspends a credential or batch; `reinstate` undoes it. */
  suspend(id: string): Promise<IssuedCredentialRecord[]> {
    return this.#transition(id, 'suspended');
  }

  /** Makes a suspended credential or batch valid again (never a revoked one). */
  async reinstate(id: string): Promise<IssuedCredentialRecord[]> {
    const records = await this.#resolveIds(id);
    if (records.some((r) => r.status === 'revoked'))
      throw new SanadError(
        'ERR_STATUS_TRANSITION_INVALID',
        'A revoked credential cannot be reinstated.',
      );
    return this.#transition(id, 'valid');
  }

  /**
   * After a key compromise (and its rotation): every credential signed by the retired key
   * `key` (its DID, or a key id of it), found through the status lists that key signs, and the
   * batches to issue again. Changes nothing; {@link Issuer.revokePlanned} carries it out.
   *
   * @example
   * ```ts
   * const plan = await issuer.planKeyRevocation(compromisedDid)
   * await issuer.revokePlanned(plan)
   * ```
   */
  async planKeyRevocation(key: string): Promise<KeyRevocationPlan> {
    const issuerId = key.startsWith('did:') ? didOf(key) : key;
    const settings = await this.#options.store.getSettings();
    if (!settings) throw new SanadError('ERR_ISSUER_NOT_INITIALIZED');
    if (issuerId === settings.issuerId) {
      throw new SanadError(
        'ERR_INVALID_INPUT',
        'That is the current signing key: rotate to a new key first (`sanad issuer rotate-key`), then revoke what the old one signed.',
      );
    }
    const retired = settings.retiredKeys ?? [];
    if (!retired.some((k) => k.issuerId === issuerId))
      throw new SanadError(
        'ERR_INVALID_INPUT',
        'That identifier is not a key this register has signed with.',
      );
    // Lists made before key rotation existed name no key: they belong to the register's first key.
    const firstKey = retired[0]!.issuerId;
    const now = this.#clock.now();
    const credentialIds: string[] = [];
    const reissue = new Map<string, ReissueBatch>();
    const lists: KeyRevocationPlan['lists'] = [];
    let alreadyRevoked = 0;
    for (const list of await this.#options.store.statusLists()) {
      if ((list.issuerId ?? firstKey) !== issuerId) continue;
      if (list.kind === 'token')
        lists.push({ uri: this.#statusUri('token', list.id).uri, kind: 'token' });
      else
        for (const purpose of ['revocation', 'suspension'] as const)
          lists.push({
            uri: this.#statusUri('bitstring', list.id, purpose).uri,
            kind: 'bitstring',
          });
      for (const record of await this.#options.store.credentialsOfList(list.id)) {
        if (record.status === 'revoked') {
          alreadyRevoked += 1;
          continue;
        }
        credentialIds.push(record.id);
        if (Date.parse(record.validUntil) <= now) continue;
        const batch = reissue.get(record.batchId);
        if (batch) {
          batch.copies += 1;
          if (record.status === 'valid') batch.statusBefore = 'valid';
        } else {
          reissue.set(record.batchId, {
            batchId: record.batchId,
            typeId: record.typeId,
            format: record.format,
            copies: 1,
            issuedAt: record.issuedAt,
            validUntil: record.validUntil,
            statusBefore: record.status,
          });
        }
      }
    }
    return {
      issuerId,
      credentialIds,
      alreadyRevoked,
      lists,
      reissue: [...reissue.values()].sort(
        (a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.batchId.localeCompare(b.batchId),
      ),
    };
  }

  /**
   * Revokes every copy of a {@link KeyRevocationPlan}, in small transactions. Final; publish
   * the status lists afterwards. Run again after a stop, a new plan finds only what is left.
   */
  async revokePlanned(
    plan: KeyRevocationPlan,
    options: { onProgress?: (done: number, total: number) => void } = {},
  ): Promise<number> {
    const total = plan.credentialIds.length;
    for (let done = 0; done < total; ) {
      const chunk = plan.credentialIds.slice(done, done + REVOKE_CHUNK);
      await this.#options.store.setStatus(chunk, 'revoked');
      done += chunk.length;
      options.onProgress?.(done, total);
    }
    return total;
  }

  /** What the register holds: ids, types, status positions and dates. No claim values. */
  listCredentials(): Promise<IssuedCredentialRecord[]> {
    return this.#options.store.listCredentials();
  }

  /**
   * Signs every status list as it stands now: Token Status List JWTs (2 bits: valid,
   * invalid, suspended) and Bitstring Status List credentials (revocation and suspension).
   *
   * @example
   * ```ts
   * for (const list of await issuer.publishStatusLists()) await writeFile(`out/${list.path}`, list.token)
   * ```
   */
  async publishStatusLists(): Promise<PublishedStatusList[]> {
    const iat = epochSeconds(this.#clock);
    const exp =
      iat + (this.#options.statusListValiditySeconds ?? DEFAULT_STATUS_LIST_VALIDITY_SECONDS);
    const out: PublishedStatusList[] = [];
    for (const list of await this.#options.store.statusLists()) {
      const entries = await this.#options.store.nonValidEntries(list.id);
      const bbs = this.#options.bbs;
      if (bbs && list.kind === 'bitstring' && list.issuerId === bbs.issuerId) {
        out.push(...(await this.#bbsStatusLists(list.id, list.size, entries, bbs, iat, exp)));
        continue;
      }
      // A list is signed by the key that signed its credentials, also after a rotation.
      const key = this.#keyFor(
        list.issuerId ?? this.issuerId,
        list.kind === 'token' ? `tsl/${list.id}` : `bsl/${list.id}`,
      );
      if (list.kind === 'token') {
        const statuses = new Uint8Array(list.size);
        for (const e of entries)
          statuses[e.index] =
            e.status === 'revoked' ? TOKEN_STATUS.INVALID : TOKEN_STATUS.SUSPENDED;
        const { uri, path } = this.#statusUri('token', list.id);
        const token = await createStatusListJwt(key.signer, {
          uri,
          // With an https identifier, a list may hold credentials issued before as the DID and
          // after as the URL: it names no `iss` (the Token Status List draft does not require
          // one) and is bound to each by its key, found under the credential's own issuer by `kid`.
          ...(this.#options.sdJwtIssuer === undefined ? { issuer: key.issuerId } : {}),
          kid: key.kid,
          ...(this.#options.x5c && key.signer === this.#options.signer
            ? { x5c: this.#options.x5c }
            : {}),
          statuses,
          bits: 2,
          iat,
          exp,
          ttl: this.#options.statusListTtlSeconds ?? 3600,
        });
        out.push({ uri, path, kind: 'token', token });
        continue;
      }
      for (const purpose of ['revocation', 'suspension'] as const) {
        const { uri, path, bits } = this.#bitstring(list.id, list.size, entries, purpose);
        const token = await signVcJwt(
          key.signer,
          { id: key.issuerId, kid: key.kid },
          {
            jti: uri,
            nbf: iat,
            exp,
            vc: {
              '@context': [VC_V1_CONTEXT],
              type: ['VerifiableCredential', 'BitstringStatusListCredential'],
              credentialSubject: bitstringStatusListSubject(uri, purpose, bits),
            },
          },
        );
        out.push({ uri, path, kind: 'bitstring', token });
      }
    }
    return out;
  }

  #bitstring(
    listId: number,
    size: number,
    entries: Array<{ index: number; status: CredentialStatus }>,
    purpose: 'revocation' | 'suspension',
  ): { uri: string; path: string; bits: Uint8Array } {
    const bits = new Uint8Array(size);
    for (const e of entries)
      if ((purpose === 'revocation') === (e.status === 'revoked')) bits[e.index] = 1;
    return { ...this.#statusUri('bitstring', listId, purpose), bits };
  }

  /** A BBS key's lists: Bitstring Status List credentials it secures itself (it signs no JWT). */
  async #bbsStatusLists(
    listId: number,
    size: number,
    entries: Array<{ index: number; status: CredentialStatus }>,
    bbs: BbsIssuerKey,
    iat: number,
    exp: number,
  ): Promise<PublishedStatusList[]> {
    const out: PublishedStatusList[] = [];
    for (const purpose of ['revocation', 'suspension'] as const) {
      const { uri, path, bits } = this.#bitstring(listId, size, entries, purpose);
      const token = await signStatusListDataIntegrity(
        {
          uri,
          issuer: bbs.issuerId,
          subject: bitstringStatusListSubject(uri, purpose, bits),
          validFrom: iat,
          validUntil: exp,
          ttlSeconds: this.#options.statusListTtlSeconds ?? 3600,
        },
        'bbs-2023',
        bbs.signer,
      );
      out.push({ uri, path, kind: 'bitstring', token });
    }
    return out;
  }

  /** The BBS key when `cryptosuite` is bbs-2023 (a suite the format must offer); else the register's key signs. */
  #bbsFor(
    format: CredentialFormatModule,
    cryptosuite: Cryptosuite | undefined,
  ): BbsIssuerKey | undefined {
    if (cryptosuiteFor(format, cryptosuite) !== 'bbs-2023') return undefined;
    if (!this.#options.bbs) throw new SanadError('ERR_BBS_KEY_MISSING');
    return this.#options.bbs;
  }

  #keyFor(issuerId: string, list: string): RetiredSigner {
    if (issuerId === this.issuerId)
      return { issuerId, kid: this.kid, signer: this.#options.signer };
    const retired = this.#options.retiredSigners?.find((k) => k.issuerId === issuerId);
    if (!retired)
      throw new SanadError(
        'ERR_RETIRED_KEY_MISSING',
        `Status list ${list} holds credentials signed by ${issuerId}, whose key is not available to sign it.`,
      );
    return retired;
  }
}

/** A random register id of 8 base32 characters (40 bits), short enough for every status-list URL. */
function newRegisterId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(8), (b) => alphabet[b & 31]).join('');
}

/**
 * The settings a new register starts with, including its random register id.
 *
 * @example
 * ```ts
 * await store.saveSettings(newIssuerSettings({ issuerId: did, kid, alg: 'ES256', statusBaseUrl }))
 * ```
 */
export function newIssuerSettings(key: {
  issuerId: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  statusBaseUrl: string;
}): IssuerSettings {
  return {
    ...key,
    statusBaseUrl: key.statusBaseUrl.replace(/\/+$/, ''),
    registerId: newRegisterId(),
  };
}

/**
 * Creates an issuer over a store, saving its settings on first use.
 *
 * @example
 * ```ts
 * const issuer = await createIssuer({ store, signer, issuerId: did, kid, statusBaseUrl, types: [refugeeStatusType] })
 * ```
 */
export async function createIssuer(options: IssuerOptions): Promise<Issuer> {
  const ttl = options.statusListTtlSeconds;
  // Token Status List section 5.1: a positive number; 0 would tell verifiers nothing useful.
  if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl > 0))
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'statusListTtlSeconds must be a whole number of seconds, 1 or more.',
    );
  let settings = await options.store.getSettings();
  if (!settings) {
    settings = newIssuerSettings({
      issuerId: options.issuerId,
      kid: options.kid,
      alg: options.signer.alg,
      statusBaseUrl: options.statusBaseUrl,
    });
    await options.store.saveSettings(settings);
  } else if (settings.issuerId !== options.issuerId) {
    if (settings.retiredKeys?.some((k) => k.issuerId === options.issuerId))
      throw new SanadError(
        'ERR_ISSUER_KEY_MISMATCH',
        'That key was retired by a key rotation: issue with the current key.',
      );
    throw new SanadError(
      'ERR_ISSUER_ALREADY_INITIALIZED',
      'This register belongs to another issuer identifier.',
    );
  }
  if (options.bbs && settings.bbsIssuerId !== options.bbs.issuerId) {
    // The BBS key joins the register once: another one later would orphan its status lists.
    if (settings.bbsIssuerId !== undefined)
      throw new SanadError(
        'ERR_ISSUER_KEY_MISMATCH',
        'This register already has another BBS key (bbs-key.json).',
      );
    settings = { ...settings, bbsIssuerId: options.bbs.issuerId };
    await options.store.saveSettings(settings);
  }
  return new Issuer({
    ...options,
    ...(settings.registerId ? { registerId: settings.registerId } : {}),
  });
}
