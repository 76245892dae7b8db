/**
 * Moving an issuer register between SQLite and PostgreSQL — every credential id, status list,
 * index, status and key reference — so that a register is never forked: the copy is written in
 * one transaction, checked row for row, and only then is the old copy marked as moved, after
 * which it refuses every use (ERR_REGISTER_MOVED). Writers are held off the old copy for the
 * whole move (SQLite: the write lock; PostgreSQL: the register lock every write takes shared).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { SanadError } from '@sanad/core';
import { postgresTarget } from '@sanad/core/node';
import type { IssuerSettings, RegisterMove } from './issuer-store.js';
import {
  openPostgresIssuerStore,
  type PostgresStoreOptions,
  registerLockName,
} from './postgres-store.js';
import { MOVED_KEY } from './sql-schema.js';
import { openSqliteIssuerStore } from './sqlite-store.js';

/** Where a register lives. */
export type RegisterLocation = { sqlite: string } | { postgres: PostgresStoreOptions };

export interface MoveRegisterOptions {
  /** Called as rows are copied (for a progress bar). */
  onProgress?: (copied: number, total: number) => void;
  clock?: () => Date;
}

export interface MovedRegister {
  credentials: number;
  lists: number;
  /** True when an earlier, interrupted move had already copied everything: only the old copy was marked. */
  resumed: boolean;
}

interface ListRow {
  id: number;
  kind: string;
  size: number;
  used: number;
  issuer_id: string | null;
}

const COLUMNS = [
  'id',
  'batch_id',
  'type_id',
  'format',
  'list_id',
  'idx',
  'status',
  'valid_from',
  'valid_until',
  'issued_at',
] as const;
type CredentialRow = Record<(typeof COLUMNS)[number], string | number>;
const BATCH = 500;

/** One end of a move: raw SQL over either database, inside one transaction. */
interface Endpoint {
  /** For people and for the moved marker: never a password. */
  readonly where: string;
  /** Begins the transaction and holds off every writer of this register until it ends. */
  lock(): Promise<void>;
  settings(): Promise<{ issuer?: IssuerSettings; moved?: RegisterMove }>;
  counts(): Promise<{ credentials: number; lists: number }>;
  lists(): Promise<ListRow[]>;
  /** Every credential row, in batches. */
  credentials(): AsyncIterable<CredentialRow[]>;
  insert(settings: IssuerSettings, lists: ListRow[]): Promise<void>;
  insertCredentials(rows: CredentialRow[]): Promise<void>;
  markMoved(move: RegisterMove): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back anything uncommitted and closes. */
  close(): Promise<void>;
}

/** `postgres://sanad@db.internal:5432/sanad (schema sanad)`: the URL without its password. */
export function describePostgres(options: PostgresStoreOptions): string {
  let url: URL;
  try {
    url = new URL(options.connectionString);
  } catch {
    return `a PostgreSQL database (schema ${options.schema ?? 'sanad'})`;
  }
  url.password = '';
  url.search = '';
  return `${url.href} (schema ${options.schema ?? 'sanad'})`;
}

