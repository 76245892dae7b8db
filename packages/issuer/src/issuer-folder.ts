/**
 * Node-only: an agency's issuer kept in one folder — the signing key, the keys it retired, and
 * the register (SQLite `issuer.sqlite` in the folder, or PostgreSQL named by `register.json`).
 * Every command and the service open it the same way, so they always use the one register
 * the credentials belong to, and refuse when the folder and a database disagree.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  isPlainObject,
  SanadError,
  signerFromJwk,
  tryParseJson,
} from '@sanad/core';
import { parseCertificate } from '@sanad/core/x509';
import { moveFile, replaceFile } from '@sanad/core/node';
import type { CredentialType } from './credential-type.js';
import { generateBbsIssuerKey } from './bbs-key.js';
import {
  type BbsIssuerKey,
  createIssuer,
  type Issuer,
  newIssuerSettings,
  type RetiredSigner,
} from './issuer.js';
import {
  loadBbsKeyFile,
  loadCertificateChainFile,
  loadIssuerKeyFile,
  saveBbsKeyFile,
  saveIssuerKeyFile,
} from './key-file.js';
import type { IssuerSettings, IssuerStore, RegisterMove } from './store/issuer-store.js';
import { describePostgres, moveRegister, type MovedRegister } from './store/move-register.js';
import { openPostgresIssuerStore } from './store/postgres-store.js';
import { MOVED_KEY } from './store/sql-schema.js';
import { openSqliteIssuerStore } from './store/sqlite-store.js';

export const ISSUER_KEY_FILE = 'issuer-key.jwk.json';
/** The BBS key for bbs-2023 credentials, when the agency made one (`sanad issuer bbs-key`). */
export const BBS_KEY_FILE = 'bbs-key.json';
/** The issuer key's X.509 chain (PEM, leaf first), when the agency's PKI certified it (`sanad pki issuer`). */
export const CERTIFICATE_CHAIN_FILE = 'certificate-chain.pem';
export const REGISTER_FILE = 'issuer.sqlite';
export const REGISTER_POINTER_FILE = 'register.json';
export const RETIRED_KEYS_DIR = 'retired-keys';
/** A new key waiting for its rotation to be recorded (see rotateFolderKey). */
const NEXT_KEY_FILE = 'issuer-key.next.jwk.json';

/** Where the register is when it is not the folder's SQLite file. Never holds a password. */
interface RegisterPointer {
  type: 'sanad-issuer-register';
  version: 1;
  storage: 'postgresql';
  /** The connection URL without its password (from PGPASSWORD, ~/.pgpass or SANAD_DATABASE_URL). */
  database: string;
  schema: string;
  issuer: string;
  register_id?: string;
  status_base_url: string;
}

/** A PostgreSQL database for the register; the password may be missing (node-postgres then reads PGPASSWORD or ~/.pgpass). */
export interface DatabaseOption {
  url: string;
  schema?: string;
}

export interface OpenedIssuerFolder {
  issuer: Issuer;
  store: IssuerStore;
  settings: IssuerSettings;
  storage: 'sqlite' | 'postgresql';
  /** Where the register is, for people (never a password). */
  where: string;
  /** The PostgreSQL database actually used (the service keeps its protocol state beside the register). */
  database?: DatabaseOption;
  close(): Promise<void>;
}

const withoutPassword = (url: string): string => {
  try {
    const u = new URL(url);
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
};

const sameUrl = (a: string, b: string): boolean =>
  a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

async function readPointer(dir: string): Promise<RegisterPointer | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, REGISTER_POINTER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SanadError('ERR_STORAGE', `${join(dir, REGISTER_POINTER_FILE)} cannot be read.`, {
      cause: err,
    });
  }
  const pointer = tryParseJson(text);
  if (
    !isPlainObject(pointer) ||
    pointer.type !== 'sanad-issuer-register' ||
    typeof pointer.database !== 'string' ||
    typeof pointer.schema !== 'string'
  ) {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `${join(dir, REGISTER_POINTER_FILE)} is damaged: it should say where this folder's register is.`,
    );
  }
  return pointer as unknown as RegisterPointer;
}

