/**
 * PostgreSQL for the adapter tests. The server comes from `test/support/global-setup.ts`.
 * With no PostgreSQL on the machine the suites are skipped and say so, so the README's test
 * command works with only Node.js and npm; CI sets SANAD_REQUIRE_POSTGRES=1 and then a missing
 * server fails the run instead.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, inject, it } from 'vitest';

const schemas: string[] = [];

/** A fresh schema name, dropped after the file's tests. */
export function postgresSchema(): string {
  const schema = `sanad_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

/** Runs `body` with the server's URL, or reports why it cannot. */
export function describeWithPostgres(name: string, body: (url: string) => void): void {
  const url = inject('postgresUrl');
  if (!url) {
    const why = `no PostgreSQL server: ${inject('postgresError') || 'unknown reason'}`;
    if (process.env.SANAD_REQUIRE_POSTGRES === '1') {
      describe(name, () =>
        it('has a PostgreSQL server', () => {
          throw new Error(why);
        }),
      );
    } else {
      describe.skip(`${name} (skipped: ${why})`, () => it('needs PostgreSQL', () => undefined));
    }
    return;
  }
  describe(name, () => {
    afterAll(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const schema of schemas.splice(0))
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });
    body(url);
  });
}