function sqliteEndpoint(path: string): Endpoint {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  let open = false;
  const get = (key: string) =>
    db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)
      ?.value;
  const insertCredential = db.prepare(
    `INSERT INTO credentials (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  return {
    where: path,
    async lock() {
      db.exec('BEGIN IMMEDIATE');
      open = true;
    },
    async settings() {
      const issuer = get('issuer');
      const moved = get(MOVED_KEY);
      return {
        ...(issuer ? { issuer: JSON.parse(issuer) as IssuerSettings } : {}),
        ...(moved ? { moved: JSON.parse(moved) as RegisterMove } : {}),
      };
    },
    async counts() {
      const one = (sql: string) => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
      return {
        credentials: one('SELECT count(*) AS n FROM credentials'),
        lists: one('SELECT count(*) AS n FROM status_lists'),
      };
    },
    async lists() {
      return db
        .prepare<[], ListRow>(
          'SELECT id, kind, size, used, issuer_id FROM status_lists ORDER BY id',
        )
        .all();
    },
    async *credentials() {
      let batch: CredentialRow[] = [];
      for (const row of db
        .prepare<[], CredentialRow>(`SELECT ${COLUMNS.join(', ')} FROM credentials`)
        .iterate()) {
        batch.push(row);
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async insert(settings, lists) {
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(
        'issuer',
        JSON.stringify(settings),
      );
      const insertList = db.prepare(
        'INSERT INTO status_lists (id, kind, size, used, issuer_id) VALUES (?, ?, ?, ?, ?)',
      );
      for (const l of lists) insertList.run(l.id, l.kind, l.size, l.used, l.issuer_id);
    },
    async insertCredentials(rows) {
      for (const r of rows) insertCredential.run(...COLUMNS.map((c) => r[c]));
    },
    async markMoved(move) {
      db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(MOVED_KEY, JSON.stringify(move));
    },
    async commit() {
      db.exec('COMMIT');
      open = false;
    },
    async close() {
      if (open) db.exec('ROLLBACK');
      db.close();
    },
  };
}

async function postgresEndpoint(options: PostgresStoreOptions): Promise<Endpoint> {
  const schema = options.schema ?? 'sanad';
  // The password as the stores find it (URL, PGPASSWORD or the password file).
  const client = new pg.Client({
    connectionString: postgresTarget(options.connectionString).connectionString,
  });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  let open = false;
  const rows = async <R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> => (await client.query<R>(text, values)).rows;
  return {
    where: describePostgres(options),
    async lock() {
      await client.query('BEGIN');
      open = true;
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [registerLockName(schema)]);
    },
    async settings() {
      const found = await rows<{ key: string; value: string }>(
        'SELECT key, value FROM settings WHERE key IN ($1, $2)',
        ['issuer', MOVED_KEY],
      );
      const value = (key: string) => found.find((r) => r.key === key)?.value;
      const issuer = value('issuer');
      const moved = value(MOVED_KEY);
      return {
        ...(issuer ? { issuer: JSON.parse(issuer) as IssuerSettings } : {}),
        ...(moved ? { moved: JSON.parse(moved) as RegisterMove } : {}),
      };
    },
    async counts() {
      const [c] = await rows<{ credentials: string; lists: string }>(
        'SELECT (SELECT count(*) FROM credentials) AS credentials, (SELECT count(*) FROM status_lists) AS lists',
      );
      return { credentials: Number(c!.credentials), lists: Number(c!.lists) };
    },
    async lists() {
      return rows<ListRow>('SELECT id, kind, size, used, issuer_id FROM status_lists ORDER BY id');
    },
    async *credentials() {
      await client.query(
        `DECLARE move_credentials NO SCROLL CURSOR FOR SELECT ${COLUMNS.join(', ')} FROM credentials`,
      );
      for (;;) {
        const batch = await rows<CredentialRow>(`FETCH ${BATCH} FROM move_credentials`);
        if (batch.length === 0) break;
        yield batch;
      }
      await client.query('CLOSE move_credentials');
    },
    async insert(settings, lists) {
      await client.query('INSERT INTO settings (key, value) VALUES ($1, $2)', [
        'issuer',
        JSON.stringify(settings),
      ]);
      for (const l of lists)
        await client.query(
          'INSERT INTO status_lists (id, kind, size, used, issuer_id) VALUES ($1, $2, $3, $4, $5)',
          [l.id, l.kind, l.size, l.used, l.issuer_id],
        );
      // New lists continue after the copied ones.
      await client.query(
        "SELECT setval(pg_get_serial_sequence('status_lists', 'id'), COALESCE((SELECT max(id) FROM status_lists), 0) + 1, false)",
      );
    },
    async insertCredentials(batch) {
      if (batch.length === 0) return;
      const values = batch
        .map((_, i) => `(${COLUMNS.map((__, j) => `$${i * COLUMNS.length + j + 1}`).join(', ')})`)
        .join(', ');
      await client.query(
        `INSERT INTO credentials (${COLUMNS.join(', ')}) VALUES ${values}`,
        batch.flatMap((r) => COLUMNS.map((c) => r[c])),
      );
    },
    async markMoved(move) {
      await client.query(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [MOVED_KEY, JSON.stringify(move)],
      );
    },
    async commit() {
      await client.query('COMMIT');
      open = false;
    },
    async close() {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

/** Opens a location through its store first, so its tables exist at the current schema version. */
async function endpoint(location: RegisterLocation): Promise<Endpoint> {
  if ('sqlite' in location) {
    await openSqliteIssuerStore(location.sqlite).close();
    return sqliteEndpoint(location.sqlite);
  }
  await (await openPostgresIssuerStore({ ...location.postgres, max: 1 })).close();
  return postgresEndpoint(location.postgres);
}

const sameRegister = (a: IssuerSettings, b: IssuerSettings): boolean =>
  a.issuerId === b.issuerId && a.registerId === b.registerId;

/**
 * Moves the register at `from` to the empty location `to`.
 *
 * @example
 * ```ts
 * await moveRegister({ sqlite: 'agency/issuer.sqlite' }, { postgres: { connectionString, schema: 'sanad' } })
 * ```
 */
export async function moveRegister(
  from: RegisterLocation,
  to: RegisterLocation,
  options: MoveRegisterOptions = {},
): Promise<MovedRegister> {
  const source = await endpoint(from);
  let target: Endpoint | undefined;
  try {
    await source.lock();
    const { issuer: settings, moved } = await source.settings();
    if (!settings)
      throw new SanadError(
        'ERR_ISSUER_NOT_INITIALIZED',
        `${source.where} holds no issuer register.`,
      );
    target = await endpoint(to);
    await target.lock();
    const existing = await target.settings();
    const total = await source.counts();
    if (moved) {
      // An earlier move marked the old copy: fine only if this target is where it went.
      if (existing.issuer && sameRegister(existing.issuer, settings) && !existing.moved)
        return { ...total, resumed: true };
      throw new SanadError(
        'ERR_REGISTER_MOVED',
        `${source.where} was already moved to ${moved.to} on ${moved.at.slice(0, 10)}.`,
      );
    }
    const there = await target.counts();
    let resumed = false;
    if (existing.issuer || existing.moved || there.credentials > 0 || there.lists > 0) {
      // A move interrupted after its copy was committed: the same register, complete, not in use elsewhere.
      resumed =
        !!existing.issuer &&
        !existing.moved &&
        sameRegister(existing.issuer, settings) &&
        there.credentials === total.credentials &&
        there.lists === total.lists;
      if (!resumed)
        throw new SanadError(
          'ERR_REGISTER_NOT_EMPTY',
          `${target.where} already holds an issuer register (${there.credentials} credentials); move into an empty one (another PostgreSQL schema, or a new file).`,
        );
    } else {
      await target.insert(settings, await source.lists());
      let copied = 0;
      for await (const batch of source.credentials()) {
        await target.insertCredentials(batch);
        copied += batch.length;
        options.onProgress?.(copied, total.credentials);
      }
      const copy = await target.counts();
      if (copy.credentials !== total.credentials || copy.lists !== total.lists) {
        throw new SanadError(
          'ERR_STORAGE',
          `The copy holds ${copy.credentials} of ${total.credentials} credentials; nothing was changed.`,
        );
      }
      await target.commit();
    }
    await source.markMoved({
      to: target.where,
      at: (options.clock?.() ?? new Date()).toISOString(),
    });
    await source.commit();
    return { ...total, resumed };
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    throw new SanadError('ERR_STORAGE', 'The register could not be moved; nothing was changed.', {
      cause,
    });
  } finally {
    await target?.close();
    await source.close();
  }
}
