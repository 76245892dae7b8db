/**
 * The encrypted envelope a wallet (or its backup) is stored in:
 * passphrase -> memory-hard KDF -> XChaCha20-Poly1305, with the envelope header as associated
 * data. Version 1 is scrypt only; version 2 names its KDF: scrypt (what Node writes, natively) or
 * Argon2id (what the web wallet writes, in WebAssembly). Both sides open both versions, and every
 * save writes version 2. Browser-safe: the KDF is injected (Node uses its native scrypt).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  fromBase64url,
  fromUtf8,
  isPlainObject,
  randomBytes,
  SanadError,
  toBase64url,
  tryParseJson,
  utf8,
} from '@sanad/core';
import { argon2id } from 'hash-wasm';

export type EnvelopeFormat = 'sanad-wallet' | 'sanad-wallet-backup';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface Argon2idParams {
  /** Memory in KiB. */
  m: number;
  /** Passes over the memory. */
  t: number;
  /** Lanes. */
  p: number;
}

/** The KDF and its cost; parameters without a name are scrypt's (as before Argon2id came). */
export type KdfParams =
  | ({ name?: 'scrypt' } & ScryptParams)
  | ({ name: 'argon2id' } & Argon2idParams);

/** scrypt cost for new wallets: N = 2^17, r = 8 (128 MiB, ~0.3 s natively on a laptop). */
export const DEFAULT_KDF: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** Refuse to open files asking for less than this (a downgraded file is an attack). */
export const MIN_KDF: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
/** Refuse absurd parameters too: a file must not be able to make the device hang. */
export const MAX_KDF: ScryptParams = { N: 2 ** 20, r: 16, p: 4 };
/**
 * Argon2id for the web wallet: 19 MiB, 2 passes, 1 lane (OWASP's first recommended setting).
 * Measured in WebAssembly: ~0.25 s on a laptop core, ~1.5 s with the CPU slowed six times like
 * a cheap phone, where scrypt at 128 MiB in JavaScript took 12 s; 19 MiB fits a low-memory phone.
 */
export const DEFAULT_ARGON2ID: { name: 'argon2id' } & Argon2idParams = {
  name: 'argon2id',
  m: 19 * 1024,
  t: 2,
  p: 1,
};
/** The floor for Argon2id files: 8 MiB and 2 passes; less is refused as a downgrade. */
export const MIN_ARGON2ID: Argon2idParams = { m: 8 * 1024, t: 2, p: 1 };
/** The ceiling: 128 MiB (what scrypt used), 8 passes, 4 lanes — no more memory than before. */
export const MAX_ARGON2ID: Argon2idParams = { m: 128 * 1024, t: 8, p: 4 };
export const MIN_PASSPHRASE_LENGTH = 8;

/** Derives 64 bytes from a passphrase: 32 for the cipher, 32 for the key-check value. */
export type Kdf = (passphrase: string, salt: Uint8Array, params: KdfParams) => Promise<Uint8Array>;

const passphraseBytes = (passphrase: string): Uint8Array => utf8(passphrase.normalize('NFKC'));

/** Argon2id in WebAssembly (hash-wasm): the same code in browsers, workers and Node. */
export const wasmArgon2id = (
  passphrase: string,
  salt: Uint8Array,
  { m, t, p }: Argon2idParams,
): Promise<Uint8Array> =>
  argon2id({
    password: passphraseBytes(passphrase),
    salt,
    memorySize: m,
    iterations: t,
    parallelism: p,
    hashLength: 64,
    outputType: 'binary',
  });

/** The browser's KDF: Argon2id in WebAssembly, scrypt in pure JS (@noble/hashes) for older files. */
export const browserKdf: Kdf = (passphrase, salt, params) =>
  params.name === 'argon2id'
    ? wasmArgon2id(passphrase, salt, params)
    : scryptAsync(passphraseBytes(passphrase), salt, {
        N: params.N,
        r: params.r,
        p: params.p,
        dkLen: 64,
      });

type HeaderKdf = ({ name: 'scrypt' } & ScryptParams) | ({ name: 'argon2id' } & Argon2idParams);

