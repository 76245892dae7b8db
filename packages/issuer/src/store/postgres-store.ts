/**
 * The issuer store on PostgreSQL, for several service instances behind a load balancer.
 * Status-index allocation takes a transaction-scoped advisory lock per list kind, and
 * `UNIQUE (list_id, idx)` backs it up, so two instances never hand out the same index.
 */
import pg from 'pg';
import { SanadError } from '@sanad/core';
import { postgresTarget, probePostgres } from '@sanad/core/node';
import { pickFreeIndexAsync } from './allocate.js';
import {
  assertCurrentKey,
  type IssuedCredentialRecord,
  type IssuerSettings,
  type IssuerStore,
  type RegisterMove,
  registerMovedError,
  rotatedSettings,
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

const MIGRATIONS = migrations('postgres');

/** The advisory lock that writes take shared and a migration of the register takes exclusively. */
export const registerLockName = (schema: string): string => `sanad-register-${schema}`;

export interface PostgresStoreOptions {
  /** e.g. `postgres://sanad@db.internal/sanad` */
  connectionString: string;
  /** The schema holding Sanad's tables (default `sanad`); created when missing. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    throw new SanadError('ERR_STORAGE', undefined, { cause });
  }
}

/**
 * Opens (migrating if needed) the issuer store in a PostgreSQL database.
 *
 * @example
 * ```ts
 * const store = await openPostgresIssuerStore({ connectionString: process.env.DATABASE_URL! })
 * ```
 */
export async function openPostgresIssuerStore(options: PostgresStoreOptions): Promise<IssuerStore> {
  const schema = options.schema ?? 'sanad';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'The schema name must be a lower-case SQL identifier.',
    );
  // A wrong scheme, host, password or database is refused here with its reason, never as "Storage failed";
  // the password may come from PGPASSWORD or the password file instead of the URL.
  const target = postgresTarget(options.connectionString);
  await probePostgres(
    target,
    () =>
      new pg.Client({
        connectionString: target.connectionString,
        connectionTimeoutMillis: target.connectTimeoutMs,
      }),
  );
  const pool = new pg.Pool({ connectionString: target.connectionString, max: options.max ?? 10 });
  // Every connection works in Sanad's schema.
  pool.on('connect', (client) => void client.query(`SET search_path TO ${schema}`));
  const transaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    guard(async () => {
      const client = await pool.connect();
      try {
        await client.query(`SET search_path TO ${schema}`);
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });

  try {
    await transaction(async (client) => {
      // Instances starting together migrate one at a time.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad-migrate-${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_version',
      );
      const version = rows[0]?.version ?? 0;
      if (version > SCHEMA_VERSION)
        throw new SanadError('ERR_STORAGE', 'The register was written by a newer Sanad.');
      for (let v = version; v < SCHEMA_VERSION; v += 1) await client.query(MIGRATIONS[v]!);
      await client.query('DELETE FROM schema_version');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION]);
    });
  } catch (err) {
    await pool.end();
    throw err;
  }

  const query = <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> =>
    transaction(async (client) => (await client.query<R>(text, values)).rows);
  const settingsOf = async (client: pg.PoolClient): Promise<IssuerSettings | undefined> => {
    const { rows } = await client.query<{ key: string; value: string }>(
      'SELECT key, value FROM settings WHERE key IN ($1, $2)',
      ['issuer', MOVED_KEY],
    );
    const moved = rows.find((r) => r.key === MOVED_KEY);
    if (moved) throw registerMovedError(JSON.parse(moved.value) as RegisterMove);
    const issuer = rows.find((r) => r.key === 'issuer');
    return issuer ? (JSON.parse(issuer.value) as IssuerSettings) : undefined;
  };
  // Every write first takes the register lock shared (a migration takes it exclusively) and then
  // checks that the register has not been moved, so no write lands in a copy being moved away.
  const write = <T>(
    fn: (client: pg.PoolClient, settings: IssuerSettings | undefined) => Promise<T>,
  ): Promise<T> =>
    transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [
        registerLockName(schema),
      ]);
      return fn(client, await settingsOf(client));
    });
  const putSettings = (client: pg.PoolClient, value: IssuerSettings) =>
    client.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ['issuer', JSON.stringify(value)],
    );

  return {
    getSettings() {
      return transaction(settingsOf);
    },
    async saveSettings(settings) {
      await write((client) => putSettings(client, settings));
    },
    rotateKey(next, retiredAt) {
      return write(async (client, current) => {
        const rotated = rotatedSettings(current, next, retiredAt);
        await client.query('UPDATE status_lists SET issuer_id = $1 WHERE issuer_id IS NULL', [
          current!.issuerId,
        ]);
        await putSettings(client, rotated);
        return rotated;
      });
    },
    recordCredentials(records, { kind, listSize, random, issuerId }) {
      return write(async (client, settings) => {
        assertCurrentKey(settings, issuerId);
        // One allocator per list kind at a time across all instances (also when no list exists yet).
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `sanad-allocate-${schema}-${kind}`,
        ]);
        const out: IssuedCredentialRecord[] = [];
        for (const r of records) {
          let list = (
            await client.query<{ id: number; size: number; used: number }>(
              // A list with no key recorded is the register key's, never the BBS key's.
              'SELECT id, size, used FROM status_lists WHERE kind = $1 AND (issuer_id = $2 OR (issuer_id IS NULL AND $3)) ORDER BY id DESC LIMIT 1',
              [kind, issuerId, settings?.issuerId === issuerId],
            )
          ).rows[0];
          if (!list || list.used >= list.size) {
            list = (
              await client.query<{ id: number; size: number; used: number }>(
                'INSERT INTO status_lists (kind, size, issuer_id) VALUES ($1, $2, $3) RETURNING id, size, used',
                [kind, listSize, issuerId],
              )
            ).rows[0]!;
          }
          const listId = list.id;
          const index = await pickFreeIndexAsync(
            list.size,
            async (i) =>
              (
                await client.query('SELECT 1 FROM credentials WHERE list_id = $1 AND idx = $2', [
                  listId,
                  i,
                ])
              ).rowCount !== 0,
            random,
          );
          await client.query(
            'INSERT INTO credentials (id, batch_id, type_id, format, list_id, idx, status, valid_from, valid_until, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
            [
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
            ],
          );
          await client.query('UPDATE status_lists SET used = used + 1 WHERE id = $1', [listId]);
          out.push({ ...r, listId, index, status: 'valid' });
        }
        return out;
      });
    },
    async getCredential(id) {
      const rows = await query<Row>('SELECT * FROM credentials WHERE id = $1', [id]);
      return rows[0] && toRecord(rows[0]);
    },
    async credentialsOfBatch(batchId) {
      return (
        await query<Row>('SELECT * FROM credentials WHERE batch_id = $1 ORDER BY id', [batchId])
      ).map(toRecord);
    },
    async credentialsOfList(listId) {
      return (
        await query<Row>('SELECT * FROM credentials WHERE list_id = $1 ORDER BY idx', [listId])
      ).map(toRecord);
    },
    async setStatus(ids, status) {
      await write((client) =>
        client.query('UPDATE credentials SET status = $1 WHERE id = ANY($2)', [status, ids]),
      );
    },
    async listCredentials() {
      return (await query<Row>('SELECT * FROM credentials ORDER BY issued_at, id')).map(toRecord);
    },
    async statusLists() {
      return (
        await query<StatusListRow>('SELECT id, kind, size, issuer_id FROM status_lists ORDER BY id')
      ).map(toStatusList);
    },
    async nonValidEntries(listId) {
      return (
        await query<{ idx: number; status: 'revoked' | 'suspended' }>(
          "SELECT idx, status FROM credentials WHERE list_id = $1 AND status <> 'valid'",
          [listId],
        )
      ).map((r) => ({ index: r.idx, status: r.status }));
    },
    async close() {
      await pool.end();
    },
  };
}
