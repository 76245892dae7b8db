/** The default issuer store: one embedded SQLite file (better-sqlite3, WAL, transactions). */
import Database from 'better-sqlite3';
import { SanadError } from '@sanad/core';
import { pickFreeIndex } from './allocate.js';
import {
  assertCurrentKey,
  type CredentialStatus,
  type IssuerSettings,
  type IssuerStore,
  type RegisterMove,
  registerMovedError,
  rotatedSettings,
  type StatusListKind,
} from './issuer-store.js';
import {
  type CredentialRow as Row,
  migrations,
  MOVED_KEY,
  SCHEMA_VERSION,
  type StatusListRow,
  toRecord,
  toStatusList,
} from './sql-schema.js';

const MIGRATIONS = migrations('sqlite');

/**
 * The schema version of the SQLite register at `path` and the one this release migrates it to
 * when it opens it; read-only (for `sanad doctor`).
 */
export function sqliteIssuerSchema(path: string): { version: number; current: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      current: SCHEMA_VERSION,
    };
  } finally {
    db.close();
  }
}

/**
 * Opens (creating if needed) the SQLite register at `path`.
 *
 * @example
 * ```ts
 * const store = openSqliteIssuerStore('agency/issuer.sqlite')
 * ```
 */
export function openSqliteIssuerStore(path: string): IssuerStore {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new SanadError('ERR_STORAGE', 'The register was written by a newer Sanad.');
    db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v += 1) db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    throw new SanadError('ERR_STORAGE', 'The issuer register could not be opened.', { cause });
  }
  const q = {
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    putSetting: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    // A list with no key recorded (made before keys were) is the register key's, never the BBS key's.
    currentList: db.prepare<
      [StatusListKind, string, number],
      { id: number; size: number; used: number }
    >(
      'SELECT id, size, used FROM status_lists WHERE kind = ? AND (issuer_id = ? OR (issuer_id IS NULL AND ? = 1)) ORDER BY id DESC LIMIT 1',
    ),
    newList: db.prepare('INSERT INTO status_lists (kind, size, issuer_id) VALUES (?, ?, ?)'),
    claimLists: db.prepare('UPDATE status_lists SET issuer_id = ? WHERE issuer_id IS NULL'),
    bumpList: db.prepare('UPDATE status_lists SET used = used + 1 WHERE id = ?'),
    indexUsed: db.prepare<[number, number], { one: number }>(
      'SELECT 1 AS one FROM credentials WHERE list_id = ? AND idx = ?',
    ),
    insert: db.prepare(
      'INSERT INTO credentials (id, batch_id, type_id, format, list_id, idx, status, valid_from, valid_until, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    byId: db.prepare<[string], Row>('SELECT * FROM credentials WHERE id = ?'),
    byBatch: db.prepare<[string], Row>('SELECT * FROM credentials WHERE batch_id = ? ORDER BY id'),
    byList: db.prepare<[number], Row>('SELECT * FROM credentials WHERE list_id = ? ORDER BY idx'),
    setStatus: db.prepare('UPDATE credentials SET status = ? WHERE id = ?'),
    all: db.prepare<[], Row>('SELECT * FROM credentials ORDER BY issued_at, id'),
    lists: db.prepare<[], StatusListRow>(
      'SELECT id, kind, size, issuer_id FROM status_lists ORDER BY id',
    ),
    nonValid: db.prepare<[number], { idx: number; status: 'revoked' | 'suspended' }>(
      "SELECT idx, status FROM credentials WHERE list_id = ? AND status != 'valid'",
    ),
  };
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof SanadError) throw cause;
      throw new SanadError('ERR_STORAGE', undefined, { cause });
    }
  };
  const settings = (): IssuerSettings | undefined => {
    const moved = q.getSetting.get(MOVED_KEY);
    if (moved) throw registerMovedError(JSON.parse(moved.value) as RegisterMove);
    const row = q.getSetting.get('issuer');
    return row ? (JSON.parse(row.value) as IssuerSettings) : undefined;
  };
  // Writes take the write lock first (IMMEDIATE) and then check that the register has not been
  // moved, so a migration that holds the lock is never overtaken by a write to the old copy.
  const write = <A extends unknown[], T>(fn: (...args: A) => T) => {
    const tx = db.transaction((...args: A) => {
      settings();
      return fn(...args);
    });
    return (...args: A): T => tx.immediate(...args);
  };
  const record = write(
    (
      records: Parameters<IssuerStore['recordCredentials']>[0],
      options: Parameters<IssuerStore['recordCredentials']>[1],
    ) => {
      const current = settings();
      assertCurrentKey(current, options.issuerId);
      const registerKey = current?.issuerId === options.issuerId ? 1 : 0;
      return records.map((r) => {
        let list = q.currentList.get(options.kind, options.issuerId, registerKey);
        if (!list || list.used >= list.size) {
          const id = Number(
            q.newList.run(options.kind, options.listSize, options.issuerId).lastInsertRowid,
          );
          list = { id, size: options.listSize, used: 0 };
        }
        const listId = list.id;
        const index = pickFreeIndex(
          list.size,
          (i) => q.indexUsed.get(listId, i) !== undefined,
          options.random,
        );
        q.insert.run(
          r.id,
          r.batchId,
          r.typeId,
          r.format,
          listId,
          index,
          'valid',
          r.validFrom,
          r.validUntil,
          r.issuedAt,
        );
        q.bumpList.run(listId);
        return { ...r, listId, index, status: 'valid' as const };
      });
    },
  );
  const setStatus = write((ids: string[], status: CredentialStatus) => {
    for (const id of ids) q.setStatus.run(status, id);
  });
  const saveSettings = write(
    (value: IssuerSettings) => void q.putSetting.run('issuer', JSON.stringify(value)),
  );
  const rotateKey = write((next: Parameters<IssuerStore['rotateKey']>[0], retiredAt: string) => {
    const current = settings();
    const rotated = rotatedSettings(current, next, retiredAt);
    q.claimLists.run(current!.issuerId);
    q.putSetting.run('issuer', JSON.stringify(rotated));
    return rotated;
  });
  return {
    async getSettings() {
      return guard(settings);
    },
    async saveSettings(value) {
      guard(() => saveSettings(value));
    },
    async rotateKey(next, retiredAt) {
      return guard(() => rotateKey(next, retiredAt));
    },
    async recordCredentials(records, options) {
      return guard(() => record(records, options));
    },
    async getCredential(id) {
      return guard(() => {
        const row = q.byId.get(id);
        return row && toRecord(row);
      });
    },
    async credentialsOfBatch(batchId) {
      return guard(() => q.byBatch.all(batchId).map(toRecord));
    },
    async credentialsOfList(listId) {
      return guard(() => q.byList.all(listId).map(toRecord));
    },
    async setStatus(ids, status) {
      guard(() => setStatus(ids, status));
    },
    async listCredentials() {
      return guard(() => q.all.all().map(toRecord));
    },
    async statusLists() {
      return guard(() => q.lists.all().map(toStatusList));
    },
    async nonValidEntries(listId) {
      return guard(() => q.nonValid.all(listId).map((r) => ({ index: r.idx, status: r.status })));
    },
    async close() {
      db.close();
    },
  };
}
