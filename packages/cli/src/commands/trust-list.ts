/** `sanad trust-list …`: the issuers a verifier trusts, optionally signed by an authority. */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  type JWK,
  checkDid,
  didKeyFromJwk,
  generateKeyPair,
  isPlainObject,
  isSanadError,
  loadTrustList,
  parseTrustList,
  publicJwkOf,
  SanadError,
  signerFromJwk,
  signTrustList,
  type TrustListDocument,
  tryParseJson,
} from '@sanad/core';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A pinned trust-list authority key: a did:key / did:jwk, or a public JWK file. */
export async function pinnedKeyOption(value: string | undefined): Promise<JWK | string | undefined> {
  if (value === undefined) return undefined;
  if (value.startsWith('did:')) return value;
  const jwk = await readJson(value);
  if (!isPlainObject(jwk)) throw new SanadError('ERR_INVALID_KEY', `${value} is not a JWK.`);
  if ('d' in jwk) throw new SanadError('ERR_INVALID_KEY', `${value} is a private key: give the public key (the authority's public JWK file or its did:key), and keep the private key with the authority.`);
  return jwk as JWK;
}

const DURATION = /^(\d+)\s*(h|d|w)$/;
const UNIT_SECONDS = { h: 3600, d: 86_400, w: 7 * 86_400 } as const;

/** `--expires`: an ISO 8601 date or date-time, or a duration from now (`24h`, `90d`, `12w`), in the future. */
export function expiryOf(value: string, now = Date.now()): string {
  const duration = DURATION.exec(value.trim());
  const at = duration ? now + Number(duration[1]) * UNIT_SECONDS[duration[2] as keyof typeof UNIT_SECONDS] * 1000 : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw new SanadError('ERR_INVALID_INPUT', '--expires takes an ISO 8601 date or date-time (2027-05-01, 2027-05-01T00:00:00Z) or a duration from now (24h, 90d, 12w).');
  if (at <= now) throw new SanadError('ERR_INVALID_INPUT', '--expires is not in the future: verifiers would refuse the list at once.');
  return new Date(at).toISOString();
}

/** The list after a change: `issued_at` is now (the age staff see), `expires_at` as given. */
function stamped(doc: TrustListDocument, expires: string | undefined): TrustListDocument {
  const now = Date.now();
  const expires_at = expires === undefined ? doc.expires_at : expiryOf(expires, now);
  if (expires_at !== undefined && Date.parse(expires_at) <= now) {
    throw new SanadError('ERR_INVALID_INPUT', 'The list has expired (its expires_at has passed): give --expires with a new date.');
  }
  return parseTrustList({ ...doc, issued_at: new Date(now).toISOString(), ...(expires_at !== undefined ? { expires_at } : {}) });
}

/** The trust list in `file`, or a new empty one when the file does not exist yet. */
async function readOrCreate(file: string): Promise<TrustListDocument> {
  try {
    return parseTrustList(tryParseJson(await readInput(file)));
  } catch (err) {
    if (!isSanadError(err) || err.code !== 'ERR_FILE_NOT_FOUND') throw err;
    return { type: 'sanad-trust-list', version: 1, issuers: [] };
  }
}

