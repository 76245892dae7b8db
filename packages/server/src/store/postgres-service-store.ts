/**
 * The service store on PostgreSQL: several service instances behind a load balancer share it.
 * Take-once is a single `DELETE ... RETURNING` and compare-and-set a single `UPDATE ... WHERE version`,
 * so "used once" holds across instances without locks held between requests.
 */
import pg from 'pg';
import { SanadError } from '@sanad/core';
import { postgresTarget, probePostgres } from '@sanad/core/node';
import type { RecordKind, ServiceStore } from './service-store.js';

export interface PostgresServiceStoreOptions {
  /** e.g. `postgres://sanad@db.internal/sanad` */
  connectionString: string;
  /** The schema holding Sanad's tables (default `sanad`); created when missing. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

interface Row {
  value: string;
  version: number;
  expires_at: string;
}

/**
 * Opens (creating its table if needed) the service store in a PostgreSQL database.
 *
 * @example
 * ```ts
 * const store = await openPostgresServiceStore({ connectionString: process.env.DATABASE_URL! })
 * ```
 */
export async function openPostgresServiceStore(
  options: PostgresServiceStoreOptions,
): Promise<ServiceStore> {
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
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.max ?? 10,
    options: `-c search_path=${schema}`,
  });
  const query = async <R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> => {
    try {
      return await pool.query<R>(text, values);
    } catch (cause) {
      throw new SanadError('ERR_STORAGE', undefined, { cause });
    }
  };
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad-migrate-${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.service_records (
        kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL,
        version INTEGER NOT NULL, expires_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, id))`);
      // Stores made before attempts were counted in the database get the column.
      await client.query(
        `ALTER TABLE ${schema}.service_records ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0`,
      );
      await client.query(
        `CREATE INDEX IF NOT EXISTS service_records_expiry ON ${schema}.service_records(expires_at)`,
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end();
    throw new SanadError('ERR_STORAGE', 'The service store could not be opened.', { cause });
  }
  return {
    async put(kind, id, value, expiresAt, now) {
      const r = await query(
        `INSERT INTO service_records (kind, id, value, version, expires_at) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, version = 1, expires_at = excluded.expires_at, attempts = 0
         WHERE service_records.expires_at <= $5`,
        [kind, id, JSON.stringify(value), expiresAt, now],
      );
      return r.rowCount === 1;
    },
    async get(kind, id, now) {
      const { rows } = await query<Row>(
        'SELECT value, version, expires_at FROM service_records WHERE kind = $1 AND id = $2 AND expires_at > $3',
        [kind, id, now],
      );
      const row = rows[0];
      return (
        row && {
          value: JSON.parse(row.value),
          version: row.version,
          expiresAt: Number(row.expires_at),
        }
      );
    },
    async replace(kind, id, version, value, expiresAt) {
      const r = await query(
        'UPDATE service_records SET value = $1, version = version + 1, expires_at = $2 WHERE kind = $3 AND id = $4 AND version = $5',
        [JSON.stringify(value), expiresAt, kind, id, version],
      );
      return r.rowCount === 1;
    },
    async countAttempt(kind, id, max, now) {
      const { rows } = await query<{ attempts: number }>(
        'UPDATE service_records SET attempts = attempts + 1 WHERE kind = $1 AND id = $2 AND expires_at > $3 AND attempts < $4 RETURNING attempts',
        [kind, id, now, max],
      );
      return rows[0]?.attempts;
    },
    async take(kind: RecordKind, id: string, now: number) {
      const { rows } = await query<{ value: string; expires_at: string }>(
        'DELETE FROM service_records WHERE kind = $1 AND id = $2 RETURNING value, expires_at',
        [kind, id],
      );
      const row = rows[0];
      return row && Number(row.expires_at) > now ? JSON.parse(row.value) : undefined;
    },
    async delete(kind, id) {
      await query('DELETE FROM service_records WHERE kind = $1 AND id = $2', [kind, id]);
    },
    async count(kind, now) {
      const { rows } = await query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM service_records WHERE kind = $1 AND expires_at > $2',
        [kind, now],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async purgeExpired(now) {
      return (
        (await query('DELETE FROM service_records WHERE expires_at <= $1', [now])).rowCount ?? 0
      );
    },
    async close() {
      await pool.end();
    },
  };
}
