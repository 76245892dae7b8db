/**
 * The holder wallet: encrypted storage, keys and DIDs through Veramo, import, DCQL matching,
 * an explicit consent step, presentations from unused copies, history and backups.
 */
import { DcqlQuery } from 'dcql';
import {
  type Clock,
  type CredentialBundle,
  type DidResolverOptions,
  formatOf,
  type HolderKey,
  isPlainObject,
  numericDate,
  type PresentationRequest,
  type PresentationResponse,
  pathsOverlap,
  randomId,
  SanadError,
  type SignatureAlgorithm,
  systemClock,
  tryParseJson,
  utf8,
  fromUtf8,
  type VerifierRegistry,
} from '@sanad/core';
import { checkCredential, claimLabel, claimPaths, typeName } from './credentials.js';
import { matchCredentials } from './dcql-match.js';
import { type ReceiveOptions, receiveCredentialOffer } from './openid4vc/receive.js';
import {
  dcApiResponse,
  type OpenedRequest,
  type RespondOptions,
  resolveDcApiRequest,
  resolvePresentationRequest,
  type SubmitResult,
  submitPresentationResponse,
} from './openid4vc/respond.js';
import {
  emptyDocument,
  type HistoryEntry,
  type StoredCredential,
  type WalletDocument,
} from './document.js';
import { createTranslator } from './messages/translator.js';
import {
  type CredentialStatusRecord,
  type ExpiryState,
  expiryOf,
  refreshCredentialStatuses,
  type StatusRefreshOptions,
  type StatusRefreshResult,
} from './status/credential-status.js';
import { localized, registrationOf, type VerifierRegistration } from './registration.js';
import {
  agentSigner,
  createHolderKey,
  createWalletAgent,
  type WalletAgent,
} from './veramo/agent.js';
import {
  belowFloor,
  browserKdf,
  DEFAULT_KDF,
  exportSessionKey,
  importSessionKey,
  type Kdf,
  type KdfParams,
  type KdfPolicy,
  newSessionKey,
  openEnvelope,
  openEnvelopeWithKey,
  raisedKdf,
  sameKdf,
  sealEnvelope,
  type SessionKey,
} from './vault/envelope.js';
import { parseRecoverySecret } from './vault/recovery-secret.js';
import type { WalletStorage } from './vault/storage.js';

export interface WalletOptions {
  /** Default: Argon2id in WebAssembly and scrypt in pure JS; Node callers pass `nodeScrypt`. */
  kdf?: Kdf;
  /**
   * KDF and cost for new envelopes (never below the policy floor); default scrypt
   * {@link DEFAULT_KDF}. A wallet sealed with another KDF is re-sealed with this one when opened.
   */
  kdfParams?: KdfParams;
  kdfPolicy?: KdfPolicy;
  clock?: Clock;
  did?: DidResolverOptions;
}

/** A claim as shown to the holder. */
export interface ClaimView {
  path: string[];
  label: string;
  value: unknown;
}

export interface CredentialSummary {
  id: string;
  format: StoredCredential['format'];
  name: string;
  credentialType: string;
  issuer: string;
  /** The issuer's name in the holder's language, when the issuer gave one (OpenID4VCI `display`). */
  issuerName?: string;
  validUntil?: string;
  /** `expired`, or `expires-soon` within 30 days of `validUntil`. */
  expiry?: ExpiryState;
  /** The issuer's status at the last check ({@link Wallet.refreshStatus}); absent until checked. */
  status?: CredentialStatusRecord;
  copies: number;
  unusedCopies: number;
  issuerSignatureChecked: boolean;
}

export interface CredentialDetails extends CredentialSummary {
  claims: ClaimView[];
}

export interface ProposalItem {
  queryId: string;
  credentialId: string;
  credentialName: string;
  /** The verifier learns the credential's type and issuer as well as the claims shared. */
  credentialType: string;
  issuer: { id: string; name?: string };
  format: StoredCredential['format'];
  /** What will be shared, in the holder's words. */
  shared: Array<{ path: Array<string | number | null>; label: string }>;
  /** What stays in the wallet. */
  withheld: string[];
  /** VC-JWT has no selective disclosure: the whole credential is shared. */
  sharesEverything: boolean;
  /** False when every copy was used before, so the verifier could link this to an earlier presentation. */
  freshCopy: boolean;
}

