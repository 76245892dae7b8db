/**
 * Sanad's typed errors.
 *
 * Every failure has a stable `code` (never renamed once published), a neutral default
 * message that never contains a token, key, disclosure or claim value, and a category.
 * The category decides how a front end reacts: the CLI maps `verification` to exit code 1,
 * `input` to 2 and `internal` to 3; the HTTP services map them to problem responses.
 *
 * @example
 * ```ts
 * try { await wallet.open(passphrase) }
 * catch (err) {
 *   if (isSanadError(err) && err.code === 'ERR_WALLET_WRONG_PASSPHRASE') askAgain()
 * }
 * ```
 */

/** How a front end should treat a failure. */
export type ErrorCategory =
  /** The presented data was checked and rejected (bad signature, revoked, untrusted...). */
  | 'verification'
  /** The caller gave bad input or bad usage (malformed file, unknown type, wrong passphrase...). */
  | 'input'
  /** Something failed that is not the caller's fault (storage, environment, a bug). */
  | 'internal';

interface ErrorSpec {
  readonly category: ErrorCategory;
  readonly message: string;
}

function spec(category: ErrorCategory, message: string): ErrorSpec {
  return { category, message };
}

/**
 * The table of every error code: its category and default message.
 * Messages are neutral on purpose: they say what failed, never with which value.
 */
