/** The service store in an embedded SQLite file (better-sqlite3, WAL): one instance, zero set-up. */
import Database from 'better-sqlite3';
import { SanadError } from '@sanad/core';
import type { RecordKind, ServiceStore } from './service-store.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS service_records (
  kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL,
  version INTEGER NOT NULL, expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS service_records_expiry ON service_records(expires_at);`;

interface Row {
  value: string;
  version: number;
  expires_at: number;
}

/**
 * Opens (creating if needed) the service store at `path` (`:memory:` for a throw-away one).
 *
 * @example
 * ```ts
 * const store = openSqliteServiceStore('data/service.sqlite')
 * ```
 */
export function openSqliteServiceStore(path: string): ServiceStore {
  let db: Database.Database;
  let checkpointer: WalCheckpointer | undefined;
  try {
    db = new Database(path);
    // A file of its own (not ':memory:' or a private temporary one) in WAL: checkpointed off the event loop.
    if (
      db.pragma('journal_mode = WAL', { simple: true }) === 'wal' &&
      path !== '' &&
      path !== ':memory:'
    ) {
      db.pragma('wal_autocheckpoint = 0');
      const own = db;
      checkpointer = startWalCheckpointer(
        path,
        () => own.open && own.pragma('wal_autocheckpoint = 1000'),
      );
    }
    // Sessions, nonces and offers live minutes: NORMAL skips the fsync per commit (a WAL file
    // stays consistent; a power cut may forget the last commits, never corrupt). The issuer
    // register, which must not forget, keeps FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    // Stores made before attempts were counted in the database get the column.
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('service_records')")
      .all();
    if (!columns.some((c) => c.name === 'attempts'))
      db.exec('ALTER TABLE service_records ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0');
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', 'The service store could not be opened.', { cause });
  }
  const q = {
    put: db.prepare(
      `INSERT INTO service_records (kind, id, value, version, expires_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, version = 1, expires_at = excluded.expires_at, attempts = 0
       WHERE service_records.expires_at <= ?`,
    ),
    get: db.prepare<[RecordKind, string, number], Row>(
      'SELECT value, version, expires_at FROM service_records WHERE kind = ? AND id = ? AND expires_at > ?',
    ),
    replace: db.prepare(
      'UPDATE service_records SET value = ?, version = version + 1, expires_at = ? WHERE kind = ? AND id = ? AND version = ?',
    ),
    countAttempt: db.prepare<[RecordKind, string, number, number], { attempts: number }>(
      'UPDATE service_records SET attempts = attempts + 1 WHERE kind = ? AND id = ? AND expires_at > ? AND attempts < ? RETURNING attempts',
    ),
    take: db.prepare<[RecordKind, string], { value: string; expires_at: number }>(
      'DELETE FROM service_records WHERE kind = ? AND id = ? RETURNING value, expires_at',
    ),
    delete: db.prepare('DELETE FROM service_records WHERE kind = ? AND id = ?'),
    count: db.prepare<[RecordKind, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM service_records WHERE kind = ? AND expires_at > ?',
    ),
    purge: db.prepare('DELETE FROM service_records WHERE expires_at <= ?'),
  };
  const wrote = <T>(result: T): T => {
    checkpointer?.wrote();
    return result;
  };
  const guard = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (cause) {
      return Promise.reject(new SanadError('ERR_STORAGE', undefined, { cause }));
    }
  };
  return {
    put: (kind, id, value, expiresAt, now) =>
      guard(() => wrote(q.put.run(kind, id, JSON.stringify(value), expiresAt, now).changes === 1)),
    get: (kind, id, now) =>
      guard(() => {
        const row = q.get.get(kind, id, now);
        return (
          row && { value: JSON.parse(row.value), version: row.version, expiresAt: row.expires_at }
        );
      }),
    replace: (kind, id, version, value, expiresAt) =>
      guard(() =>
        wrote(q.replace.run(JSON.stringify(value), expiresAt, kind, id, version).changes === 1),
      ),
    countAttempt: (kind, id, max, now) =>
      guard(() => wrote(q.countAttempt.get(kind, id, now, max)?.attempts)),
    take: (kind, id, now) =>
      guard(() => {
        // An expired record is deleted too, but never returned.
        const row = wrote(q.take.get(kind, id));
        return row && row.expires_at > now ? JSON.parse(row.value) : undefined;
      }),
    delete: (kind, id) => guard(() => void wrote(q.delete.run(kind, id))),
    count: (kind, now) => guard(() => q.count.get(kind, now)?.n ?? 0),
    purgeExpired: (now) => guard(() => wrote(q.purge.run(now).changes)),
    close: async () => {
      await checkpointer?.close();
      return guard(() => void db.close());
    },
  };
}