/** What the wallet proposes to send; shown to the holder before any decision. */
export interface PresentationProposal {
  readonly request: PresentationRequest;
  /** `name` is what the request calls itself; `registration` is what the pinned registry says. */
  readonly verifier: { clientId: string; name?: string; registration: VerifierRegistration };
  readonly purpose: string;
  readonly items: ProposalItem[];
  /**
   * The same, as lines of text for a terminal or a screen reader, in the holder's language (the
   * shared messages of `@sanad/wallet/messages`); names from the verifier and the issuer are
   * cleaned of control characters and bidi-isolated.
   */
  readonly summary: string[];
}

/** The holder's answer. Only `Wallet.decide` can make one; `present` accepts nothing else. */
export interface ConsentDecision {
  readonly proposal: PresentationProposal;
  readonly approved: boolean;
}

/** JSON with sorted keys: copies disclose the same claims in different orders. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : isPlainObject(value)
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
          .join(',')}}`
      : JSON.stringify(value);
/** A claim path as text; DCQL allows only names, indexes and null (anything else is shown as `?`). */
const pathKey = (path: ReadonlyArray<unknown>): string =>
  path
    .map((p) => (p === null ? '[]' : typeof p === 'string' || typeof p === 'number' ? `${p}` : '?'))
    .join('.');

export class Wallet {
  readonly #storage: WalletStorage;
  readonly #options: WalletOptions;
  readonly #clock: Clock;
  #doc: WalletDocument;
  #key: SessionKey;
  /** The save number of the bytes in storage. */
  #generation: number;
  readonly #agent: WalletAgent;
  /** Decisions this instance issued, and whether each was used. Unforgeable: module-private. */
  readonly #decisions = new WeakMap<ConsentDecision, { used: boolean }>();
  readonly #proposals = new WeakSet<PresentationProposal>();

  /** @internal Use {@link createWallet} or {@link openWallet}. */
  constructor(
    storage: WalletStorage,
    doc: WalletDocument,
    key: SessionKey,
    options: WalletOptions,
    generation = 0,
  ) {
    this.#storage = storage;
    this.#doc = doc;
    this.#key = key;
    this.#generation = generation;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#agent = createWalletAgent({ doc: () => this.#doc, save: () => this.#save() });
  }