export const ERROR_CODES = {
  // --- input and usage ---
  ERR_INVALID_INPUT: spec('input', 'The input is not valid.'),
  ERR_INVALID_JSON: spec('input', 'The input is not valid JSON.'),
  ERR_INPUT_TOO_LARGE: spec(
    'input',
    'The input is larger than allowed; nothing past the limit was read.',
  ),
  ERR_INPUT_TOO_DEEP: spec('input', 'The input nests objects or arrays deeper than allowed.'),
  ERR_ENCODING_NONCANONICAL: spec(
    'input',
    'The base64url text is not in its one canonical form (padding, stray bits or characters).',
  ),
  ERR_UNSUPPORTED_FORMAT: spec('input', 'The credential or presentation format is not supported.'),
  ERR_UNSUPPORTED_ALGORITHM: spec('input', 'The signature algorithm is not supported.'),
  ERR_INVALID_KEY: spec('input', 'The key is not valid for this operation.'),
  ERR_FILE_NOT_FOUND: spec('input', 'The file does not exist.'),
  ERR_FILE_EXISTS: spec('input', 'The file already exists; it is never overwritten.'),

  // --- decentralised identifiers and network fetches ---
  ERR_DID_INVALID: spec('input', 'The DID is malformed.'),
  ERR_DID_METHOD_UNSUPPORTED: spec('input', 'The DID method is not supported.'),
  ERR_DID_RESOLUTION_FAILED: spec('verification', 'The DID could not be resolved.'),
  ERR_FETCH_URL_FORBIDDEN: spec(
    'verification',
    'The URL is not allowed: only https to public addresses unless explicitly allowed.',
  ),
  ERR_FETCH_TIMEOUT: spec('verification', 'The remote server did not answer in time.'),
  ERR_FETCH_TOO_LARGE: spec('verification', 'The remote response is larger than allowed.'),
  ERR_FETCH_FAILED: spec('verification', 'The remote resource could not be fetched.'),
  ERR_ISSUER_METADATA_INVALID: spec(
    'verification',
    'The JWT VC Issuer Metadata (/.well-known/jwt-vc-issuer) is missing or malformed.',
  ),
  ERR_ISSUER_METADATA_MISMATCH: spec(
    'verification',
    'The JWT VC Issuer Metadata names another issuer than the credential.',
  ),

  // --- JOSE ---
  ERR_JWT_MALFORMED: spec('verification', 'The JWT is malformed.'),
  ERR_NUMERIC_DATE_INVALID: spec(
    'verification',
    'A date claim (exp, iat, nbf) is not a whole number of seconds from 0 to 2^53.',
  ),
  ERR_JWT_ALG_NOT_ALLOWED: spec('verification', 'The JWT uses an algorithm that is not allowed.'),
  ERR_SIGNATURE_INVALID: spec('verification', 'The signature does not verify.'),
  ERR_ISSUER_KEY_NOT_FOUND: spec('verification', 'No key of the issuer matches the signature.'),

  // --- W3C VC Data Model 2.0 with Data Integrity (ecdsa-sd-2023, bbs-2023) ---
  ERR_DI_MALFORMED: spec(
    'verification',
    'The credential or its Data Integrity proof is malformed.',
  ),
  ERR_DI_CONTEXT_NOT_ALLOWED: spec(
    'verification',
    'The credential uses a JSON-LD context outside the pinned set Sanad accepts.',
  ),
  ERR_DI_CRYPTOSUITE_UNSUPPORTED: spec(
    'verification',
    'The Data Integrity proof uses a cryptosuite Sanad does not accept.',
  ),
  ERR_DI_BASE_PROOF_PRESENTED: spec(
    'verification',
    'A base proof was presented: the holder must derive a disclosure from it first.',
  ),
  ERR_DI_PROOF_INVALID: spec(
    'verification',
    'The Data Integrity proof does not verify over the disclosed statements.',
  ),

  // --- SD-JWT (RFC 9901 section 7) ---
  ERR_SDJWT_MALFORMED: spec('verification', 'The SD-JWT is malformed.'),
  ERR_SDJWT_TYP_INVALID: spec('verification', 'The SD-JWT has an unexpected media type (typ).'),
  ERR_SDJWT_HASH_ALG_UNSUPPORTED: spec(
    'verification',
    'The SD-JWT uses an unsupported digest algorithm.',
  ),
  ERR_SDJWT_DISCLOSURE_MALFORMED: spec('verification', 'A disclosure is malformed.'),
  ERR_SDJWT_DISCLOSURE_UNREFERENCED: spec(
    'verification',
    'A disclosure is not referenced by any digest in the SD-JWT.',
  ),
  ERR_SDJWT_DIGEST_DUPLICATE: spec(
    'verification',
    'A digest appears more than once in the SD-JWT.',
  ),
  ERR_SDJWT_CLAIM_NAME_FORBIDDEN: spec('verification', 'A disclosure uses a reserved claim name.'),
  ERR_SDJWT_CLAIM_COLLISION: spec(
    'verification',
    'A disclosed claim name already exists at its level.',
  ),
  ERR_SDJWT_DISCLOSURE_KIND_MISMATCH: spec(
    'verification',
    'An object-property disclosure is referenced from an array, or an array-element disclosure from an object.',
  ),

  // --- holder binding and presentations ---
  ERR_NOT_A_PRESENTATION: spec(
    'input',
    'This is not a presentation: not a compact SD-JWT or VP-JWT, a vp_token response, nor an offline SANAD1: code.',
  ),
  ERR_HOLDER_BINDING_MISSING: spec(
    'verification',
    'The presentation carries no proof of holder binding.',
  ),
  ERR_HOLDER_BINDING_INVALID: spec(
    'verification',
    'The holder-binding proof is not signed by the holder key.',
  ),
  ERR_KB_JWT_MALFORMED: spec('verification', 'The Key Binding JWT is malformed.'),
  ERR_KB_SD_HASH_MISMATCH: spec(
    'verification',
    'The Key Binding JWT does not cover this SD-JWT (sd_hash).',
  ),
  ERR_NONCE_MISMATCH: spec('verification', 'The presentation nonce does not match the request.'),
  ERR_AUDIENCE_MISMATCH: spec('verification', 'The presentation is addressed to another verifier.'),
  ERR_PRESENTATION_IAT_INVALID: spec(
    'verification',
    'The presentation was created outside the accepted time window.',
  ),
  ERR_NONCE_REPLAYED: spec('verification', 'The nonce has already been used or was never issued.'),
  ERR_HOLDER_MISMATCH: spec(
    'verification',
    'The presentation is signed by someone other than the credential subject.',
  ),

  // --- validity ---
  ERR_CREDENTIAL_EXPIRED: spec('verification', 'The credential has expired.'),
  ERR_CREDENTIAL_NOT_YET_VALID: spec('verification', 'The credential is not yet valid.'),

  // --- trust ---
  ERR_ISSUER_UNTRUSTED: spec('verification', 'The issuer is not on the trust list.'),
  ERR_ISSUER_NOT_AUTHORIZED: spec(
    'verification',
    'The issuer is on the trust list but not for this credential type.',
  ),
  ERR_X509_CERTIFICATE_INVALID: spec(
    'verification',
    'A certificate is malformed or uses a key or algorithm Sanad does not accept.',
  ),
  ERR_X509_CHAIN_INVALID: spec(
    'verification',
    'The certificate chain does not hold: a signature, a CA constraint or the leaf certificate fails.',
  ),
  ERR_X509_CERTIFICATE_EXPIRED: spec(
    'verification',
    'A certificate of the chain is outside its validity period.',
  ),
  ERR_X509_UNTRUSTED: spec(
    'verification',
    'The certificate chain does not lead to a trust anchor on the trust list.',
  ),
  ERR_X509_NAME_MISMATCH: spec(
    'verification',
    'The signing certificate does not name this issuer or verifier (subject alternative name).',
  ),
  ERR_TRUST_LIST_INVALID: spec('input', 'The trust list is malformed.'),
  ERR_TRUST_LIST_SIGNATURE_INVALID: spec(
    'verification',
    'The trust list signature does not verify with the pinned key.',
  ),
  ERR_TRUST_LIST_EXPIRED: spec('verification', 'The trust list has expired.'),
  ERR_VERIFIER_REGISTRY_INVALID: spec('input', 'The verifier registry is malformed.'),
  ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID: spec(
    'verification',
    'The verifier registry signature does not verify with the pinned key.',
  ),
  ERR_VERIFIER_REGISTRY_EXPIRED: spec('verification', 'The verifier registry has expired.'),

  // --- status ---
  ERR_STATUS_REVOKED: spec('verification', 'The credential has been revoked.'),
  ERR_STATUS_SUSPENDED: spec('verification', 'The credential is suspended.'),
  ERR_STATUS_UNAVAILABLE: spec(
    'verification',
    'The status of the credential could not be established.',
  ),
  ERR_STATUS_LIST_INVALID: spec(
    'verification',
    'The status list is malformed or not signed by the issuer.',
  ),
  ERR_STATUS_INDEX_OUT_OF_RANGE: spec(
    'verification',
    'The status index is outside the status list.',
  ),
  ERR_STATUS_LIST_EXPIRED: spec('verification', 'The cached status list is older than allowed.'),
  ERR_STATUS_LIST_FULL: spec('internal', 'The status list has no free index left.'),
  ERR_STATUS_TRANSITION_INVALID: spec('input', 'That status change is not allowed.'),

  // --- presentation requests ---
  ERR_REQUEST_INVALID: spec('input', 'The presentation request is not valid.'),
  ERR_REQUEST_NOT_SATISFIED: spec('verification', 'The presentation does not answer the request.'),
  ERR_CREDENTIAL_TYPE_MISMATCH: spec('verification', 'The credential is not of a requested type.'),
  ERR_REQUEST_EXPIRED: spec('verification', 'The presentation request has expired.'),
  ERR_REQUEST_USED: spec(
    'input',
    'The presentation request was already answered or cancelled; ask the verifier for a new one.',
  ),
  ERR_VC_CLAIMS_INCONSISTENT: spec(
    'verification',
    'The vc claims contradict the JWT registered claims.',
  ),

  // --- issuer ---
  ERR_CLAIMS_SCHEMA_MISMATCH: spec('input', 'The claims do not match the credential type schema.'),
  ERR_CREDENTIAL_TYPE_UNKNOWN: spec('input', 'The credential type is not defined.'),
  ERR_CREDENTIAL_TYPE_INVALID: spec('input', 'The credential type definition is not valid.'),
  ERR_ISSUER_NOT_INITIALIZED: spec('input', 'The issuer has not been set up here.'),
  ERR_BBS_KEY_MISSING: spec(
    'input',
    'This issuer has no BBS key for bbs-2023: add one with `sanad issuer bbs-key`.',
  ),
  ERR_BATCH_INCOMPLETE: spec('input', 'Some lines of the batch were not issued.'),
  ERR_BATCH_INTERRUPTED: spec(
    'internal',
    'The drive was stopped before the end; nothing is lost: run the same command again to continue.',
  ),
  ERR_BATCH_IN_PROGRESS: spec('input', 'Another process is running this drive.'),
  ERR_BATCH_JOURNAL_MISMATCH: spec(
    'input',
    'The results file belongs to a drive of another input file, credential type, format or issuer.',
  ),
  ERR_BATCH_JOURNAL_INVALID: spec(
    'input',
    'The drive journal or its results file is damaged or missing.',
  ),
  ERR_BATCH_UNFINISHED: spec('input', 'The drive has not finished.'),
  ERR_BATCH_DESTROYED: spec('input', 'The results of this drive have been destroyed.'),
  ERR_HANDOUT_NAME_INVALID: spec(
    'input',
    'A bundle file name cannot be made from that claim: it is missing, not text, or the same for two lines.',
  ),
  ERR_OUTPUT_EXISTS: spec('input', 'The output file already exists; it is never overwritten.'),
  ERR_ISSUER_ALREADY_INITIALIZED: spec('input', 'An issuer is already set up here.'),
  ERR_CREDENTIAL_NOT_FOUND: spec('input', 'No credential with that id.'),
  ERR_REGISTER_MOVED: spec(
    'input',
    'This issuer register was moved to another database; use that one.',
  ),
  ERR_REGISTER_NOT_EMPTY: spec('input', 'The target already holds an issuer register.'),
  ERR_REGISTER_MISMATCH: spec(
    'input',
    'The database and the issuer folder do not hold the same register.',
  ),
  ERR_STATUS_URL_IN_USE: spec(
    'input',
    'Another issuer register publishes its status lists at that URL.',
  ),
  ERR_ISSUER_KEY_MISMATCH: spec('input', 'The key file does not belong to this issuer register.'),
  ERR_RETIRED_KEY_MISSING: spec(
    'input',
    'A key that signed earlier credentials is missing, so their status lists cannot be signed.',
  ),

  // --- wallet ---
  ERR_WALLET_NOT_FOUND: spec('input', 'No wallet at that location.'),
  ERR_WALLET_EXISTS: spec('input', 'A wallet already exists at that location.'),
  ERR_WALLET_WRONG_PASSPHRASE: spec('input', 'The passphrase is wrong.'),
  ERR_WALLET_CORRUPTED: spec('input', 'The wallet file is damaged or has been tampered with.'),
  ERR_WALLET_KDF_TOO_WEAK: spec(
    'input',
    'The wallet file asks for weaker key derivation than allowed.',
  ),
  ERR_WALLET_ROLLED_BACK: spec(
    'input',
    'The wallet file is older than one already written here: an earlier copy has replaced it.',
  ),
  ERR_WALLET_LOCKED: spec('input', 'Another process is using the wallet.'),
  ERR_WALLET_PASSPHRASE_TOO_SHORT: spec('input', 'The passphrase is too short.'),
  ERR_CREDENTIAL_INVALID: spec('input', 'The credential could not be verified on import.'),
  ERR_NO_MATCHING_CREDENTIAL: spec('input', 'No credential in the wallet can answer this request.'),
  ERR_CONSENT_REQUIRED: spec('input', 'The holder has not consented to this presentation.'),
  ERR_CONSENT_DECLINED: spec('input', 'The holder declined to share.'),
  ERR_BACKUP_INVALID: spec(
    'input',
    'The backup file is damaged, tampered with or the secret is wrong.',
  ),
  ERR_RECOVERY_SECRET_TYPO: spec('input', 'The recovery secret has a typo.'),
  ERR_GUARDIAN_SHARE_INVALID: spec('input', 'A guardian share has a typo or is not a share.'),
  ERR_PASSKEY_UNSUPPORTED: spec(
    'input',
    'This passkey cannot unlock the wallet: it does not offer the PRF extension.',
  ),
  ERR_GUARDIAN_SHARES_MIXED: spec('input', 'The guardian shares come from different splits.'),
  ERR_GUARDIAN_SHARES_TOO_FEW: spec(
    'input',
    'Too few guardian shares to rebuild the recovery secret.',
  ),
  ERR_CONFIRMATION_REQUIRED: spec('input', 'This cannot be undone and was not confirmed.'),
  ERR_LANGUAGE_UNSUPPORTED: spec('input', 'That language is not available.'),
  ERR_CAMERA_UNAVAILABLE: spec(
    'internal',
    'The camera could not be opened: access was refused, or there is none.',
  ),

  // --- protocols (OpenID4VCI, OpenID4VP) ---
  ERR_OFFER_INVALID: spec('input', 'The credential offer is not valid.'),
  ERR_OFFER_EXPIRED: spec('input', 'The credential offer has expired or was already used.'),
  ERR_TX_CODE_REQUIRED: spec(
    'input',
    'This offer needs the transaction code (PIN) given to you by the issuer.',
  ),
  ERR_TX_CODE_INVALID: spec('input', 'The transaction code (PIN) is wrong.'),
  ERR_TX_CODE_MALFORMED: spec(
    'input',
    'The transaction code (PIN) does not have the length or characters the issuer asked for; no attempt was used.',
  ),
  ERR_OFFER_LOCKED: spec(
    'input',
    'Too many wrong transaction codes: the offer is locked. Ask the issuer for a new one.',
  ),
  ERR_PROTOCOL: spec('verification', 'The other side answered with a protocol error.'),
  ERR_SESSION_NOT_FOUND: spec('input', 'No presentation session with that id, or it has expired.'),
  ERR_CONFIG_INVALID: spec('input', 'The service configuration is not valid.'),
  ERR_OPERATOR_UNAUTHORIZED: spec('input', 'The service refused the operator token.'),
  ERR_RESPONSE_REFUSED: spec(
    'verification',
    'The answer to this request was refused; the request stays open for a valid answer until it expires.',
  ),
  ERR_NONCE_INVALID: spec(
    'input',
    'The nonce is unknown, expired or was already used: ask for a new one.',
  ),
  ERR_TOKEN_INVALID: spec('input', 'The access token is missing, expired or was already used.'),
  ERR_DPOP_REQUIRED: spec(
    'input',
    'This issuer binds access tokens to a key: send a DPoP proof (RFC 9449) with the request.',
  ),
  ERR_DPOP_NONCE_REQUIRED: spec(
    'input',
    'The DPoP proof must carry the nonce this server sent in its DPoP-Nonce header: retry with it.',
  ),
  ERR_WALLET_ATTESTATION_REQUIRED: spec(
    'input',
    'This issuer accepts only wallets with an attestation from a wallet provider it trusts.',
  ),
  ERR_WALLET_ATTESTATION_INVALID: spec(
    'verification',
    'The wallet attestation or its proof is not valid, not from a trusted wallet provider, or was used before.',
  ),
  ERR_DPOP_PROOF_INVALID: spec(
    'verification',
    'The DPoP proof is not valid for this request, this access token or this key.',
  ),
  ERR_RATE_LIMITED: spec('input', 'Too many requests from this client: wait and try again.'),
  ERR_SERVICE_OVERLOADED: spec('internal', 'The service is overloaded: try again in a moment.'),
  ERR_STORE_FULL: spec(
    'internal',
    'The service holds as many open offers or sessions as it allows: try again later.',
  ),
  ERR_NOT_FOUND: spec('input', 'Nothing is served at this address.'),
  ERR_SERVICE_UNREACHABLE: spec('input', 'The service could not be reached.'),

  // --- starting a service ---
  ERR_PORT_IN_USE: spec('input', 'The port is in use by another program.'),
  ERR_LISTEN_FAILED: spec('input', 'The service cannot listen on that address and port.'),
  ERR_FOLDER_NOT_FOUND: spec('input', 'The folder does not exist.'),
  ERR_DATABASE_URL_INVALID: spec('input', 'The database URL is not a postgres:// URL.'),
  ERR_DATABASE_UNREACHABLE: spec('input', 'The database cannot be reached.'),

  // --- warnings: reported beside a result, never a rejection on their own ---
  WARN_EXTRA_CLAIMS_DROPPED: spec(
    'verification',
    'The presentation disclosed claims that were not requested; they were dropped.',
  ),
  WARN_STATUS_FROM_CACHE: spec('verification', 'The status was taken from a cached status list.'),
  WARN_STATUS_UNAVAILABLE: spec(
    'verification',
    "The status could not be established; accepted by the verifier's policy.",
  ),
  WARN_REQUEST_OVER_ASKS: spec(
    'input',
    'The request asks for claims that its declared purpose does not list.',
  ),

  // --- anything else ---
  ERR_STORAGE: spec('internal', 'Storage failed.'),
  ERR_INTERNAL: spec('internal', 'An unexpected internal error occurred.'),
} as const satisfies Record<string, ErrorSpec>;