/** Refuses an issuer identifier verifiers could not use, saying why. */
function checkIssuerId(id: string, hasJwks: boolean): void {
  if (id.startsWith('did:')) {
    try {
      checkDid(id);
    } catch (err) {
      if (!isSanadError(err)) throw err;
      throw new SanadError(err.code === 'ERR_UNSUPPORTED_ALGORITHM' ? 'ERR_DID_METHOD_UNSUPPORTED' : err.code, `--issuer is not a usable DID: ${err.message}`, { cause: err });
    }
    const method = id.split(':')[1];
    if (!hasJwks && method !== 'key' && method !== 'jwk' && method !== 'web') {
      throw new SanadError('ERR_DID_METHOD_UNSUPPORTED', `Sanad resolves did:key, did:jwk and did:web; for did:${method} give the issuer's keys with --jwks <file>.`);
    }
    return;
  }
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(id)) throw new SanadError('ERR_INVALID_INPUT', '--issuer must be a DID (did:key, did:jwk, did:web) or an https issuer URL.');
  if (!hasJwks) throw new SanadError('ERR_INVALID_INPUT', 'An https issuer needs its public keys: give --jwks <file>.');
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** Creates `path` with `content` and mode 0600, never replacing an existing file (write, fsync, then a hard link). */
async function createPrivateFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.key.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') throw new SanadError('ERR_FILE_EXISTS', `${path} already exists; it is never overwritten.`, { cause });
    throw new SanadError('ERR_STORAGE', 'The key file could not be written.', { cause });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