  async #save(): Promise<void> {
    const generation = this.#generation + 1;
    await this.#storage.write(
      sealEnvelope(this.#key, utf8(JSON.stringify(this.#doc)), generation),
      generation,
    );
    this.#generation = generation;
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #credential(id: string): StoredCredential {
    const found = this.#doc.credentials.find((c) => c.id === id);
    if (!found) throw new SanadError('ERR_CREDENTIAL_NOT_FOUND');
    return found;
  }

  /**
   * Makes `count` fresh holder keys (one per batch copy) and returns their public halves.
   *
   * @example
   * ```ts
   * const keys = await wallet.createHolderKeys(3) // hand these to the issuer
   * ```
   */
  async createHolderKeys(count: number, alg: SignatureAlgorithm = 'ES256'): Promise<HolderKey[]> {
    if (!Number.isInteger(count) || count < 1 || count > 100)
      throw new SanadError('ERR_INVALID_INPUT', 'Ask for 1 to 100 keys.');
    const keys: HolderKey[] = [];
    for (let i = 0; i < count; i += 1) keys.push(await createHolderKey(this.#agent, alg));
    return keys;
  }

  /**
   * Receives a credential from an OpenID4VCI offer (pre-authorized code, PIN asked through
   * `options.txCode`), as a batch of copies on fresh keys, checked and imported like {@link import}.
   *
   * @example
   * ```ts
   * const card = await wallet.receive(offerUri, { txCode: async () => prompt('PIN') })
   * ```
   */
  async receive(offerUri: string, options: ReceiveOptions = {}): Promise<CredentialSummary> {
    const received = await receiveCredentialOffer(
      offerUri,
      {
        createKeys: (count, alg) => this.createHolderKeys(count, alg),
        signerFor: (did) => agentSigner(this.#agent, did),
      },
      options,
    );
    return this.#import(received.bundle, received.issuerDisplay);
  }

  /**
   * Imports a credential bundle (several copies) or one bare SD-JWT VC / VC-JWT, after checking
   * each copy: format, issuer signature, disclosures, and that it is bound to this wallet's key.
   */
  import(input: CredentialBundle | string): Promise<CredentialSummary> {
    return this.#import(input);
  }

  async #import(
    input: CredentialBundle | string,
    issuerDisplay: StoredCredential['issuerDisplay'] = [],
  ): Promise<CredentialSummary> {
    let raws: string[];
    let metadata: CredentialBundle['metadata'] | undefined;
    const parsed =
      typeof input === 'string' && input.trim().startsWith('{') ? tryParseJson(input) : input;
    if (typeof parsed === 'string') {
      raws = [parsed];
    } else if (
      isPlainObject(parsed) &&
      parsed.type === 'sanad-credential-bundle' &&
      Array.isArray(parsed.credentials) &&
      parsed.credentials.every((c) => typeof c === 'string')
    ) {
      raws = parsed.credentials as string[];
      metadata = isPlainObject(parsed.metadata)
        ? (parsed.metadata as unknown as CredentialBundle['metadata'])
        : undefined;
    } else {
      throw new SanadError(
        'ERR_UNSUPPORTED_FORMAT',
        'Expected a credential bundle, an SD-JWT VC or a VC-JWT.',
      );
    }
    if (raws.length === 0 || raws.length > 100)
      throw new SanadError('ERR_CREDENTIAL_INVALID', 'A bundle holds 1 to 100 copies.');
    const checked = [];
    for (const raw of raws) {
      const c = await checkCredential(raw, this.#options.did);
      if (!(c.holderDid in this.#doc.dids))
        throw new SanadError(
          'ERR_CREDENTIAL_INVALID',
          'The credential is bound to a key this wallet does not hold.',
        );
      checked.push({ ...c, raw: raw.trim() });
    }
    const first = checked[0]!;
    if (
      checked.some(
        (c) =>
          c.issuer !== first.issuer ||
          c.credentialType !== first.credentialType ||
          c.format !== first.format ||
          canonical(c.claims) !== canonical(first.claims),
      )
    ) {
      throw new SanadError(
        'ERR_CREDENTIAL_INVALID',
        'The copies in the bundle are not copies of one credential.',
      );
    }
    const existingRaw = new Set(this.#doc.credentials.flatMap((c) => c.copies.map((k) => k.raw)));
    if (checked.some((c) => existingRaw.has(c.raw)))
      throw new SanadError('ERR_CREDENTIAL_INVALID', 'This credential is already in the wallet.');
    const stored: StoredCredential = {
      id: randomId().slice(0, 8),
      format: first.format,
      issuer: first.issuer,
      credentialType: first.credentialType,
      ...(metadata ? { metadata } : {}),
      ...(issuerDisplay.length > 0 ? { issuerDisplay } : {}),
      claims: first.claims,
      ...(first.validUntil ? { validUntil: first.validUntil } : {}),
      issuerSignatureChecked: checked.every((c) => c.issuerSignatureChecked),
      importedAt: this.#now(),
      copies: checked.map((c) => ({ raw: c.raw, holderDid: c.holderDid })),
    };
    this.#doc.credentials.push(stored);
    await this.#save();
    return this.#summary(stored, 'en');
  }

  #summary(c: StoredCredential, locale: string): CredentialSummary {
    return {
      id: c.id,
      format: c.format,
      name: typeName(c.metadata, c.credentialType, locale),
      credentialType: c.credentialType,
      issuer: c.issuer,
      ...(c.issuerDisplay?.length
        ? {
            issuerName: (
              c.issuerDisplay.find((d) => d.locale === locale) ??
              c.issuerDisplay.find((d) => d.locale === 'en') ??
              c.issuerDisplay[0]!
            ).name,
          }
        : {}),
      ...(c.validUntil ? { validUntil: c.validUntil } : {}),
      ...(expiryOf(c.validUntil, this.#clock.now())
        ? { expiry: expiryOf(c.validUntil, this.#clock.now())! }
        : {}),
      ...(c.status ? { status: { ...c.status } } : {}),
      copies: c.copies.length,
      unusedCopies: c.copies.filter((k) => !k.usedAt).length,
      issuerSignatureChecked: c.issuerSignatureChecked,
    };
  }

  /** The credentials held, named in the holder's language. */
  list(locale = 'en'): CredentialSummary[] {
    return this.#doc.credentials.map((c) => this.#summary(c, locale));
  }

  /** One credential with every claim and its label in the holder's language. */
  show(id: string, locale = 'en'): CredentialDetails {
    const c = this.#credential(id);
    const claims = claimPaths(c.claims).map((path) => ({
      path,
      label: claimLabel(c.metadata, path, locale),
      value: path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], c.claims),
    }));
    return { ...this.#summary(c, locale), claims };
  }

  /**
   * Asks the issuers whether the credentials held are still valid: each status list is fetched
   * whole and once (whatever the number of credentials on it), its signature checked against the
   * credential's issuer. Offline, or given a list that fails its checks, a credential keeps its
   * last known status and the result says why.
   *
   * @example
   * ```ts
   * const found = await wallet.refreshStatus({ fetch })
   * wallet.list().filter((c) => c.status?.value === 'revoked')
   * ```
   */
  async refreshStatus(options: StatusRefreshOptions = {}): Promise<StatusRefreshResult[]> {
    const before = JSON.stringify(this.#doc.credentials.map((c) => c.status));
    const results = await refreshCredentialStatuses(this.#doc.credentials, this.#clock, {
      ...options,
      ...(this.#options.did ? { did: this.#options.did } : {}),
    });
    if (JSON.stringify(this.#doc.credentials.map((c) => c.status)) !== before) await this.#save();
    return results;
  }

  /** Deletes a credential and all its copies. */
  async delete(id: string): Promise<void> {
    this.#credential(id);
    this.#doc.credentials = this.#doc.credentials.filter((c) => c.id !== id);
    await this.#save();
  }

  #checkRequest(request: PresentationRequest): DcqlQuery {
    if (
      !isPlainObject(request) ||
      typeof request.client_id !== 'string' ||
      typeof request.nonce !== 'string' ||
      !isPlainObject(request.purpose)
    ) {
      throw new SanadError('ERR_REQUEST_INVALID');
    }
    const exp = numericDate(request.exp);
    if (exp === undefined || exp * 1000 < this.#clock.now())
      throw new SanadError('ERR_REQUEST_INVALID', 'The request has expired.');
    try {
      const query = DcqlQuery.parse(request.dcql_query as DcqlQuery.Input);
      DcqlQuery.validate(query);
      return query;
    } catch (cause) {
      throw new SanadError('ERR_REQUEST_INVALID', 'The DCQL query is not valid.', { cause });
    }
  }

  /**
   * Which stored credentials can answer each credential query of the request (DCQL).
   *
   * @example
   * ```ts
   * wallet.match(request) // [{ queryId: 'refugee', credentialIds: ['3f2a9c1b'] }]
   * ```
   */
  match(request: PresentationRequest): Array<{ queryId: string; credentialIds: string[] }> {
    const query = this.#checkRequest(request);
    return matchCredentials(query, this.#doc.credentials);
  }

  /**
   * The credential to offer first among those that answer a query: one still usable (not known
   * revoked, suspended or expired) before one that is not, then one with an unused copy, then the
   * newest. After a re-issuance the holder holds the old card and the new: the new one is offered.
   */
  #bestOf(credentialIds: string[]): string | undefined {
    const now = this.#clock.now();
    const rank = (c: StoredCredential): number[] => [
      c.status?.value === 'revoked' ||
      c.status?.value === 'suspended' ||
      expiryOf(c.validUntil, now) === 'expired'
        ? 1
        : 0,
      c.copies.some((k) => !k.usedAt) ? 0 : 1,
      -Date.parse(c.importedAt),
    ];
    const ranked = credentialIds.map((id) => ({ id, rank: rank(this.#credential(id)) }));
    const first = (a: number[], b: number[]): number => {
      const i = a.findIndex((r, k) => r !== b[k]);
      return i === -1 ? 0 : a[i]! - b[i]!;
    };
    ranked.sort((a, b) => first(a.rank, b.rank));
    return ranked[0]?.id;
  }

  /**
   * Prepares what would be shared with whom and why, for the holder to decide on.
   *
   * @example
   * ```ts
   * const proposal = wallet.propose(request, { locale: 'ar' })
   * console.log(proposal.summary.join('\n'))
   * ```
   */
  propose(
    request: PresentationRequest,
    options: {
      locale?: string;
      choose?: Record<string, string>;
      registry?: VerifierRegistry | undefined;
    } = {},
  ): PresentationProposal {
    const locale = options.locale ?? 'en';
    const query = this.#checkRequest(request);
    const matches = this.match(request);
    const items: ProposalItem[] = matches.map(({ queryId, credentialIds }) => {
      const chosen = options.choose?.[queryId] ?? this.#bestOf(credentialIds);
      if (!chosen || !credentialIds.includes(chosen))
        throw new SanadError('ERR_NO_MATCHING_CREDENTIAL');
      const c = this.#credential(chosen);
      const q = query.credentials.find((x) => x.id === queryId)!;
      const format = formatOf(c.format);
      const requested = (q.claims ?? [])
        .map((claim) => ('path' in claim ? (claim.path as Array<string | number | null>) : []))
        .map((p) => format.claimPathOf(p) ?? p);
      const all = claimPaths(c.claims);
      const sharesEverything = !format.selectiveDisclosure;
      const sharedPaths = sharesEverything ? all : requested;
      const { issuerName } = this.#summary(c, locale);
      return {
        queryId,
        credentialId: c.id,
        credentialName: typeName(c.metadata, c.credentialType, locale),
        credentialType: c.credentialType,
        issuer: { id: c.issuer, ...(issuerName ? { name: issuerName } : {}) },
        format: c.format,
        shared: sharedPaths.map((path) => ({ path, label: claimLabel(c.metadata, path, locale) })),
        withheld: sharesEverything
          ? []
          : all
              .filter((p) => !requested.some((r) => pathsOverlap(r, p)))
              .map((p) => claimLabel(c.metadata, p, locale)),
        sharesEverything,
        freshCopy: c.copies.some((k) => !k.usedAt),
      };
    });
    const registration = registrationOf(
      options.registry,
      request.client_id,
      items,
      locale,
      this.#clock.now(),
    );
    const verifier = {
      clientId: request.client_id,
      ...(request.verifier_name ? { name: request.verifier_name } : {}),
      registration,
    };
    const purpose = localized(request.purpose, locale);
    // In the holder's language, from the same messages as the web wallet's consent screen.
    const tr = createTranslator(locale);
    const overAsked = (queryId: string, path: ProposalItem['shared'][number]['path']) =>
      registration.status === 'registered' &&
      registration.overAsked.some((o) => o.queryId === queryId && o.path === path);
    const summary = [
      ...(registration.status === 'registered'
        ? [
            tr.t('summary.title', { verifier: registration.name, id: verifier.clientId }),
            `  ${tr.t('consent.registered', { name: registration.name, purposes: tr.list(registration.purposes) })}`,
          ]
        : [
            tr.t('summary.titleUnnamed', { id: verifier.clientId }),
            `  ${registration.status === 'registry-expired' ? tr.t('consent.registryExpired', { date: tr.date(registration.expiredAt) }) : tr.t(registration.status === 'no-registry' ? 'consent.noRegistry' : 'consent.notRegistered')}`,
            ...(verifier.name ? [`  ${tr.t('consent.callsItself', { name: verifier.name })}`] : []),
          ]),
      `  ${tr.t('consent.purpose', { purpose })}`,
      ...(registration.status === 'registered' && registration.overAsked.length > 0
        ? [
            `  ${tr.t('consent.overAskedWarning', { claims: tr.list(registration.overAsked.map((o) => o.label)) })}`,
          ]
        : []),
      ...items.flatMap((item) => [
        `  ${tr.t('summary.from', { name: item.credentialName })}`,
        `    ${tr.t('consent.learns', { type: item.credentialName, issuer: item.issuer.name ?? item.issuer.id })}`,
        ...(item.sharesEverything ? [`    ${tr.t('consent.everything')}`] : []),
        ...item.shared.map(
          (s) =>
            `    - ${tr.text(s.label)}${overAsked(item.queryId, s.path) ? ` (${tr.t('consent.overAsked')})` : ''}`,
        ),
        ...(item.withheld.length > 0
          ? [`  ${tr.t('summary.notShared', { claims: tr.list(item.withheld) })}`]
          : []),
        ...(item.freshCopy ? [] : [`  ${tr.t('consent.linkable')}`]),
      ]),
    ];
    const proposal: PresentationProposal = Object.freeze({
      request,
      verifier,
      purpose,
      items,
      summary,
    });
    this.#proposals.add(proposal);
    return proposal;
  }

  /** Records the holder's explicit answer to a proposal from this wallet. */
  decide(proposal: PresentationProposal, answer: { approve: boolean }): ConsentDecision {
    if (!this.#proposals.has(proposal))
      throw new SanadError('ERR_CONSENT_REQUIRED', 'That proposal was not made by this wallet.');
    const decision: ConsentDecision = Object.freeze({
      proposal,
      approved: answer.approve === true,
    });
    this.#decisions.set(decision, { used: false });
    return decision;
  }

  /**
   * Creates the presentation the holder approved — and nothing else. A decision works once.
   *
   * @example
   * ```ts
   * const response = await wallet.present(wallet.decide(proposal, { approve: true }))
   * ```
   */
  async present(decision: ConsentDecision): Promise<PresentationResponse> {
    const state = this.#decisions.get(decision);
    if (!state) throw new SanadError('ERR_CONSENT_REQUIRED');
    if (!decision.approved) throw new SanadError('ERR_CONSENT_DECLINED');
    if (state.used)
      throw new SanadError(
        'ERR_CONSENT_REQUIRED',
        'That decision was already used; ask the holder again.',
      );
    state.used = true;
    const { request, items, verifier } = decision.proposal;
    const vpToken: Record<string, string[]> = {};
    const now = this.#clock.now();
    for (const item of items) {
      const c = this.#credential(item.credentialId);
      // An unused copy first; otherwise the least recently used one.
      const copy = [...c.copies].sort((a, b) => (a.usedAt ?? '').localeCompare(b.usedAt ?? ''))[0]!;
      const signer = await agentSigner(this.#agent, copy.holderDid);
      const presentation = await formatOf(c.format).present({
        raw: copy.raw,
        holderDid: copy.holderDid,
        signer,
        shared: item.shared.map((shared) => shared.path),
        nonce: request.nonce,
        audience: request.client_id,
        now: Math.floor(now / 1000),
      });
      copy.usedAt = new Date(now).toISOString();
      vpToken[item.queryId] = [presentation];
      this.#doc.history.push({
        at: new Date(now).toISOString(),
        // The registered name when there is one: the history says who it was, not who it claimed to be.
        verifier: {
          clientId: verifier.clientId,
          ...(verifier.registration.status === 'registered'
            ? { name: verifier.registration.name }
            : verifier.name
              ? { name: verifier.name }
              : {}),
        },
        purpose: decision.proposal.purpose,
        credentialId: c.id,
        credentialType: c.credentialType,
        claims: item.shared.map((s) => ({ path: pathKey(s.path), label: s.label })),
      });
    }
    await this.#save();
    return { vp_token: vpToken };
  }

  /**
   * Opens an OpenID4VP request (QR code or link): checks its signature and returns it ready for
   * {@link propose}; nothing is shared until {@link respond}.
   */
  openRequest(uri: string, options: RespondOptions = {}): Promise<OpenedRequest> {
    return resolvePresentationRequest(uri, options);
  }

  /**
   * Opens a request a page passed through the Digital Credentials API, for `origin` (the page's,
   * as the platform says): see {@link resolveDcApiRequest}. Answer it with {@link respondDcApi}.
   */
  openDcApiRequest(
    data: unknown,
    origin: string,
    options: RespondOptions = {},
  ): Promise<OpenedRequest> {
    return resolveDcApiRequest(data, origin, options);
  }

  /**
   * The answer to a DC API request, to hand back to the page through the platform: the approved
   * presentation encrypted to the verifier, or `access_denied`.
   *
   * @example
   * ```ts
   * const opened = await wallet.openDcApiRequest(request.data, origin)
   * const data = await wallet.respondDcApi(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), origin)
   * ```
   */
  async respondDcApi(
    opened: OpenedRequest,
    decision: ConsentDecision,
    origin: string,
  ): Promise<{ response: string } | { error: string }> {
    if (decision.proposal.request !== opened.request)
      throw new SanadError('ERR_CONSENT_REQUIRED', 'That decision was made for another request.');
    return dcApiResponse(
      opened,
      decision.approved ? await this.present(decision) : { error: 'access_denied' },
      origin,
    );
  }

  /**
   * Answers an opened request with the holder's decision: the approved presentation, or a refusal
   * (`access_denied`) so the verifier is not left waiting.
   *
   * @example
   * ```ts
   * const opened = await wallet.openRequest(uri)
   * const proposal = wallet.propose(opened.request)
   * const { redirectUri } = await wallet.respond(opened, wallet.decide(proposal, { approve: true }))
   * ```
   */
  async respond(
    opened: OpenedRequest,
    decision: ConsentDecision,
    options: RespondOptions = {},
  ): Promise<SubmitResult & { shared: boolean }> {
    if (decision.proposal.request !== opened.request)
      throw new SanadError('ERR_CONSENT_REQUIRED', 'That decision was made for another request.');
    if (!decision.approved) {
      await submitPresentationResponse(opened, { error: 'access_denied' }, options);
      return { shared: false };
    }
    const result = await submitPresentationResponse(opened, await this.present(decision), options);
    return { ...result, shared: true };
  }

  /**
   * What was shown to whom and when (claim names, never values). With `locale`, the claim names
   * of credentials still held are given in that language rather than the one used at the time.
   */
  history(locale?: string): HistoryEntry[] {
    return this.#doc.history.map((h) => {
      const held =
        locale === undefined
          ? undefined
          : this.#doc.credentials.find((c) => c.id === h.credentialId);
      if (!held) return { ...h, claims: [...h.claims] };
      // The stored path is `a.b` (`[]` for any array element): enough to find the label again.
      const relabel = (stored: { path: string; label: string }) => {
        const path = stored.path.split('.').map((p) => (p === '[]' ? null : p));
        const label = claimLabel(held.metadata, path, locale!);
        return label === claimLabel(undefined, path, locale!) ? stored.label : label;
      };
      return { ...h, claims: h.claims.map((c) => ({ path: c.path, label: relabel(c) })) };
    });
  }

  /** Erases the disclosure history. */
  async clearHistory(): Promise<void> {
    this.#doc.history = [];
    await this.#save();
  }

  /**
   * An encrypted backup of the whole wallet (keys included), under the wallet passphrase
   * (`passphrase`) or a separate recovery secret (see {@link generateRecoverySecret}).
   */
  async exportBackup(secret: string): Promise<Uint8Array> {
    const key = await newSessionKey(
      this.#options.kdf ?? browserKdf,
      secret,
      'sanad-wallet-backup',
      this.#options.kdfParams ?? DEFAULT_KDF,
    );
    return sealEnvelope(key, utf8(JSON.stringify(this.#doc)), 0);
  }

  /**
   * This session's key as bytes, for a quick unlock (PIN, passkey) to wrap under a device-bound
   * key; {@link openWalletWithKey} opens the wallet with it until the passphrase changes.
   */
  exportSessionKey(): Uint8Array {
    return exportSessionKey(this.#key);
  }

  /** Releases the storage (and its lock). */
  async close(): Promise<void> {
    await this.#storage.close?.();
  }

  /** @internal For restore: replaces the document and saves it. */
  async replaceDocument(doc: WalletDocument): Promise<void> {
    this.#doc = doc;
    await this.#save();
  }
}

function targetParams(options: WalletOptions, current?: KdfParams): KdfParams {
  const wanted = options.kdfParams ?? DEFAULT_KDF;
  if (belowFloor(wanted, options.kdfPolicy))
    throw new SanadError(
      'ERR_WALLET_KDF_TOO_WEAK',
      'The requested key-derivation cost is below the policy floor.',
    );
  // Never lower what a file already has.
  return current ? raisedKdf(current, wanted) : wanted;
}

/**
 * Creates a new, empty wallet in `storage`.
 *
 * @example
 * ```ts
 * const wallet = await createWallet(await openFileStorage('wallet.json'), passphrase, { kdf: nodeScrypt })
 * ```
 */
export async function createWallet(
  storage: WalletStorage,
  passphrase: string,
  options: WalletOptions = {},
): Promise<Wallet> {
  if ((await storage.read()) !== undefined) throw new SanadError('ERR_WALLET_EXISTS');
  const key = await newSessionKey(
    options.kdf ?? browserKdf,
    passphrase,
    'sanad-wallet',
    targetParams(options),
  );
  const wallet = new Wallet(storage, emptyDocument(), key, options);
  await wallet.replaceDocument(emptyDocument());
  return wallet;
}

function parseDocument(
  bytes: Uint8Array,
  code: 'ERR_WALLET_CORRUPTED' | 'ERR_BACKUP_INVALID',
): WalletDocument {
  const doc = tryParseJson(fromUtf8(bytes));
  if (
    !isPlainObject(doc) ||
    doc.version !== 1 ||
    !Array.isArray(doc.credentials) ||
    !Array.isArray(doc.history) ||
    !isPlainObject(doc.keys) ||
    !isPlainObject(doc.dids)
  ) {
    throw new SanadError(code);
  }
  return doc as unknown as WalletDocument;
}

async function readWallet(storage: WalletStorage): Promise<Uint8Array> {
  const bytes = await storage.read();
  if (bytes === undefined) throw new SanadError('ERR_WALLET_NOT_FOUND');
  return bytes;
}

async function openedDocument(
  storage: WalletStorage,
  plaintext: Uint8Array,
  generation: number,
): Promise<WalletDocument> {
  const doc = parseDocument(plaintext, 'ERR_WALLET_CORRUPTED');
  const floor = await storage.generationFloor?.();
  if (floor !== undefined && generation < floor)
    throw new SanadError(
      'ERR_WALLET_ROLLED_BACK',
      `This wallet file is save ${generation}, but save ${floor} was already written here.`,
    );
  return doc;
}

/**
 * Opens an existing wallet. Wrong passphrase, tampering and weak KDF parameters are typed errors;
 * nothing is written unless the KDF cost is raised to the current default or the KDF is changed
 * (a scrypt wallet opened where `kdfParams` asks for Argon2id): then the passphrase, at hand
 * now, derives the new key once and the wallet is re-sealed with it.
 */
export async function openWallet(
  storage: WalletStorage,
  passphrase: string,
  options: WalletOptions = {},
): Promise<Wallet> {
  const kdf = options.kdf ?? browserKdf;
  const { key, plaintext, generation } = await openEnvelope(
    await readWallet(storage),
    passphrase,
    'sanad-wallet',
    kdf,
    options.kdfPolicy,
  );
  const doc = await openedDocument(storage, plaintext, generation);
  const target = targetParams({ ...options, kdfParams: options.kdfParams ?? key.kdf }, key.kdf);
  if (!sameKdf(target, key.kdf)) {
    const raised = await newSessionKey(kdf, passphrase, 'sanad-wallet', target);
    const wallet = new Wallet(storage, doc, raised, options, generation);
    await wallet.replaceDocument(doc);
    return wallet;
  }
  return new Wallet(storage, doc, key, options, generation);
}

/**
 * Opens an existing wallet with a session key from {@link Wallet.exportSessionKey} (a quick
 * unlock): no KDF run. After a passphrase change the key no longer fits: `ERR_WALLET_WRONG_PASSPHRASE`.
 */
export async function openWalletWithKey(
  storage: WalletStorage,
  sessionKey: Uint8Array,
  options: WalletOptions = {},
): Promise<Wallet> {
  const key = importSessionKey(sessionKey);
  if (key.format !== 'sanad-wallet') throw new SanadError('ERR_WALLET_CORRUPTED');
  const { plaintext, generation } = openEnvelopeWithKey(
    await readWallet(storage),
    key,
    options.kdfPolicy,
  );
  return new Wallet(
    storage,
    await openedDocument(storage, plaintext, generation),
    key,
    options,
    generation,
  );
}

/**
 * Opens a backup envelope with the secret as typed. A backup is sealed either with a recovery
 * secret or with the wallet passphrase, and the file does not say which: a text that reads as a
 * recovery secret once tidied up (case, spaces, dashes) is tried in its canonical form first, then
 * exactly as typed, so a passphrase that happens to look like one still works.
 */
function openBackup(
  backup: Uint8Array,
  secret: string,
  options: WalletOptions,
): ReturnType<typeof openEnvelope> {
  const reading = parseRecoverySecret(secret);
  // Said at once: a mistyped checked secret never costs a key derivation on a slow phone.
  if (reading.form === 'typo')
    throw new SanadError(
      'ERR_RECOVERY_SECRET_TYPO',
      `The recovery secret has a typo${reading.group === undefined ? '' : ` in group ${reading.group}`}.`,
    );
  const canonical = reading.form === 'other' ? undefined : reading.secret;
  const candidates =
    canonical === undefined || canonical === secret ? [secret] : [canonical, secret];
  return openEnvelope(
    backup,
    candidates,
    'sanad-wallet-backup',
    options.kdf ?? browserKdf,
    options.kdfPolicy,
  );
}

/**
 * Restores a backup into new, empty storage with a new passphrase. A recovery secret is read
 * leniently (any case, spaces or no dashes between the groups); a checked one with a typo is
 * `ERR_RECOVERY_SECRET_TYPO` before any key derivation, a wrong one `ERR_BACKUP_INVALID`.
 *
 * @example
 * ```ts
 * const wallet = await restoreBackup(bytes, recoverySecret, await openFileStorage('new.json'), newPassphrase)
 * ```
 */
export async function restoreBackup(
  backup: Uint8Array,
  secret: string,
  storage: WalletStorage,
  passphrase: string,
  options: WalletOptions = {},
): Promise<Wallet> {
  if ((await storage.read()) !== undefined)
    throw new SanadError(
      'ERR_WALLET_EXISTS',
      'Restore into a new wallet file; the existing one is left untouched.',
    );
  const { plaintext } = await openBackup(backup, secret, options);
  const doc = parseDocument(plaintext, 'ERR_BACKUP_INVALID');
  const wallet = await createWallet(storage, passphrase, options);
  await wallet.replaceDocument(doc);
  return wallet;
}