/** Every stable error code, for `switch (err.code)`. */
export type SanadErrorCode = keyof typeof ERROR_CODES;

/** A plain, serialisable description of an error, as verification results and `--json` output carry. */
export interface ErrorReport {
  code: SanadErrorCode;
  message: string;
  /** Facts a front end may put in its own words, e.g. `{ attemptsLeft: 2 }`. */
  details?: ErrorDetails;
}

/** Numbers and codes about a failure, never a secret or a claim value. */
export type ErrorDetails = Readonly<Record<string, number | string>>;

/**
 * Base class of every error Sanad throws on purpose.
 *
 * @example
 * ```ts
 * throw new SanadError('ERR_CREDENTIAL_EXPIRED')
 * throw new SanadError('ERR_INVALID_INPUT', 'The --count option must be a whole number from 1 to 100.')
 * ```
 */
export class SanadError extends Error {
  readonly code: SanadErrorCode;
  readonly category: ErrorCategory;
  readonly details?: ErrorDetails;

  constructor(
    code: SanadErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: ErrorDetails },
  ) {
    super(
      message ?? ERROR_CODES[code].message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'SanadError';
    this.code = code;
    this.category = ERROR_CODES[code].category;
    if (options?.details) this.details = options.details;
  }

  /** The serialisable form: code, message and details, never the cause or stack. */
  toReport(): ErrorReport {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** True when `err` is a {@link SanadError} (also across package copies). */
export function isSanadError(err: unknown): err is SanadError {
  return (
    err instanceof SanadError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as { name?: unknown }).name === 'SanadError' &&
      typeof (err as { code?: unknown }).code === 'string' &&
      (err as { code: string }).code in ERROR_CODES)
  );
}

/**
 * Wraps any thrown value as a {@link SanadError}: Sanad errors pass through, anything else
 * becomes `fallback` with the original kept as `cause` (never shown to end users).
 */
export function toSanadError(err: unknown, fallback: SanadErrorCode = 'ERR_INTERNAL'): SanadError {
  if (isSanadError(err)) return err;
  return new SanadError(fallback, undefined, { cause: err });
}

/**
 * The Sanad error somewhere in a chain of causes, if any: a library that wraps a failure of one
 * of our callbacks (a refused fetch, a bad key) keeps the precise code reachable.
 */
export function sanadCauseOf(err: unknown): SanadError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (isSanadError(current)) return current;
    current = current.cause;
  }
  return undefined;
}

/** Builds an {@link ErrorReport} without throwing, for result lists. */
export function errorReport(code: SanadErrorCode, message?: string): ErrorReport {
  return { code, message: message ?? ERROR_CODES[code].message };
}
