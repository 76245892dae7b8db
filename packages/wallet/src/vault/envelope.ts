/**
 * The encrypted envelope a wallet (or its backup) is stored in:
 * passphrase -> scrypt (memory-hard) -> XChaCha20-Poly1305, with the envelope header as
 * associated data. Browser-safe: the KDF is injected (Node uses its native scrypt).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64url, fromUtf8, isPlainObject, randomBytes, SanadError, toBase64url, tryParseJson, utf8 } from '@sanad/core';

export type EnvelopeFormat = 'sanad-wallet' | 'sanad-wallet-backup';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** scrypt cost for new wallets: N = 2^17, r = 8 (128 MiB, ~0.3 s on a laptop). */
export const DEFAULT_KDF: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** Refuse to open files asking for less than this (a downgraded file is an attack). */
export const MIN_KDF: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
/** Refuse absurd parameters too: a file must not be able to make the device hang. */
export const MAX_KDF: ScryptParams = { N: 2 ** 20, r: 16, p: 4 };
export const MIN_PASSPHRASE_LENGTH = 8;

/** Derives 64 bytes from a passphrase: 32 for the cipher, 32 for the key-check value. */
export type Kdf = (passphrase: string, salt: Uint8Array, params: ScryptParams) => Promise<Uint8Array>;

/** Pure-JS scrypt from @noble/hashes (browsers). Node wallets inject the native one. */
export const nobleScrypt: Kdf = (passphrase, salt, { N, r, p }) => scryptAsync(utf8(passphrase.normalize('NFKC')), salt, { N, r, p, dkLen: 64 });

export interface Envelope {
  format: EnvelopeFormat;
  version: 1;
  /** Counts the saves of this wallet; bound to the ciphertext, so an older file cannot pose as newer. */
  generation: number;
  kdf: { name: 'scrypt'; salt: string } & ScryptParams;
  cipher: { name: 'xchacha20-poly1305'; nonce: string };
  /** HMAC of a fixed label under a key derived alongside the cipher key. */
  check: string;
  ciphertext: string;
}

export interface KdfPolicy {
  min: ScryptParams;
  max: ScryptParams;
}

const CHECK_LABEL = utf8('sanad wallet key check v1');

/** A derived key, kept for the session so each save needs no new scrypt run. */
export interface SessionKey {
  readonly format: EnvelopeFormat;
  readonly kdf: Envelope['kdf'];
  readonly cipherKey: Uint8Array;
  readonly check: string;
}

// Everything in the header is bound to the ciphertext: no field can be changed on its own.
const associatedData = (e: Pick<Envelope, 'format' | 'version' | 'generation' | 'kdf'>): Uint8Array =>
  utf8(JSON.stringify([e.format, e.version, e.generation, e.kdf.name, e.kdf.N, e.kdf.r, e.kdf.p, e.kdf.salt, 'xchacha20-poly1305']));

async function derive(kdf: Kdf, passphrase: string, format: EnvelopeFormat, params: Envelope['kdf']): Promise<SessionKey> {
  const bytes = await kdf(passphrase, fromBase64url(params.salt), params);
  // The check value is an HMAC under the second half of the scrypt output: it confirms the
  // passphrase without revealing the cipher key, and guessing through it costs a full scrypt
  // run per guess — the same as trying to decrypt, so it gives an attacker nothing new.
  return { format, kdf: params, cipherKey: bytes.slice(0, 32), check: toBase64url(hmac(sha256, bytes.slice(32, 64), CHECK_LABEL)) };
}

/**
 * Derives a key for a new envelope (fresh salt).
 *
 * @example
 * ```ts
 * const key = await newSessionKey(nobleScrypt, 'passphrase', 'sanad-wallet')
 * ```
 */
export async function newSessionKey(kdf: Kdf, passphrase: string, format: EnvelopeFormat, params: ScryptParams = DEFAULT_KDF): Promise<SessionKey> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new SanadError('ERR_WALLET_PASSPHRASE_TOO_SHORT', `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  return derive(kdf, passphrase, format, { name: 'scrypt', ...params, salt: toBase64url(randomBytes(16)) });
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const corrupted = (format: EnvelopeFormat, cause?: unknown): SanadError =>
  new SanadError(format === 'sanad-wallet' ? 'ERR_WALLET_CORRUPTED' : 'ERR_BACKUP_INVALID', undefined, cause === undefined ? undefined : { cause });

/** Parses and checks an envelope's header, before any expensive work. */
export function parseEnvelope(bytes: Uint8Array, format: EnvelopeFormat, policy: KdfPolicy = { min: MIN_KDF, max: MAX_KDF }): Envelope {
  const json = tryParseJson(fromUtf8(bytes));
  if (!isPlainObject(json) || json.format !== format || json.version !== 1) throw corrupted(format);
  const { kdf, cipher } = json;
  if (!isPlainObject(kdf) || kdf.name !== 'scrypt' || !isPlainObject(cipher) || cipher.name !== 'xchacha20-poly1305') throw corrupted(format);
  if (![kdf.salt, cipher.nonce, json.check, json.ciphertext].every((v) => typeof v === 'string' && BASE64URL.test(v))) throw corrupted(format);
  if (!Number.isSafeInteger(json.generation) || (json.generation as number) < 0) throw corrupted(format);
  const [N, r, p] = [kdf.N, kdf.r, kdf.p];
  if (![N, r, p].every((v) => Number.isInteger(v) && (v as number) > 0) || ((N as number) & ((N as number) - 1)) !== 0) throw corrupted(format);
  if ((N as number) < policy.min.N || (r as number) < policy.min.r || (p as number) < policy.min.p) throw new SanadError('ERR_WALLET_KDF_TOO_WEAK');
  if ((N as number) > policy.max.N || (r as number) > policy.max.r || (p as number) > policy.max.p) throw corrupted(format);
  return json as unknown as Envelope;
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
export async function openEnvelope(bytes: Uint8Array, passphrase: string | readonly string[], format: EnvelopeFormat, kdf: Kdf, policy?: KdfPolicy): Promise<{ key: SessionKey; plaintext: Uint8Array; generation: number }> {
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
    throw new SanadError(format === 'sanad-wallet' ? 'ERR_WALLET_WRONG_PASSPHRASE' : 'ERR_BACKUP_INVALID', format === 'sanad-wallet' ? undefined : 'The backup secret is wrong.');
  }
  try {
    const plaintext = xchacha20poly1305(key.cipherKey, fromBase64url(envelope.cipher.nonce), associatedData(envelope)).decrypt(fromBase64url(envelope.ciphertext));
    return { key, plaintext, generation: envelope.generation };
  } catch (cause) {
    throw corrupted(format, cause);
  }
}

/** Seals a plaintext under a session key with a fresh nonce, as save number `generation`. */
export function sealEnvelope(key: SessionKey, plaintext: Uint8Array, generation: number): Uint8Array {
  const nonce = randomBytes(24);
  const header = { format: key.format, version: 1 as const, generation, kdf: key.kdf };
  const ciphertext = xchacha20poly1305(key.cipherKey, nonce, associatedData(header)).encrypt(plaintext);
  const envelope: Envelope = { ...header, cipher: { name: 'xchacha20-poly1305', nonce: toBase64url(nonce) }, check: key.check, ciphertext: toBase64url(ciphertext) };
  return utf8(JSON.stringify(envelope));
}
