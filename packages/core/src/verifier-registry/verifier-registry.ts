/**
 * The verifier registry: which verifiers an authority has registered, under which names, for
 * which purposes and which claims of which credential types. A wallet pins the authority's key
 * and carries the signed registry offline, so the consent screen can say who is asking — and
 * flag a claim asked beyond the registration — instead of repeating the name a request gives
 * itself. Signed and loaded like the trust list (`typ: sanad-verifier-registry+jwt`).
 * Format: docs/verifier-registry.md.
 */
import { isPlainObject } from '../encoding.js';
import { SanadError } from '../errors.js';
import type { Signer } from '../keys.js';
import {
  didProblem,
  hasExpired,
  isDate,
  type LoadSignedListOptions,
  loadSignedList,
  readSignedList,
  type SignedListKind,
  signList,
} from '../signed-list/signed-list.js';
import type { LocalizedText } from '../types.js';

export const VERIFIER_REGISTRY_JWT_TYP = 'sanad-verifier-registry+jwt';

/** The OpenID4VP client_id prefix of a verifier that signs its requests with a DID's key. */
const DID_CLIENT_PREFIX = 'decentralized_identifier:';

/** A claim path as in DCQL: names, array indexes, `null` for every element of an array. */
export type RegistryClaimPath = Array<string | number | null>;

export interface RegisteredVerifier {
  /**
   * The OpenID4VP client_id values it signs its requests as: `decentralized_identifier:<DID>` or
   * the bare DID, or a certified key's `x509_san_dns:<host>` / `x509_hash:<sha-256>` (HAIP). The
   * wallet answers signed requests only: the DID's key, or the certificate the client id names,
   * is what proves that a request comes from the client_id it names.
   */
  client_ids: string[];
  /** Its name by language tag; the holder's language, else `en`, else the first, is shown. */
  names: LocalizedText;
  /** What it is registered for ("health partners, Jordan"), each by language tag. */
  purposes: LocalizedText[];
  /** Per credential type (`vct` or W3C VC type), the claims it may ask for. */
  credentials: Array<{ credential_type: string; claims: RegistryClaimPath[] }>;
  /** ISO 8601: the registration counts from then until `valid_until`. */
  valid_from?: string;
  valid_until?: string;
}

export interface VerifierRegistryDocument {
  type: 'sanad-verifier-registry';
  version: 1;
  name?: string;
  /** ISO 8601. */
  issued_at?: string;
  /** ISO 8601; after it the registry is refused (a wallet says it has expired). */
  expires_at?: string;
  verifiers: RegisteredVerifier[];
}

const fail = (message: string): never => {
  throw new SanadError('ERR_VERIFIER_REGISTRY_INVALID', message);
};

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function checkLocalized(value: unknown, what: string): void {
  if (!isPlainObject(value) || Object.keys(value).length === 0)
    fail(`${what} must give the text in at least one language.`);
  for (const [tag, text] of Object.entries(value as Record<string, unknown>)) {
    if (!LANGUAGE_TAG.test(tag)) fail(`${what} has a key that is not a language tag.`);
    if (typeof text !== 'string' || text.trim() === '') fail(`${what} has an empty text.`);
  }
}

const isPathPart = (p: unknown): boolean =>
  typeof p === 'string' ? p !== '' : p === null || (Number.isInteger(p) && (p as number) >= 0);

/** The DID a client_id stands for, or undefined when it names none. */
export function clientIdDid(clientId: string): string | undefined {
  const did = clientId.startsWith(DID_CLIENT_PREFIX)
    ? clientId.slice(DID_CLIENT_PREFIX.length)
    : clientId;
  return did.startsWith('did:') ? did : undefined;
}