async function writePointer(dir: string, pointer: RegisterPointer): Promise<void> {
  try {
    await replaceFile(
      join(dir, REGISTER_POINTER_FILE),
      `${JSON.stringify(pointer, null, 2)}\n`,
      0o644,
    );
  } catch (cause) {
    throw new SanadError(
      'ERR_STORAGE',
      `${join(dir, REGISTER_POINTER_FILE)} could not be written.`,
      { cause },
    );
  }
}

/** What a folder's SQLite file holds, read without changing it. */
function peekSqlite(
  path: string,
): { settings?: IssuerSettings; moved?: RegisterMove; credentials: number } | undefined {
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const open = db;
    const get = (key: string) =>
      open.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)
        ?.value;
    const issuer = get('issuer');
    const moved = get(MOVED_KEY);
    const credentials =
      open.prepare<[], { n: number }>('SELECT count(*) AS n FROM credentials').get()?.n ?? 0;
    return {
      ...(issuer ? { settings: JSON.parse(issuer) as IssuerSettings } : {}),
      ...(moved ? { moved: JSON.parse(moved) as RegisterMove } : {}),
      credentials,
    };
  } catch {
    // Not a register we can read: treated as none here; opening it names the failure.
    return undefined;
  } finally {
    db?.close();
  }
}

/** The folder's register as it is recorded: the pointer's database, or the SQLite file. */
async function registerSettingsOf(dir: string): Promise<{ statusBaseUrl: string } | undefined> {
  const pointer = await readPointer(dir).catch(() => undefined);
  if (pointer) return { statusBaseUrl: pointer.status_base_url };
  const local = peekSqlite(join(dir, REGISTER_FILE));
  return local?.settings && !local.moved
    ? { statusBaseUrl: local.settings.statusBaseUrl }
    : undefined;
}

/**
 * Refuses a status base URL that an issuer folder beside this one already publishes under:
 * publishing two folders' lists to one place (`rsync --delete`, a CDN upload) would let one
 * register's lists replace or delete the other's.
 */
async function assertStatusUrlFree(dir: string, statusBaseUrl: string): Promise<void> {
  const parent = dirname(resolve(dir));
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === basename(resolve(dir))) continue;
    const other = join(parent, entry.name);
    const settings = existsSync(join(other, ISSUER_KEY_FILE))
      ? await registerSettingsOf(other)
      : undefined;
    if (settings && sameUrl(settings.statusBaseUrl, statusBaseUrl)) {
      throw new SanadError(
        'ERR_STATUS_URL_IN_USE',
        `${other} already publishes its status lists under ${statusBaseUrl}. Give each issuer folder its own status URL (for example ${statusBaseUrl.replace(/\/+$/, '')}/${basename(resolve(dir))}); for a new key in the same register use \`sanad issuer rotate-key\` instead of a new folder.`,
      );
    }
  }
}

export interface InitIssuerFolderOptions {
  statusBaseUrl: string;
  alg?: 'ES256' | 'EdDSA';
  /** Create the register in PostgreSQL (recorded in `register.json`) instead of `issuer.sqlite`. */
  database?: DatabaseOption;
  /** Also create a BBS key ({@link BBS_KEY_FILE}) for bbs-2023 credentials. */
  bbs?: boolean;
}

/**
 * Creates the key and an empty register in `dir`.
 *
 * @example
 * ```ts
 * const { settings } = await initIssuerFolder('agency', { statusBaseUrl: 'https://status.agency.example/amman' })
 * ```
 */