export interface Envelope {
  format: EnvelopeFormat;
  version: 1 | 2;
  /** Counts the saves of this wallet; bound to the ciphertext, so an older file cannot pose as newer. */
  generation: number;
  kdf: HeaderKdf & { salt: string };
  cipher: { name: 'xchacha20-poly1305'; nonce: string };
  /** HMAC of a fixed label under a key derived alongside the cipher key. */
  check: string;
  ciphertext: string;
}

export interface KdfPolicy {
  /** scrypt's bounds. */
  min: ScryptParams;
  max: ScryptParams;
  /** Argon2id's bounds; default {@link MIN_ARGON2ID} to {@link MAX_ARGON2ID}. */
  argon2id?: { min: Argon2idParams; max: Argon2idParams };
}

const CHECK_LABEL = utf8('sanad wallet key check v1');
const CURRENT_VERSION = 2;

/** A derived key, kept for the session so each save needs no new KDF run. */
export interface SessionKey {
  readonly format: EnvelopeFormat;
  readonly kdf: Envelope['kdf'];
  readonly cipherKey: Uint8Array;
  readonly check: string;
}

/** The three cost numbers, in the order the header binds them. */
const kdfCost = (params: KdfParams): [number, number, number] =>
  params.name === 'argon2id' ? [params.m, params.t, params.p] : [params.N, params.r, params.p];
const kdfName = (params: KdfParams): HeaderKdf['name'] => params.name ?? 'scrypt';

/** The floor and ceiling for this KDF under a policy, as cost numbers. */
function kdfBounds(
  params: KdfParams,
  policy: KdfPolicy,
): { min: [number, number, number]; max: [number, number, number] } {
  if (params.name !== 'argon2id') return { min: kdfCost(policy.min), max: kdfCost(policy.max) };
  const { min, max } = policy.argon2id ?? { min: MIN_ARGON2ID, max: MAX_ARGON2ID };
  return { min: kdfCost({ name: 'argon2id', ...min }), max: kdfCost({ name: 'argon2id', ...max }) };
}

export const DEFAULT_POLICY: KdfPolicy = { min: MIN_KDF, max: MAX_KDF };

/** Whether `params` cost less than the policy's floor for their KDF. */
export const belowFloor = (params: KdfParams, policy: KdfPolicy = DEFAULT_POLICY): boolean => {
  const { min } = kdfBounds(params, policy);
  return kdfCost(params).some((v, i) => v < min[i]!);
};

/** The same KDF and cost, whatever the field order or a missing scrypt name. */
export const sameKdf = (a: KdfParams, b: KdfParams): boolean =>
  kdfName(a) === kdfName(b) && kdfCost(a).every((v, i) => v === kdfCost(b)[i]);

/** What a save should use: `wanted`, but never less than a file of the same KDF already has. */
export function raisedKdf(current: KdfParams, wanted: KdfParams): KdfParams {
  if (kdfName(current) !== kdfName(wanted)) return wanted;
  const [a, b, c] = kdfCost(current).map((v, i) => Math.max(v, kdfCost(wanted)[i]!)) as [
    number,
    number,
    number,
  ];
  return wanted.name === 'argon2id' ? { name: 'argon2id', m: a, t: b, p: c } : { N: a, r: b, p: c };
}

const headerKdf = (params: KdfParams, salt: string): Envelope['kdf'] =>
  params.name === 'argon2id'
    ? { name: 'argon2id', m: params.m, t: params.t, p: params.p, salt }
    : { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt };

// Everything in the header is bound to the ciphertext: no field can be changed on its own.
const associatedData = (
  e: Pick<Envelope, 'format' | 'version' | 'generation' | 'kdf'>,
): Uint8Array =>
  utf8(
    JSON.stringify([
      e.format,
      e.version,
      e.generation,
      e.kdf.name,
      ...kdfCost(e.kdf),
      e.kdf.salt,
      'xchacha20-poly1305',
    ]),
  );