const X509_SAN_DNS =
  /^x509_san_dns:(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const X509_HASH = /^x509_hash:[A-Za-z0-9_-]{43}$/;

/**
 * What a registration is found by: the DID of a DID client_id, or an x509 client_id itself (the
 * name the wallet checked the request's certificate against); undefined for any other.
 */
export function registryKeyOf(clientId: string): string | undefined {
  return (
    clientIdDid(clientId) ??
    (X509_SAN_DNS.test(clientId) || X509_HASH.test(clientId) ? clientId : undefined)
  );
}

/**
 * Validates a verifier registry document strictly.
 *
 * @example
 * ```ts
 * const doc = parseVerifierRegistry(JSON.parse(text))
 * ```
 */
export function parseVerifierRegistry(json: unknown): VerifierRegistryDocument {
  if (!isPlainObject(json)) return fail('The verifier registry is not a JSON object.');
  if (json.type !== 'sanad-verifier-registry' || json.version !== 1)
    return fail('The verifier registry type or version is not supported.');
  if (json.name !== undefined && typeof json.name !== 'string')
    fail('The verifier registry name is not a string.');
  for (const field of ['issued_at', 'expires_at'] as const) {
    if (json[field] !== undefined && !isDate(json[field]))
      fail(`The verifier registry ${field} is not an ISO 8601 date.`);
  }
  if (!Array.isArray(json.verifiers)) return fail('The verifier registry has no verifiers array.');
  const seen = new Set<string>();
  json.verifiers.forEach((verifier: unknown, i: number) => {
    if (!isPlainObject(verifier)) fail(`Verifier ${i} is not an object.`);
    const entry = verifier as Record<string, unknown>;
    if (!Array.isArray(entry.client_ids) || entry.client_ids.length === 0)
      fail(`Verifier ${i} has no client_ids.`);
    for (const clientId of entry.client_ids as unknown[]) {
      const key = typeof clientId === 'string' ? registryKeyOf(clientId) : undefined;
      if (key === undefined)
        fail(
          `Verifier ${i} client_id must be a DID, decentralized_identifier:<DID>, x509_san_dns:<host> or x509_hash:<sha-256>.`,
        );
      const problem = key!.startsWith('did:') ? didProblem(key!) : undefined;
      if (problem !== undefined) fail(`Verifier ${i} client_id is not a usable DID: ${problem}`);
      // One verifier per identity: two entries for one would leave the wallet to guess which applies.
      if (seen.has(key!)) fail(`Verifier ${i} repeats a client_id already registered.`);
      seen.add(key!);
    }
    checkLocalized(entry.names, `Verifier ${i} names`);
    if (!Array.isArray(entry.purposes) || entry.purposes.length === 0)
      fail(`Verifier ${i} has no purposes.`);
    (entry.purposes as unknown[]).forEach((purpose, j) => {
      checkLocalized(purpose, `Verifier ${i} purpose ${j}`);
    });
    if (!Array.isArray(entry.credentials)) fail(`Verifier ${i} has no credentials array.`);
    const types = new Set<string>();
    (entry.credentials as unknown[]).forEach((credential, j) => {
      if (
        !isPlainObject(credential) ||
        typeof credential.credential_type !== 'string' ||
        credential.credential_type === ''
      )
        fail(`Verifier ${i} credential ${j} has no credential_type.`);
      const { credential_type, claims } = credential as Record<string, unknown>;
      if (types.has(credential_type as string))
        fail(`Verifier ${i} lists credential type ${j} twice.`);
      types.add(credential_type as string);
      if (
        !Array.isArray(claims) ||
        claims.some((path) => !Array.isArray(path) || path.length === 0 || !path.every(isPathPart))
      ) {
        fail(
          `Verifier ${i} credential ${j} claims must be a list of claim paths (names, indexes, null for every element).`,
        );
      }
    });
    for (const field of ['valid_from', 'valid_until'] as const) {
      if (entry[field] !== undefined && !isDate(entry[field]))
        fail(`Verifier ${i} ${field} is not an ISO 8601 date.`);
    }
  });
  return json as unknown as VerifierRegistryDocument;
}

/** Whether `registered` covers `asked`: the same claim, or one inside it (`null` covers every element). */
const covers = (registered: RegistryClaimPath, asked: RegistryClaimPath): boolean =>
  registered.length <= asked.length &&
  registered.every((part, i) => part === null || part === asked[i]);

/** A loaded, validated verifier registry. */
export class VerifierRegistry {
  readonly document: VerifierRegistryDocument;
  /** True when the registry came signed and the signature verified with a pinned key. */
  readonly signed: boolean;
  readonly #byKey: Map<string, RegisteredVerifier>;

  constructor(document: VerifierRegistryDocument, signed = false) {
    this.document = document;
    this.signed = signed;
    this.#byKey = new Map(
      document.verifiers.flatMap((v) => v.client_ids.map((id) => [registryKeyOf(id)!, v] as const)),
    );
  }

  /** Whether the registry's expires_at has passed at `now` (milliseconds). */
  expired(now: number): boolean {
    return hasExpired(this.document, now);
  }

  /** The registration of a client_id valid at `now`, or undefined. */
  find(clientId: string, now: number): RegisteredVerifier | undefined {
    const key = registryKeyOf(clientId);
    const entry = key === undefined ? undefined : this.#byKey.get(key);
    if (
      !entry ||
      (entry.valid_from !== undefined && Date.parse(entry.valid_from) > now) ||
      (entry.valid_until !== undefined && Date.parse(entry.valid_until) <= now)
    )
      return undefined;
    return entry;
  }
}

