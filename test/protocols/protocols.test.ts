import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresIssuerStore, openSqliteIssuerStore } from '@sanad/issuer';
import { openPostgresServiceStore, openSqliteServiceStore } from '@sanad/server';
import { describeWithPostgres, postgresSchema } from '../support/postgres.js';
import { describeProtocols } from './protocols.suite.js';

describeProtocols('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-protocols-'));
  const servicePath = join(dir, 'service.sqlite');
  return {
    issuer: openSqliteIssuerStore(join(dir, 'issuer.sqlite')),
    service: openSqliteServiceStore(servicePath),
    dump: async () => {
      const db = new Database(servicePath, { readonly: true });
      try {
        return JSON.stringify(db.prepare('SELECT * FROM service_records').all());
      } finally {
        db.close();
      }
    },
  };
});

describeWithPostgres('PostgreSQL', (url) => {
  describeProtocols('PostgreSQL', async () => {
    const schema = postgresSchema();
    return {
      issuer: await openPostgresIssuerStore({ connectionString: url, schema }),
      service: await openPostgresServiceStore({ connectionString: url, schema }),
      dump: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return JSON.stringify(
            (await client.query(`SELECT * FROM ${schema}.service_records`)).rows,
          );
        } finally {
          await client.end();
        }
      },
    };
  });
});