async function derive(
  kdf: Kdf,
  passphrase: string,
  format: EnvelopeFormat,
  params: Envelope['kdf'],
): Promise<SessionKey> {
  const bytes = await kdf(passphrase, fromBase64url(params.salt), params);
  // The check value is an HMAC under the second half of the KDF output: it confirms the
  // passphrase without revealing the cipher key, and guessing through it costs a full KDF
  // run per guess — the same as trying to decrypt, so it gives an attacker nothing new.
  return {
    format,
    kdf: params,
    cipherKey: bytes.slice(0, 32),
    check: toBase64url(hmac(sha256, bytes.slice(32, 64), CHECK_LABEL)),
  };
}

/**
 * Derives a key for a new envelope (fresh salt).
 *
 * @example
 * ```ts
 * const key = await newSessionKey(browserKdf, 'passphrase', 'sanad-wallet', DEFAULT_ARGON2ID)
 * ```
 */
export async function newSessionKey(
  kdf: Kdf,
  passphrase: string,
  format: EnvelopeFormat,
  params: KdfParams = DEFAULT_KDF,
): Promise<SessionKey> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new SanadError(
      'ERR_WALLET_PASSPHRASE_TOO_SHORT',
      `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`,
    );
  return derive(kdf, passphrase, format, headerKdf(params, toBase64url(randomBytes(16))));
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const corrupted = (format: EnvelopeFormat, cause?: unknown): SanadError =>
  new SanadError(
    format === 'sanad-wallet' ? 'ERR_WALLET_CORRUPTED' : 'ERR_BACKUP_INVALID',
    undefined,
    cause === undefined ? undefined : { cause },
  );

/** Parses and checks an envelope's header, before any expensive work. */
export function parseEnvelope(
  bytes: Uint8Array,
  format: EnvelopeFormat,
  policy: KdfPolicy = DEFAULT_POLICY,
): Envelope {
  const json = tryParseJson(fromUtf8(bytes));
  if (
    !isPlainObject(json) ||
    json.format !== format ||
    (json.version !== 1 && json.version !== CURRENT_VERSION)
  )
    throw corrupted(format);
  const { kdf, cipher } = json;
  // Version 1 knew scrypt only.
  const names = json.version === 1 ? ['scrypt'] : ['scrypt', 'argon2id'];
  if (
    !isPlainObject(kdf) ||
    !names.includes(kdf.name as string) ||
    !isPlainObject(cipher) ||
    cipher.name !== 'xchacha20-poly1305'
  )
    throw corrupted(format);
  if (
    ![kdf.salt, cipher.nonce, json.check, json.ciphertext].every(
      (v) => typeof v === 'string' && BASE64URL.test(v),
    )
  )
    throw corrupted(format);
  if (!Number.isSafeInteger(json.generation) || (json.generation as number) < 0)
    throw corrupted(format);
  const params = kdf as unknown as KdfParams;
  const cost = kdfCost(params);
  if (!cost.every((v) => Number.isInteger(v) && v > 0)) throw corrupted(format);
  // scrypt's N is a power of two; Argon2 needs 8 KiB of memory per lane.
  if (params.name === 'argon2id' ? params.m < 8 * params.p : (params.N & (params.N - 1)) !== 0)
    throw corrupted(format);
  const { min, max } = kdfBounds(params, policy);
  if (cost.some((v, i) => v < min[i]!)) throw new SanadError('ERR_WALLET_KDF_TOO_WEAK');
  if (cost.some((v, i) => v > max[i]!)) throw corrupted(format);
  return { ...(json as unknown as Envelope), kdf: headerKdf(params, kdf.salt as string) };
}

function decrypt(envelope: Envelope, key: SessionKey, format: EnvelopeFormat): Uint8Array {
  try {
    return xchacha20poly1305(
      key.cipherKey,
      fromBase64url(envelope.cipher.nonce),
      associatedData(envelope),
    ).decrypt(fromBase64url(envelope.ciphertext));
  } catch (cause) {
    throw corrupted(format, cause);
  }
}

/**
 * Opens an envelope: wrong passphrase and tampering are told apart. Several candidate
 * passphrases (the same secret written two ways) are tried in order against the key check,
 * before anything is decrypted.
 *
 * @example
 * ```ts
 * const { key, plaintext } = await openEnvelope(bytes, passphrase, 'sanad-wallet', nodeScrypt)
 * ```
 */