/**
 * The claim paths of `asked` that the registration does not cover for `credentialType`: all of
 * them when the type is not registered. Registering `address` covers `address.locality`; a
 * registration for `address.locality` does not cover the whole `address`.
 *
 * @example
 * ```ts
 * beyondRegistration(entry, vct, [['given_name'], ['address']]) // [['address']] when only address.locality is registered
 * ```
 */
export function beyondRegistration(
  entry: RegisteredVerifier,
  credentialType: string,
  asked: RegistryClaimPath[],
): RegistryClaimPath[] {
  const registered =
    entry.credentials.find((c) => c.credential_type === credentialType)?.claims ?? [];
  return asked.filter((path) => !registered.some((r) => covers(r, path)));
}

/** The verifier registry as a signed list: its JWS typ, size bound and error codes. */
const VERIFIER_REGISTRY_KIND: SignedListKind<VerifierRegistryDocument> = {
  typ: VERIFIER_REGISTRY_JWT_TYP,
  noun: 'verifier registry',
  // Carried to phones over slow links: thousands of verifiers fit well under this.
  maxLength: 2 * 1024 * 1024,
  codes: {
    invalid: 'ERR_VERIFIER_REGISTRY_INVALID',
    signature: 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID',
    expired: 'ERR_VERIFIER_REGISTRY_EXPIRED',
  },
  parse: parseVerifierRegistry,
};

/**
 * Signs a verifier registry as its authority.
 *
 * @example
 * ```ts
 * const jws = await signVerifierRegistry(doc, authoritySigner)
 * ```
 */
export function signVerifierRegistry(
  document: VerifierRegistryDocument,
  signer: Signer,
  kid?: string,
): Promise<string> {
  return signList(VERIFIER_REGISTRY_KIND, document, signer, kid);
}

export interface LoadVerifierRegistryOptions extends LoadSignedListOptions {
  /**
   * Return an expired registry instead of refusing it, for a wallet to tell the holder that its
   * registry is out of date (see {@link VerifierRegistry.expired}).
   */
  keepExpired?: boolean;
}

/**
 * Loads a verifier registry from JSON text or a compact JWS, checking signature and expiry.
 *
 * @example
 * ```ts
 * const registry = await loadVerifierRegistry(await readFile('registry.jws', 'utf8'), { pinnedKey: authorityDid })
 * ```
 */
export async function loadVerifierRegistry(
  input: string,
  options: LoadVerifierRegistryOptions = {},
): Promise<VerifierRegistry> {
  const { document, signed } = await (options.keepExpired ? readSignedList : loadSignedList)(
    VERIFIER_REGISTRY_KIND,
    input,
    options,
  );
  return new VerifierRegistry(document, signed);
}
