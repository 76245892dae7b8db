import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSanadError } from '../errors.js';
import { postgresTarget, postgresUnreachable, redactDatabaseUrl } from './postgres-target.js';

const dir = mkdtempSync(join(tmpdir(), 'sanad-pgpass-'));
const env = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  HOME: dir,
  USER: 'unix-user',
  ...more,
});

describe('postgresTarget', () => {
  it('refuses every scheme but postgres:// and postgresql://, before anything connects', () => {
    for (const url of [
      'mysql://u:p@db/sanad',
      'sqlite://agency/issuer.sqlite',
      'agency/issuer.sqlite',
      '',
      'http://db/sanad',
    ]) {
      let err: unknown;
      try {
        postgresTarget(url, env());
      } catch (e) {
        err = e;
      }
      expect(isSanadError(err) && err.code, url).toBe('ERR_DATABASE_URL_INVALID');
      expect(String((err as Error).message)).not.toContain(':p@');
    }
    expect(postgresTarget('postgresql://db/sanad', env()).host).toBe('db');
  });

  it('names host, port, database and user with the defaults node-postgres uses, and never the password', () => {
    const t = postgresTarget(
      'postgres://sanad:s3cret%40x@db.internal:6432/register?sslmode=require',
      env(),
    );
    expect(t).toMatchObject({
      host: 'db.internal',
      port: 6432,
      database: 'register',
      user: 'sanad',
      hasPassword: true,
      connectTimeoutMs: 10_000,
    });
    expect(t.redacted).toBe('postgres://sanad:***@db.internal:6432/register?sslmode=require');
    expect(
      postgresTarget('postgres:///', env({ PGHOST: 'pg.local', PGPORT: '5433', PGUSER: 'ops' })),
    ).toMatchObject({
      host: 'pg.local',
      port: 5433,
      user: 'ops',
      database: 'ops',
      hasPassword: false,
    });
    expect(postgresTarget('postgres://db/x?connect_timeout=3', env()).connectTimeoutMs).toBe(3000);
    expect(
      postgresTarget('postgres://db/x', env({ PGCONNECT_TIMEOUT: '7' })).connectTimeoutMs,
    ).toBe(7000);
  });

  it('takes the password from the password file (PGPASSFILE or ~/.pgpass) when neither the URL nor PGPASSWORD has one', () => {
    const file = join(dir, 'pgpass');
    writeFileSync(
      file,
      [
        '# comment',
        'other:5432:*:sanad:wrong',
        'db.internal:5432:sanad:sanad:pa\\:ss\\\\word',
        '*:*:*:ops:any:colon',
      ].join('\n'),
      { mode: 0o600 },
    );
    const fromFile = postgresTarget(
      'postgres://sanad@db.internal/sanad',
      env({ PGPASSFILE: file }),
    );
    expect(new URL(fromFile.connectionString).searchParams.get('password')).toBe('pa:ss\\word');
    expect(fromFile.redacted).toBe('postgres://sanad@db.internal/sanad');
    expect(
      new URL(
        postgresTarget('postgres://ops@anywhere:1/x', env({ PGPASSFILE: file })).connectionString,
      ).searchParams.get('password'),
    ).toBe('any:colon');
    // The URL's own password and PGPASSWORD come first; no matching line, no password.
    expect(
      postgresTarget('postgres://sanad:own@db.internal/sanad', env({ PGPASSFILE: file }))
        .connectionString,
    ).toBe('postgres://sanad:own@db.internal/sanad');
    expect(
      postgresTarget(
        'postgres://sanad@db.internal/sanad',
        env({ PGPASSFILE: file, PGPASSWORD: 'x' }),
      ).connectionString,
    ).toBe('postgres://sanad@db.internal/sanad');
    expect(
      postgresTarget('postgres://nobody@db.internal/sanad', env({ PGPASSFILE: file }))
        .connectionString,
    ).toBe('postgres://nobody@db.internal/sanad');
    // ~/.pgpass, and (as libpq does) not when others can read it.
    writeFileSync(join(dir, '.pgpass'), 'db.internal:5432:sanad:sanad:from-home\n', {
      mode: 0o600,
    });
    expect(
      new URL(
        postgresTarget('postgres://sanad@db.internal/sanad', env()).connectionString,
      ).searchParams.get('password'),
    ).toBe('from-home');
    chmodSync(join(dir, '.pgpass'), 0o644);
    expect(postgresTarget('postgres://sanad@db.internal/sanad', env()).connectionString).toBe(
      'postgres://sanad@db.internal/sanad',
    );
  });
});

describe('postgresUnreachable', () => {
  const target = postgresTarget('postgres://sanad:hunter2@db.internal:5432/sanad', env());
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connection refused: start PostgreSQL on db.internal:5432'],
    [{ code: 'ENOTFOUND' }, 'the host name db.internal was not found'],
    [
      { code: '28P01', message: 'password authentication failed for user "sanad"' },
      'password authentication failed for user sanad: check the password',
    ],
    [
      { code: '3D000', message: 'database "sanad" does not exist' },
      'the database sanad does not exist: create it (createdb -O sanad sanad)',
    ],
    [
      new Error('Connection terminated due to connection timeout'),
      'no answer from db.internal:5432 within 10 s',
    ],
    [new Error('received invalid response: 4a'), 'does not speak PostgreSQL'],
    [
      new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
      'none was given: set PGPASSWORD',
    ],
  ])('%o: says why, with the host and never the password', (cause, why) => {
    const err = postgresUnreachable(
      target,
      Object.assign(new Error((cause as { message?: string }).message ?? 'x'), cause),
    );
    expect(err.code).toBe('ERR_DATABASE_UNREACHABLE');
    expect(err.category).toBe('input');
    expect(err.message).toContain(
      'The database sanad at db.internal:5432 (user sanad) cannot be reached: ',
    );
    expect(err.message).toContain(why);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('redactDatabaseUrl', () => {
  it('masks the password in user:password@ and in ?password=', () => {
    expect(redactDatabaseUrl('postgres://sanad:s3cret@db/sanad')).toBe(
      'postgres://sanad:***@db/sanad',
    );
    expect(redactDatabaseUrl('postgres://db/sanad?user=a&password=s3cret&sslmode=require')).toBe(
      'postgres://db/sanad?user=a&password=***&sslmode=require',
    );
    expect(redactDatabaseUrl('postgres://sanad@db/sanad')).toBe('postgres://sanad@db/sanad');
  });
});
