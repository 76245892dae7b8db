/** Node-only: the issuer's private keys (JWK, and BBS) in 0600 JSON files, written atomically; its certificate chain. */
import { readFile } from 'node:fs/promises';
import { type JWK, SanadError, tryParseJson } from '@sanad/core';
import { certificateBase64 } from '@sanad/core/x509';
import { replaceFile } from '@sanad/core/node';
import { type BbsKeyFile, bbsIssuerKeyFrom } from './bbs-key.js';
import type { BbsIssuerKey } from './issuer.js';

/**
 * Writes a private JWK with owner-only permissions (temp file, fsync, rename).
 *
 * @example
 * ```ts
 * await saveIssuerKeyFile('agency/issuer-key.jwk.json', (await generateKeyPair()).privateJwk)
 * ```
 */
export async function saveIssuerKeyFile(path: string, privateJwk: JWK): Promise<void> {
  try {
    await replaceFile(path, `${JSON.stringify(privateJwk, null, 2)}\n`, 0o600);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', 'The key file could not be written.', { cause });
  }
}

/** Reads a private JWK written by {@link saveIssuerKeyFile}. */
export async function loadIssuerKeyFile(path: string): Promise<JWK> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SanadError('ERR_ISSUER_NOT_INITIALIZED', 'The issuer key file is missing.', {
      cause,
    });
  }
  const jwk = tryParseJson(text);
  if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).d !== 'string')
    throw new SanadError('ERR_INVALID_KEY', 'The issuer key file holds no private key.');
  return jwk as JWK;
}

/** Writes a BBS key (from `generateBbsIssuerKey`) with owner-only permissions, atomically. */
export async function saveBbsKeyFile(path: string, file: BbsKeyFile): Promise<void> {
  try {
    await replaceFile(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', 'The BBS key file could not be written.', { cause });
  }
}

/** The text of a file a folder may or may not have: `undefined` when there is none. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SanadError('ERR_STORAGE', `${path} cannot be read.`, { cause: err });
  }
}

/** The BBS key in `path`, or `undefined` when there is no such file. */
export async function loadBbsKeyFile(path: string): Promise<BbsIssuerKey | undefined> {
  const text = await readOptional(path);
  return text === undefined ? undefined : bbsIssuerKeyFrom(tryParseJson(text));
}

/**
 * The issuer key's certificate chain in `path` (PEM, leaf first, as `x5c` carries it), or
 * `undefined` when there is no such file.
 */
export async function loadCertificateChainFile(path: string): Promise<string[] | undefined> {
  const text = await readOptional(path);
  if (text === undefined) return undefined;
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    throw new SanadError('ERR_X509_CERTIFICATE_INVALID', `${path} holds no PEM certificate.`);
  return blocks.map(certificateBase64);
}