export function registerTrustListCommands(program: Command): void {
  const trust = program.command('trust-list').description('manage a trust list (verifier, trust-list authority)');

  action<{ out: string; publicOut?: string; alg: 'ES256' | 'EdDSA' }>(
    trust
      .command('keygen')
      .description("make a trust-list authority key: the private key goes to a 0600 file; prints the public JWK and its did:key for verifiers to pin")
      .requiredOption('--out <file>', 'where to write the private key (never overwritten)')
      .option('--public-out <file>', 'also write the public JWK here, to hand to verifiers (--pinned-key <file>)')
      .option('--alg <alg>', 'ES256 or EdDSA', 'ES256'),
    async (o, out) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA') throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      if (o.out === '-') throw new SanadError('ERR_INVALID_INPUT', 'The private key goes to a file, never to the screen: give --out <file>.');
      if (o.publicOut === '-') throw new SanadError('ERR_INVALID_INPUT', 'The public key is printed anyway: give --public-out <file>, or leave it out.');
      if (o.publicOut !== undefined && (await exists(o.publicOut))) throw new SanadError('ERR_FILE_EXISTS', `${o.publicOut} already exists; it is never overwritten.`);
      const { privateJwk } = await generateKeyPair(o.alg);
      const publicJwk = publicJwkOf(privateJwk);
      const did = didKeyFromJwk(publicJwk);
      await createPrivateFile(o.out, `${JSON.stringify(privateJwk, null, 2)}\n`);
      if (o.publicOut !== undefined) await writeOutput(o.publicOut, `${JSON.stringify(publicJwk, null, 2)}\n`);
      out.result({ key_file: o.out, ...(o.publicOut ? { public_key_file: o.publicOut } : {}), did, public_jwk: publicJwk }, () =>
        [
          `Private key written to ${o.out} (mode 0600). Keep it offline: anyone holding it can sign trust lists.`,
          ...(o.publicOut ? [`Public key written to ${o.publicOut}.`] : []),
          `Public key (JWK): ${JSON.stringify(publicJwk)}`,
          `Public key (DID): ${did}`,
          `Verifiers pin it with --pinned-key ${did}${o.publicOut ? ` or --pinned-key ${o.publicOut}` : ''}.`,
        ].join('\n'),
      );
    },
  );

  action<{ file: string; issuer: string; type: string[]; name?: string; jwks?: string; expires?: string }>(
    trust
      .command('add')
      .description('add or update a trusted issuer (creates the file if needed)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--issuer <id>', 'issuer DID (did:key, did:jwk, did:web) or https URL')
      .requiredOption('--type <type>', 'a vct or VC type it may issue (repeatable)', collect)
      .option('--name <text>', 'display name, shown to staff at the desk')
      .option('--jwks <file>', 'the issuer JWKS (required for https issuers)')
      .option('--expires <date|duration>', 'set expires_at: an ISO 8601 date or date-time, or 24h, 90d, 12w from now'),
    async (o, out) => {
      checkIssuerId(o.issuer, o.jwks !== undefined);
      const doc = await readOrCreate(o.file);
      const entry = { id: o.issuer, ...(o.name ? { name: o.name } : {}), credential_types: o.type, ...(o.jwks ? { jwks: (await readJson(o.jwks)) as { keys: JWK[] } } : {}) };
      const updated = stamped({ ...doc, issuers: [...doc.issuers.filter((i) => i.id !== o.issuer), entry] }, o.expires);
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result({ file: o.file, issuers: updated.issuers.length, issued_at: updated.issued_at, ...(updated.expires_at ? { expires_at: updated.expires_at } : {}) }, () =>
        `${o.name ?? o.issuer} is trusted for ${o.type.join(', ')} (${o.file}${updated.expires_at ? `, expires ${updated.expires_at}` : ''}).`,
      );
    },
  );

  action<{ file: string; issuer: string }>(
    trust
      .command('remove')
      .description('remove a trusted issuer (key compromise, an agency closed)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--issuer <id>', 'the issuer identifier to remove'),
    async (o, out) => {
      const doc = parseTrustList(await readJson(o.file));
      if (!doc.issuers.some((i) => i.id === o.issuer)) throw new SanadError('ERR_INVALID_INPUT', `No issuer with that identifier in ${o.file}.`);
      const updated = stamped({ ...doc, issuers: doc.issuers.filter((i) => i.id !== o.issuer) }, undefined);
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result({ file: o.file, issuers: updated.issuers.length, issued_at: updated.issued_at }, () => `${o.issuer} removed from ${o.file}; sign and distribute the list again.`);
    },
  );

  action<{ file: string; key: string; out: string; expires?: string }>(
    trust
      .command('sign')
      .description('sign a trust list as a trust-list authority (issued_at set to now)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--key <file>', "the authority's private JWK (from `sanad trust-list keygen`)")
      .requiredOption('--out <file>', 'the signed list (compact JWS)')
      .option('--expires <date|duration>', 'set expires_at in the signed list: an ISO 8601 date or date-time, or 24h, 90d, 12w from now'),
    async (o, out) => {
      const key = await readJson(o.key);
      if (!isPlainObject(key) || typeof key.d !== 'string') throw new SanadError('ERR_INVALID_KEY', `${o.key} holds no private key: sign with the authority's private key file.`);
      const doc = stamped(parseTrustList(await readJson(o.file)), o.expires);
      const jws = await signTrustList(doc, await signerFromJwk(key as JWK));
      await writeOutput(o.out, jws);
      out.result({ out: o.out, issued_at: doc.issued_at, ...(doc.expires_at ? { expires_at: doc.expires_at } : {}), issuers: doc.issuers.length }, () =>
        `Signed trust list written to ${o.out}: ${doc.issuers.length} issuer${doc.issuers.length === 1 ? '' : 's'}, issued ${doc.issued_at}, ${doc.expires_at ? `expires ${doc.expires_at}` : 'no expiry (give --expires)'}.`,
      );
    },
  );

  action<{ file: string; pinnedKey?: string }>(
    trust.command('show').description('check and print a trust list').requiredOption('--file <file>', 'trust.json or a signed trust list').option('--pinned-key <jwk-file|did>', 'the authority key to check the signature'),
    async (o, out) => {
      const pinnedKey = await pinnedKeyOption(o.pinnedKey);
      const list = await loadTrustList(await readInput(o.file), pinnedKey ? { pinnedKey } : {});
      out.result({ signed: list.signed, ...list.document }, () =>
        [
          `Trust list${list.signed ? ' (signature checked)' : ' (unsigned)'}${list.document.issued_at ? `, issued ${list.document.issued_at}` : ''}${list.document.expires_at ? `, expires ${list.document.expires_at}` : ''}`,
          ...list.document.issuers.map((i) => `  ${i.name ?? i.id}\n    ${i.id}\n    may issue: ${i.credential_types.join(', ')}`),
        ].join('\n'),
      );
    },
  );
}