export async function initIssuerFolder(
  dir: string,
  options: InitIssuerFolderOptions,
): Promise<{ settings: IssuerSettings; where: string }> {
  if (existsSync(join(dir, ISSUER_KEY_FILE)))
    throw new SanadError('ERR_ISSUER_ALREADY_INITIALIZED', `${dir} already holds an issuer.`);
  await assertStatusUrlFree(dir, options.statusBaseUrl);
  const keys = await generateKeyPair(options.alg ?? 'ES256');
  const did = didKeyFromJwk(keys.publicJwk);
  const settings = newIssuerSettings({
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    alg: options.alg ?? 'ES256',
    statusBaseUrl: options.statusBaseUrl,
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const store = options.database
    ? await openPostgres(options.database)
    : openSqliteIssuerStore(join(dir, REGISTER_FILE));
  try {
    const existing = await store.getSettings();
    if (existing) {
      throw new SanadError(
        'ERR_REGISTER_NOT_EMPTY',
        `That database already holds the register of ${existing.issuerId}: use another --schema, or run commands on the folder that owns it.`,
      );
    }
    await saveIssuerKeyFile(join(dir, ISSUER_KEY_FILE), keys.privateJwk);
    if (options.bbs) settings.bbsIssuerId = (await writeBbsKey(dir)).issuerId;
    await store.saveSettings(settings);
  } finally {
    await store.close();
  }
  if (!options.database) return { settings, where: join(dir, REGISTER_FILE) };
  const schema = options.database.schema ?? 'sanad';
  await writePointer(dir, pointerFor(options.database.url, schema, settings));
  return { settings, where: describePostgres({ connectionString: options.database.url, schema }) };
}

async function writeBbsKey(dir: string): Promise<BbsIssuerKey> {
  const { key, file } = await generateBbsIssuerKey();
  await saveBbsKeyFile(join(dir, BBS_KEY_FILE), file);
  return key;
}

/**
 * Adds a BBS key to an issuer folder, for bbs-2023 credentials: presentations a verifier cannot
 * link by their proofs. The key is a second issuer identifier: add it to the trust list.
 *
 * @example
 * ```ts
 * const { issuerId } = await addFolderBbsKey('agency', { types: [refugeeStatusType] }) // did:key:zUC7…
 * ```
 */
export async function addFolderBbsKey(
  dir: string,
  options: OpenIssuerFolderOptions,
): Promise<{ issuerId: string; keyFile: string }> {
  if (existsSync(join(dir, BBS_KEY_FILE)))
    throw new SanadError(
      'ERR_ISSUER_ALREADY_INITIALIZED',
      `${join(dir, BBS_KEY_FILE)} already holds this issuer's BBS key.`,
    );
  const opened = await openIssuerFolder(dir, options);
  try {
    if (opened.settings.bbsIssuerId !== undefined)
      throw new SanadError(
        'ERR_ISSUER_KEY_MISMATCH',
        `The register already has the BBS key ${opened.settings.bbsIssuerId}, whose file is missing: restore ${BBS_KEY_FILE} from the backup.`,
      );
    const key = await writeBbsKey(dir);
    await opened.store.saveSettings({ ...opened.settings, bbsIssuerId: key.issuerId });
    return { issuerId: key.issuerId, keyFile: join(dir, BBS_KEY_FILE) };
  } finally {
    await opened.close();
  }
}

const pointerFor = (url: string, schema: string, settings: IssuerSettings): RegisterPointer => ({
  type: 'sanad-issuer-register',
  version: 1,
  storage: 'postgresql',
  database: withoutPassword(url),
  schema,
  issuer: settings.issuerId,
  ...(settings.registerId ? { register_id: settings.registerId } : {}),
  status_base_url: settings.statusBaseUrl,
});

const openPostgres = (database: DatabaseOption): Promise<IssuerStore> =>
  openPostgresIssuerStore({
    connectionString: database.url,
    ...(database.schema ? { schema: database.schema } : {}),
  });

/** A register is known by its id; one made before register ids, by its first key. */
const sameRegister = (settings: IssuerSettings, pointer: RegisterPointer): boolean =>
  settings.registerId !== undefined || pointer.register_id !== undefined
    ? settings.registerId === pointer.register_id
    : [settings.issuerId, ...(settings.retiredKeys ?? []).map((k) => k.issuerId)].includes(
        pointer.issuer,
      );

const retiredKeyFile = (dir: string, issuerId: string): string =>
  join(dir, RETIRED_KEYS_DIR, `${didKeyMultibase(issuerId)}.jwk.json`);

/** Finishes a rotation that was recorded in the register but stopped before the key file was renamed. */
async function finishRotation(dir: string, settings: IssuerSettings): Promise<void> {
  const next = join(dir, NEXT_KEY_FILE);
  if (!existsSync(next)) return;
  const signer = await signerFromJwk(await loadIssuerKeyFile(next));
  if (didKeyFromJwk(signer.publicJwk) === settings.issuerId)
    await moveFile(next, join(dir, ISSUER_KEY_FILE));
  else await rm(next);
}

/** The register for `dir`, with the checks that keep it from being forked. */
async function openRegister(
  dir: string,
  database: DatabaseOption | undefined,
): Promise<{
  store: IssuerStore;
  settings: IssuerSettings;
  storage: 'sqlite' | 'postgresql';
  where: string;
  database?: DatabaseOption;
}> {
  const pointer = await readPointer(dir);
  const sqlitePath = join(dir, REGISTER_FILE);
  if (!database && !pointer) {
    if (!existsSync(sqlitePath))
      throw new SanadError(
        'ERR_ISSUER_NOT_INITIALIZED',
        `No issuer register in ${dir}: run \`sanad issuer init --dir ${dir}\` first.`,
      );
    const store = openSqliteIssuerStore(sqlitePath);
    const settings = await store.getSettings().catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    if (!settings) {
      await store.close();
      throw new SanadError('ERR_ISSUER_NOT_INITIALIZED');
    }
    return { store, settings, storage: 'sqlite', where: sqlitePath };
  }
  const target: DatabaseOption = database ?? { url: pointer!.database, schema: pointer!.schema };
  const schema = target.schema ?? pointer?.schema ?? 'sanad';
  const where = describePostgres({ connectionString: target.url, schema });
  const store = await openPostgres({ url: target.url, schema });
  try {
    const settings = await store.getSettings();
    if (pointer) {
      if (!settings || !sameRegister(settings, pointer)) {
        throw new SanadError(
          'ERR_REGISTER_MISMATCH',
          `${where} does not hold this folder's register (${pointer.issuer}), which ${REGISTER_POINTER_FILE} places at ${describePostgres({ connectionString: pointer.database, schema: pointer.schema })}. Check --database and --schema.`,
        );
      }
      return {
        store,
        settings,
        storage: 'postgresql',
        where,
        database: { url: target.url, schema },
      };
    }
    // Given a database, with no pointer: the folder's register is its SQLite file, if any.
    const local = peekSqlite(sqlitePath);
    const localInUse = local?.settings !== undefined && local.moved === undefined;
    if (!settings) {
      if (localInUse && local!.credentials === 0) {
        // Nothing issued yet: the register (its settings and id) simply moves to the database.
        await store.close();
        await moveRegister(
          { sqlite: sqlitePath },
          { postgres: { connectionString: target.url, schema } },
        );
        const moved = await openPostgres({ url: target.url, schema });
        const movedSettings = (await moved.getSettings())!;
        await writePointer(dir, pointerFor(target.url, schema, movedSettings));
        return {
          store: moved,
          settings: movedSettings,
          storage: 'postgresql',
          where,
          database: { url: target.url, schema },
        };
      }
      if (localInUse) {
        throw new SanadError(
          'ERR_REGISTER_MISMATCH',
          `This folder's register is ${sqlitePath} (${local!.credentials} credentials) and ${where} holds none. Starting on an empty register would lose every revocation; move it first: sanad issuer migrate --dir ${dir} --to ${withoutPassword(target.url)} --schema ${schema}`,
        );
      }
      throw new SanadError(
        'ERR_ISSUER_NOT_INITIALIZED',
        `${where} holds no issuer register: create one with \`sanad issuer init --dir ${dir} --database …\`, or move this folder's with \`sanad issuer migrate\`.`,
      );
    }
    if (localInUse && local!.credentials > 0) {
      throw new SanadError(
        'ERR_REGISTER_MISMATCH',
        `Both ${sqlitePath} (${local!.credentials} credentials) and ${where} hold an issuer register: they have forked. Stop every service, keep both copies, and see "If a register has forked" in docs/deployment.md before issuing or revoking anything.`,
      );
    }
    // A register made on PostgreSQL before folders recorded where theirs is: record it now.
    if (localInUse && local!.settings!.issuerId !== settings.issuerId) {
      throw new SanadError(
        'ERR_REGISTER_MISMATCH',
        `${where} holds the register of ${settings.issuerId}, not of this folder (${local!.settings!.issuerId}).`,
      );
    }
    await writePointer(dir, pointerFor(target.url, schema, settings));
    if (localInUse) await retire(sqlitePath, where);
    return { store, settings, storage: 'postgresql', where, database: { url: target.url, schema } };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Marks an unused SQLite register (no credentials) as replaced by `where`. */
async function retire(sqlitePath: string, where: string): Promise<void> {
  const db = new Database(sqlitePath);
  try {
    db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(
      MOVED_KEY,
      JSON.stringify({ to: where, at: new Date().toISOString() } satisfies RegisterMove),
    );
  } finally {
    db.close();
  }
}

/** The https identifier a folder's leaf certificate names (its first https URI SAN). */
function certifiedIssuer(x5c: readonly string[], file: string): string {
  const uri = parseCertificate(x5c[0]!).uris.find((u) => u.startsWith('https://'));
  if (uri === undefined)
    throw new SanadError(
      'ERR_X509_NAME_MISMATCH',
      `The leaf certificate in ${file} names no https issuer URI (subject alternative name).`,
    );
  return uri;
}

export interface OpenIssuerFolderOptions {
  types: CredentialType[];
  /** Use this PostgreSQL database (it must hold the folder's register); default: where the folder says. */
  database?: DatabaseOption;
  statusListTtlSeconds?: number;
}

/**
 * Opens the issuer kept in `dir`: its key, the keys it retired, and its register wherever it is.
 *
 * @example
 * ```ts
 * const folder = await openIssuerFolder('agency', { types: [refugeeStatusType] })
 * try { await folder.issuer.revoke(batchId) } finally { await folder.close() }
 * ```
 */
export async function openIssuerFolder(
  dir: string,
  options: OpenIssuerFolderOptions,
): Promise<OpenedIssuerFolder> {
  if (!existsSync(join(dir, ISSUER_KEY_FILE)))
    throw new SanadError(
      'ERR_ISSUER_NOT_INITIALIZED',
      `No issuer in ${dir}: run \`sanad issuer init --dir ${dir}\` first.`,
    );
  const { store, settings, storage, where, database } = await openRegister(dir, options.database);
  try {
    await finishRotation(dir, settings);
    const signer = await signerFromJwk(await loadIssuerKeyFile(join(dir, ISSUER_KEY_FILE)));
    const did = didKeyFromJwk(signer.publicJwk);
    if (did !== settings.issuerId) {
      const retired = (settings.retiredKeys ?? []).some((k) => k.issuerId === did);
      throw new SanadError(
        'ERR_ISSUER_KEY_MISMATCH',
        retired
          ? `${join(dir, ISSUER_KEY_FILE)} holds a key retired on a rotation; the register's current key is ${settings.issuerId}. Restore the current key file.`
          : `${join(dir, ISSUER_KEY_FILE)} belongs to ${did}, but the register (${where}) belongs to ${settings.issuerId}.`,
      );
    }
    const retiredSigners: RetiredSigner[] = [];
    for (const key of settings.retiredKeys ?? []) {
      const file = retiredKeyFile(dir, key.issuerId);
      if (existsSync(file))
        retiredSigners.push({
          issuerId: key.issuerId,
          kid: key.kid,
          signer: await signerFromJwk(await loadIssuerKeyFile(file)),
        });
    }
    const bbs = await loadBbsKeyFile(join(dir, BBS_KEY_FILE));
    if (bbs && settings.bbsIssuerId !== undefined && bbs.issuerId !== settings.bbsIssuerId)
      throw new SanadError(
        'ERR_ISSUER_KEY_MISMATCH',
        `${join(dir, BBS_KEY_FILE)} belongs to ${bbs.issuerId}, but the register's BBS key is ${settings.bbsIssuerId}.`,
      );
    const x5c = await loadCertificateChainFile(join(dir, CERTIFICATE_CHAIN_FILE));
    const issuer = await createIssuer({
      store,
      signer,
      issuerId: settings.issuerId,
      kid: settings.kid,
      // A certified key issues SD-JWT VC as the https identifier its certificate names.
      ...(x5c ? { x5c, sdJwtIssuer: certifiedIssuer(x5c, join(dir, CERTIFICATE_CHAIN_FILE)) } : {}),
      statusBaseUrl: settings.statusBaseUrl,
      types: options.types,
      retiredSigners,
      ...(bbs ? { bbs } : {}),
      ...(options.statusListTtlSeconds !== undefined
        ? { statusListTtlSeconds: options.statusListTtlSeconds }
        : {}),
    });
    return {
      issuer,
      store,
      settings,
      storage,
      where,
      ...(database ? { database } : {}),
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export interface RotatedKey {
  previous: string;
  issuerId: string;
  kid: string;
  /** Where the retired key is kept: it still signs its credentials' status lists. */
  retiredKeyFile: string;
  /** The last `validUntil` of a credential signed by the retired key: keep it on trust lists until then. */
  previousValidUntil?: string;
}

/**
 * Replaces the folder's signing key with a new one in the same register. The old key moves to
 * `retired-keys/` and keeps signing the status lists of the credentials it signed; new
 * credentials are signed by the new key. Verifiers must trust both identifiers until the last
 * credential of the old key expires.
 *
 * @example
 * ```ts
 * const { issuerId } = await rotateFolderKey('agency', { types: [refugeeStatusType] })
 * ```
 */
export async function rotateFolderKey(
  dir: string,
  options: Omit<OpenIssuerFolderOptions, 'statusListTtlSeconds'> & { alg?: 'ES256' | 'EdDSA' },
): Promise<RotatedKey> {
  const folder = await openIssuerFolder(dir, options);
  try {
    const previous = folder.settings;
    const keys = await generateKeyPair(options.alg ?? previous.alg);
    const did = didKeyFromJwk(keys.publicJwk);
    const kid = `${did}#${didKeyMultibase(did)}`;
    // Both keys are safe on disk before the register switches; a stop in between is finished on the next open.
    const retiredFile = retiredKeyFile(dir, previous.issuerId);
    await saveIssuerKeyFile(retiredFile, await loadIssuerKeyFile(join(dir, ISSUER_KEY_FILE)));
    await saveIssuerKeyFile(join(dir, NEXT_KEY_FILE), keys.privateJwk);
    const rotated = await folder.store.rotateKey(
      { issuerId: did, kid, alg: options.alg ?? previous.alg },
      new Date().toISOString(),
    );
    await moveFile(join(dir, NEXT_KEY_FILE), join(dir, ISSUER_KEY_FILE));
    const pointer = await readPointer(dir);
    if (pointer) await writePointer(dir, { ...pointer, issuer: rotated.issuerId });
    const validUntil = (await folder.store.listCredentials())
      .map((c) => c.validUntil)
      .sort()
      .at(-1);
    return {
      previous: previous.issuerId,
      issuerId: did,
      kid,
      retiredKeyFile: retiredFile,
      ...(validUntil ? { previousValidUntil: validUntil } : {}),
    };
  } finally {
    await folder.close();
  }
}

export interface MoveFolderOptions {
  /** PostgreSQL to move to; without it, back into the folder's `issuer.sqlite`. */
  to?: DatabaseOption;
  /** The PostgreSQL register to move back from (default: the one `register.json` names). */
  from?: DatabaseOption;
  onProgress?: (copied: number, total: number) => void;
}

/**
 * Moves the folder's register from SQLite to PostgreSQL, or back. The old copy is marked as
 * moved and refuses every use; `register.json` records the new place (no password).
 *
 * @example
 * ```ts
 * await moveFolderRegister('agency', { to: { url: 'postgres://sanad@db.internal/sanad', schema: 'sanad' } })
 * ```
 */
export async function moveFolderRegister(
  dir: string,
  options: MoveFolderOptions,
): Promise<MovedRegister & { from: string; to: string }> {
  if (!existsSync(join(dir, ISSUER_KEY_FILE)))
    throw new SanadError('ERR_ISSUER_NOT_INITIALIZED', `No issuer in ${dir}.`);
  const pointer = await readPointer(dir);
  const sqlitePath = join(dir, REGISTER_FILE);
  if (options.to) {
    if (pointer)
      throw new SanadError(
        'ERR_REGISTER_MOVED',
        `This folder's register is already on PostgreSQL (${describePostgres({ connectionString: pointer.database, schema: pointer.schema })}).`,
      );
    const schema = options.to.schema ?? 'sanad';
    const postgres = { connectionString: options.to.url, schema };
    const moved = await moveRegister(
      { sqlite: sqlitePath },
      { postgres },
      options.onProgress ? { onProgress: options.onProgress } : {},
    );
    const settings = await openPostgres({ url: options.to.url, schema }).then(async (store) => {
      try {
        return (await store.getSettings())!;
      } finally {
        await store.close();
      }
    });
    await writePointer(dir, pointerFor(options.to.url, schema, settings));
    return { ...moved, from: sqlitePath, to: describePostgres(postgres) };
  }
  if (!pointer)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `This folder's register is already ${sqlitePath}; give --to postgres://… to move it to PostgreSQL.`,
    );
  const from = options.from ?? { url: pointer.database, schema: pointer.schema };
  const postgres = { connectionString: from.url, schema: from.schema ?? pointer.schema };
  // The copy that was moved away earlier is kept beside, as the record it is.
  const old = peekSqlite(sqlitePath);
  if (old?.moved) await moveFile(sqlitePath, `${sqlitePath}.moved-${old.moved.at.slice(0, 10)}`);
  else if (old?.settings)
    throw new SanadError(
      'ERR_REGISTER_NOT_EMPTY',
      `${sqlitePath} already holds a register that was never moved: keep it aside before moving back.`,
    );
  const moved = await moveRegister(
    { postgres },
    { sqlite: sqlitePath },
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  await rm(join(dir, REGISTER_POINTER_FILE));
  return { ...moved, from: describePostgres(postgres), to: sqlitePath };
}

/**
 * A consistent copy of the folder's SQLite register, taken while services may be writing to it
 * (SQLite's online backup). A PostgreSQL register is backed up with `pg_dump`.
 *
 * @example
 * ```ts
 * await backupFolderRegister('agency', '/backup/issuer.sqlite')
 * ```
 */
export async function backupFolderRegister(
  dir: string,
  out: string,
): Promise<{ credentials: number }> {
  const pointer = await readPointer(dir);
  if (pointer)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `This folder's register is on PostgreSQL (${describePostgres({ connectionString: pointer.database, schema: pointer.schema })}): back it up with pg_dump --schema ${pointer.schema}.`,
    );
  const local = peekSqlite(join(dir, REGISTER_FILE));
  if (!local?.settings)
    throw new SanadError('ERR_ISSUER_NOT_INITIALIZED', `No issuer register in ${dir}.`);
  if (existsSync(out))
    throw new SanadError('ERR_INVALID_INPUT', `${out} already exists: back up to a new file.`);
  await mkdir(dirname(resolve(out)), { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, REGISTER_FILE), { readonly: true, fileMustExist: true });
  try {
    await db.backup(out);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', `The backup could not be written to ${out}.`, { cause });
  } finally {
    db.close();
  }
  return { credentials: local.credentials };
}
