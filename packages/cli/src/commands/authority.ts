/**
 * What the lists an authority signs share on the command line (`sanad trust-list …`,
 * `sanad verifier-registry …`): the authority's key, pinned keys, `--expires`, and a list
 * file stamped on every change.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  didKeyFromJwk,
  generateKeyPair,
  isPlainObject,
  isSanadError,
  type JWK,
  publicJwkOf,
  SanadError,
  tryParseJson,
} from '@sanad/core';
import { createFile } from '@sanad/core/node';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';

/** For repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A pinned authority key: a did:key / did:jwk, or a public JWK file. */
export async function pinnedKeyOption(
  value: string | undefined,
): Promise<JWK | string | undefined> {
  if (value === undefined) return undefined;
  if (value.startsWith('did:')) return value;
  const jwk = await readJson(value);
  if (!isPlainObject(jwk)) throw new SanadError('ERR_INVALID_KEY', `${value} is not a JWK.`);
  if ('d' in jwk)
    throw new SanadError(
      'ERR_INVALID_KEY',
      `${value} is a private key: give the public key (the authority's public JWK file or its did:key), and keep the private key with the authority.`,
    );
  return jwk as JWK;
}

const DURATION = /^(\d+)\s*(h|d|w)$/;
const UNIT_SECONDS = { h: 3600, d: 86_400, w: 7 * 86_400 } as const;

/** `--expires`: an ISO 8601 date or date-time, or a duration from now (`24h`, `90d`, `12w`), in the future. */
export function expiryOf(value: string, now = Date.now(), option = '--expires'): string {
  const duration = DURATION.exec(value.trim());
  const at = duration
    ? now + Number(duration[1]) * UNIT_SECONDS[duration[2] as keyof typeof UNIT_SECONDS] * 1000
    : /^\d{4}-\d{2}-\d{2}/.test(value)
      ? Date.parse(value)
      : Number.NaN;
  if (Number.isNaN(at))
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `${option} takes an ISO 8601 date or date-time (2027-05-01, 2027-05-01T00:00:00Z) or a duration from now (24h, 90d, 12w).`,
    );
  if (at <= now)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `${option} is not in the future: it would be refused at once.`,
    );
  return new Date(at).toISOString();
}

type Dated = { issued_at?: string; expires_at?: string };

/** The list after a change: `issued_at` is now (the age staff see), `expires_at` as given. */
export function stamped<T extends Dated>(
  doc: T,
  expires: string | undefined,
  parse: (json: unknown) => T,
): T {
  const now = Date.now();
  const expires_at = expires === undefined ? doc.expires_at : expiryOf(expires, now);
  if (expires_at !== undefined && Date.parse(expires_at) <= now) {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'The list has expired (its expires_at has passed): give --expires with a new date.',
    );
  }
  return parse({
    ...doc,
    issued_at: new Date(now).toISOString(),
    ...(expires_at !== undefined ? { expires_at } : {}),
  });
}

/** The list in `file`, or `empty` when the file does not exist yet. */
export async function readOrCreate<T>(
  file: string,
  parse: (json: unknown) => T,
  empty: T,
): Promise<T> {
  try {
    return parse(tryParseJson(await readInput(file)));
  } catch (err) {
    if (!isSanadError(err) || err.code !== 'ERR_FILE_NOT_FOUND') throw err;
    return empty;
  }
}

/** The authority's private key from `--key <file>`. */
export async function authorityKey(file: string): Promise<JWK> {
  const key = await readJson(file);
  if (!isPlainObject(key) || typeof key.d !== 'string')
    throw new SanadError(
      'ERR_INVALID_KEY',
      `${file} holds no private key: sign with the authority's private key file.`,
    );
  return key as JWK;
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Creates `path` with `content` and mode 0600, never replacing an existing file. */
async function createPrivateFile(path: string, content: string): Promise<void> {
  try {
    await createFile(path, content, 0o600);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST')
      throw new SanadError('ERR_FILE_EXISTS', `${path} already exists; it is never overwritten.`, {
        cause,
      });
    throw new SanadError('ERR_STORAGE', 'The key file could not be written.', { cause });
  }
}

/** `<group> keygen`: an authority key for the lists of `group`, pinned by `pinnedBy` with `pinOption`. */
export function registerAuthorityKeygen(
  group: Command,
  list: { signs: string; pinnedBy: string; pinOption: string },
): void {
  action<{ out: string; publicOut?: string; alg: 'ES256' | 'EdDSA' }>(
    group
      .command('keygen')
      .description(
        `make an authority key that signs ${list.signs}: the private key goes to a 0600 file; prints the public JWK and its did:key to pin`,
      )
      .requiredOption('--out <file>', 'where to write the private key (never overwritten)')
      .option(
        '--public-out <file>',
        `also write the public JWK here, to hand out (${list.pinOption} <file>)`,
      )
      .option('--alg <alg>', 'ES256 or EdDSA', 'ES256'),
    async (o, out) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA')
        throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      if (o.out === '-')
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'The private key goes to a file, never to the screen: give --out <file>.',
        );
      if (o.publicOut === '-')
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'The public key is printed anyway: give --public-out <file>, or leave it out.',
        );
      if (o.publicOut !== undefined && (await exists(o.publicOut)))
        throw new SanadError(
          'ERR_FILE_EXISTS',
          `${o.publicOut} already exists; it is never overwritten.`,
        );
      const { privateJwk } = await generateKeyPair(o.alg);
      const publicJwk = publicJwkOf(privateJwk);
      const did = didKeyFromJwk(publicJwk);
      await createPrivateFile(o.out, `${JSON.stringify(privateJwk, null, 2)}\n`);
      if (o.publicOut !== undefined)
        await writeOutput(o.publicOut, `${JSON.stringify(publicJwk, null, 2)}\n`);
      out.result(
        {
          key_file: o.out,
          ...(o.publicOut ? { public_key_file: o.publicOut } : {}),
          did,
          public_jwk: publicJwk,
        },
        () =>
          [
            `Private key written to ${o.out} (mode 0600). Keep it offline: anyone holding it can sign ${list.signs}.`,
            ...(o.publicOut ? [`Public key written to ${o.publicOut}.`] : []),
            `Public key (JWK): ${JSON.stringify(publicJwk)}`,
            `Public key (DID): ${did}`,
            `${list.pinnedBy} pin it with ${list.pinOption} ${did}${o.publicOut ? ` or ${list.pinOption} ${o.publicOut}` : ''}.`,
          ].join('\n'),
      );
    },
  );
}