export async function openEnvelope(
  bytes: Uint8Array,
  passphrase: string | readonly string[],
  format: EnvelopeFormat,
  kdf: Kdf,
  policy?: KdfPolicy,
): Promise<{ key: SessionKey; plaintext: Uint8Array; generation: number }> {
  const envelope = parseEnvelope(bytes, format, policy);
  let key: SessionKey | undefined;
  for (const candidate of typeof passphrase === 'string' ? [passphrase] : passphrase) {
    const derived = await derive(kdf, candidate, format, envelope.kdf);
    if (derived.check === envelope.check) {
      key = derived;
      break;
    }
  }
  if (key === undefined) {
    throw new SanadError(
      format === 'sanad-wallet' ? 'ERR_WALLET_WRONG_PASSPHRASE' : 'ERR_BACKUP_INVALID',
      format === 'sanad-wallet' ? undefined : 'The backup secret is wrong.',
    );
  }
  return { key, plaintext: decrypt(envelope, key, format), generation: envelope.generation };
}

/**
 * Opens an envelope with a session key kept from an earlier unlock (quick unlock): no KDF run.
 * A key from before the passphrase changed no longer matches and is refused like a wrong passphrase.
 */
export function openEnvelopeWithKey(
  bytes: Uint8Array,
  key: SessionKey,
  policy?: KdfPolicy,
): { plaintext: Uint8Array; generation: number } {
  const envelope = parseEnvelope(bytes, key.format, policy);
  if (
    envelope.kdf.salt !== key.kdf.salt ||
    !sameKdf(envelope.kdf, key.kdf) ||
    envelope.check !== key.check
  )
    throw new SanadError('ERR_WALLET_WRONG_PASSPHRASE');
  return { plaintext: decrypt(envelope, key, key.format), generation: envelope.generation };
}

/** Seals a plaintext under a session key with a fresh nonce, as save number `generation`, in the current version. */
export function sealEnvelope(
  key: SessionKey,
  plaintext: Uint8Array,
  generation: number,
): Uint8Array {
  const nonce = randomBytes(24);
  const header = {
    format: key.format,
    version: CURRENT_VERSION as Envelope['version'],
    generation,
    kdf: key.kdf,
  };
  const ciphertext = xchacha20poly1305(key.cipherKey, nonce, associatedData(header)).encrypt(
    plaintext,
  );
  const envelope: Envelope = {
    ...header,
    cipher: { name: 'xchacha20-poly1305', nonce: toBase64url(nonce) },
    check: key.check,
    ciphertext: toBase64url(ciphertext),
  };
  return utf8(JSON.stringify(envelope));
}

/**
 * A session key as bytes, for a quick unlock to wrap under a device-bound key. Whoever holds
 * these bytes can open this wallet until its passphrase changes: they must never be stored bare.
 */
export const exportSessionKey = (key: SessionKey): Uint8Array =>
  utf8(JSON.stringify({ ...key, cipherKey: toBase64url(key.cipherKey) }));

/** The inverse of {@link exportSessionKey}; malformed bytes are `ERR_WALLET_CORRUPTED`. */
export function importSessionKey(bytes: Uint8Array): SessionKey {
  const json = tryParseJson(fromUtf8(bytes));
  if (
    !isPlainObject(json) ||
    (json.format !== 'sanad-wallet' && json.format !== 'sanad-wallet-backup') ||
    typeof json.cipherKey !== 'string' ||
    typeof json.check !== 'string' ||
    !isPlainObject(json.kdf) ||
    typeof json.kdf.salt !== 'string'
  ) {
    throw new SanadError('ERR_WALLET_CORRUPTED');
  }
  const cipherKey = fromBase64url(json.cipherKey);
  if (cipherKey.length !== 32) throw new SanadError('ERR_WALLET_CORRUPTED');
  return {
    format: json.format,
    kdf: headerKdf(json.kdf as unknown as KdfParams, json.kdf.salt),
    cipherKey,
    check: json.check,
  };
}
