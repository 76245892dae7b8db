/**
 * One register, never forked: an agency's issuer folder moved from SQLite to PostgreSQL and back,
 * its key rotated, and its register used from the CLI wherever it lives — and the clinic never
 * sees a revoked credential come back or a valid one fail.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrustList } from '@sanad/core';
import { openPostgresIssuerStore, openSqliteIssuerStore } from '@sanad/issuer';
import { createMemoryStatusCache, createVerifier, importStatusList } from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, type Holder, makeHolder, presentSdJwt, trustFor } from './support/fixtures.js';
import { codeBlocks } from './support/markdown.js';
import { describeWithPostgres, postgresSchema } from './support/postgres.js';
import { runSanad } from './support/sanad-cli.js';
import { killServices, startService } from './support/sanad-process.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-register-'));
const token = 'operator-token-for-register-tests-0123456789';
afterAll(() => {
  killServices();
  rmSync(work, { recursive: true, force: true });
});

const CLINIC = 'https://clinic.example';
const at = (...parts: string[]) => join(work, ...parts);

async function sanadOk(
  args: string[],
  env: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const run = await runSanad([...args, '--json'], env);
  if (run.code !== 0)
    throw new Error(`sanad ${args.join(' ')} exited ${run.code}: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

async function sanadFails(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; error: { code: string; message: string } }> {
  const run = await runSanad([...args, '--json'], env);
  expect(run.code).not.toBe(0);
  return {
    code: run.code,
    error: (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error,
  };
}

/** Issues one credential to a fresh holder through the CLI; returns the holder, credential and batch id. */
async function issue(
  dir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ holder: Holder; credential: string; batchId: string; issuer: string }> {
  const holder = await makeHolder();
  const keys = at(`${holder.did.slice(-12)}-keys.json`);
  writeFileSync(
    keys,
    JSON.stringify({
      type: 'sanad-holder-keys',
      version: 1,
      keys: [{ did: holder.did, jwk: holder.jwk }],
    }),
  );
  writeFileSync(at('amal.json'), JSON.stringify(amal));
  const bundleFile = at(`${holder.did.slice(-12)}-bundle.json`);
  const result = await sanadOk(
    [
      'issuer',
      'issue',
      '--dir',
      dir,
      '--type',
      'refugee-status',
      '--claims',
      at('amal.json'),
      '--holder-keys',
      keys,
      '--out',
      bundleFile,
      ...extra,
    ],
    env,
  );
  const credential = (JSON.parse(readFileSync(bundleFile, 'utf8')) as { credentials: string[] })
    .credentials[0]!;
  const issuer = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString())
    .iss as string;
  return { holder, credential, batchId: String(result.batchId), issuer };
}

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
  );

/** What the clinic sees: the presentation checked offline against the lists published in `published`. */
async function clinicSees(
  trustList: TrustList,
  published: string,
  credential: string,
  holder: Holder,
): Promise<{ verified: boolean; status: string; codes: string[] }> {
  const statusCache = createMemoryStatusCache();
  for (const file of files(published))
    await importStatusList(statusCache, readFileSync(file, 'utf8'));
  const verifier = createVerifier({ trustList, statusCache, offline: true });
  const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
    nonce: 'n-0123456789abcdef',
    aud: CLINIC,
  });
  const result = await verifier.verify(presentation, {
    nonce: 'n-0123456789abcdef',
    audience: CLINIC,
  });
  return {
    verified: result.verified,
    status: result.status,
    codes: result.errors.map((e) => e.code),
  };
}

async function publish(
  dir: string,
  out: string,
  env: Record<string, string> = {},
): Promise<string> {
  rmSync(out, { recursive: true, force: true });
  await sanadOk(['issuer', 'status-list', '--dir', dir, '--out', out], env);
  return out;
}

describe('status-list URLs and issuer folders', () => {
  it("publishes each register below its own id, so two folders can never overwrite each other's lists", async () => {
    const a = await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('office-a'),
      '--status-base-url',
      'https://status.agency.example/a',
    ]);
    expect(String(a.status_lists)).toMatch(/^https:\/\/status\.agency\.example\/a\/[a-z2-7]{8}\/$/);
    const { credential } = await issue(at('office-a'));
    const payload = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString()) as {
      status: { status_list: { uri: string } };
    };
    expect(payload.status.status_list.uri).toBe(`${String(a.status_lists)}tsl/1`);
  });

  it('refuses a status base URL that a folder beside it already uses, and says why', async () => {
    const refused = await sanadFails([
      'issuer',
      'init',
      '--dir',
      at('office-b'),
      '--status-base-url',
      'https://status.agency.example/a/',
    ]);
    expect(refused).toMatchObject({ code: 2, error: { code: 'ERR_STATUS_URL_IN_USE' } });
    expect(refused.error.message).toContain('office-a');
    expect(refused.error.message).toContain('rotate-key');
    expect(existsSync(at('office-b', 'issuer-key.jwk.json'))).toBe(false);
  });
});

describe("one person's bundle", () => {
  it('is written owner-only, and never over an existing file: nothing is issued then', async () => {
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('bundles'),
      '--status-base-url',
      'https://status.agency.example/bundles',
    ]);
    const first = await issue(at('bundles'));
    const bundleFile = at(`${first.holder.did.slice(-12)}-bundle.json`);
    expect(statSync(bundleFile).mode & 0o777).toBe(0o600);
    const before = readFileSync(bundleFile, 'utf8');
    writeFileSync(
      at('more-keys.json'),
      readFileSync(at(`${first.holder.did.slice(-12)}-keys.json`)),
    );
    const refused = await sanadFails([
      'issuer',
      'issue',
      '--dir',
      at('bundles'),
      '--type',
      'refugee-status',
      '--claims',
      at('amal.json'),
      '--holder-keys',
      at('more-keys.json'),
      '--out',
      bundleFile,
    ]);
    expect(refused).toMatchObject({ code: 2, error: { code: 'ERR_OUTPUT_EXISTS' } });
    expect(readFileSync(bundleFile, 'utf8')).toBe(before);
    expect((await sanadOk(['issuer', 'list', '--dir', at('bundles')])).credentials).toHaveLength(1);
  });
});

describe('backups of the register', () => {
  it('copies an SQLite register consistently while it is open, never over an existing file', async () => {
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('backed-up'),
      '--status-base-url',
      'https://status.agency.example/backed-up',
    ]);
    await issue(at('backed-up'));
    const open = openSqliteIssuerStore(at('backed-up', 'issuer.sqlite'));
    const backup = await sanadOk([
      'issuer',
      'backup',
      '--dir',
      at('backed-up'),
      '--out',
      at('backup', 'issuer.sqlite'),
    ]);
    await open.close();
    expect(backup).toMatchObject({ credentials: 1 });
    const copy = openSqliteIssuerStore(at('backup', 'issuer.sqlite'));
    expect(await copy.listCredentials()).toHaveLength(1);
    await copy.close();
    expect(
      (
        await sanadFails([
          'issuer',
          'backup',
          '--dir',
          at('backed-up'),
          '--out',
          at('backup', 'issuer.sqlite'),
        ])
      ).error.code,
    ).toBe('ERR_INVALID_INPUT');
  });
});

// curl comes with most systems and .ci/run installs it; without it this test says so and is skipped.
const hasCurl = spawnSync('curl', ['--version']).status === 0;

describe('the operator API as docs/deployment.md shows it', () => {
  it.skipIf(!hasCurl)(
    `answers the documented curl calls of the operator API${hasCurl ? '' : ' (skipped: no curl on this machine)'}`,
    async () => {
      await sanadOk([
        'issuer',
        'init',
        '--dir',
        at('curl'),
        '--status-base-url',
        'https://status.agency.example/curl',
      ]);
      const { batchId } = await issue(at('curl'));
      const service = await startService(
        [
          'issuer',
          'serve',
          '--dir',
          at('curl'),
          '--base-url',
          'http://127.0.0.1:1',
          '--allow-http',
          '--port',
          '0',
        ],
        { cwd: work, env: { SANAD_OPERATOR_TOKEN: token } },
      );
      const page = readFileSync(join(import.meta.dirname, '..', 'docs', 'deployment.md'), 'utf8');
      const block = codeBlocks('docs/deployment.md', page, 'sh').find((b) =>
        b.code.startsWith('curl '),
      )!;
      // The lines as written, pointed at this service and this batch.
      const lines = block.code
        .split('\n')
        .map((l) =>
          l
            .replaceAll('https://issuer.agency.example', String(service.info.listening))
            .replaceAll('<batch-id>', batchId),
        );
      const outputs = lines.map((line) => {
        const run = spawnSync('bash', ['-c', line], {
          encoding: 'utf8',
          env: { ...process.env, SANAD_OPERATOR_TOKEN: token },
        });
        expect({ line, status: run.status, stderr: run.stderr }).toEqual({
          line,
          status: 0,
          stderr: '',
        });
        return JSON.parse(run.stdout) as Record<string, unknown>;
      });
      expect(outputs[0]).toMatchObject({ changed: [{ batch_id: batchId, status: 'revoked' }] });
      expect(
        (outputs[1]!.credentials as Array<{ batchId: string; status: string }>).find(
          (c) => c.batchId === batchId,
        )?.status,
      ).toBe('revoked');
      expect(await service.stop()).toBe(0);
    },
  );
});

describe('key rotation in one register', () => {
  it('keeps every old credential valid: credentials signed before and after the rotation both verify, and both can be revoked', async () => {
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('rotating'),
      '--status-base-url',
      'https://status.agency.example/rotating',
    ]);
    const before = await issue(at('rotating'));
    const rotated = await sanadOk(['issuer', 'rotate-key', '--dir', at('rotating')]);
    expect(rotated).toMatchObject({
      previous: before.issuer,
      previous_valid_until: expect.any(String),
    });
    expect(rotated.issuer).not.toBe(before.issuer);
    expect(statSync(String(rotated.retired_key_file)).mode & 0o777).toBe(0o600);
    const after = await issue(at('rotating'));
    expect(after.issuer).toBe(rotated.issuer);

    // During the overlap the authority trusts both identifiers for the same types.
    const trust = trustFor({ did: before.issuer }, { did: after.issuer });
    let published = await publish(at('rotating'), at('rotating-published'));
    expect(await clinicSees(trust, published, before.credential, before.holder)).toMatchObject({
      verified: true,
      status: 'valid',
    });
    expect(await clinicSees(trust, published, after.credential, after.holder)).toMatchObject({
      verified: true,
      status: 'valid',
    });

    await sanadOk(['issuer', 'revoke', '--dir', at('rotating'), before.batchId]);
    await sanadOk(['issuer', 'revoke', '--dir', at('rotating'), after.batchId]);
    published = await publish(at('rotating'), at('rotating-published'));
    expect(await clinicSees(trust, published, before.credential, before.holder)).toMatchObject({
      verified: false,
      codes: ['ERR_STATUS_REVOKED'],
    });
    expect(await clinicSees(trust, published, after.credential, after.holder)).toMatchObject({
      verified: false,
      codes: ['ERR_STATUS_REVOKED'],
    });
  });

  it("refuses to publish the old credentials' lists unsigned when the retired key is missing, naming it", async () => {
    const retired = files(at('rotating', 'retired-keys'))[0]!;
    const kept = readFileSync(retired);
    rmSync(retired);
    const refused = await sanadFails([
      'issuer',
      'status-list',
      '--dir',
      at('rotating'),
      '--out',
      at('nowhere'),
    ]);
    expect(refused.error.code).toBe('ERR_RETIRED_KEY_MISSING');
    writeFileSync(retired, kept, { mode: 0o600 });
  });
});

describeWithPostgres('moving the register to PostgreSQL and back', (url) => {
  const password = { PGPASSWORD: new URL(url).password };
  const schema = postgresSchema();
  const bare = url.replace(/:[^:@/]*@/, '@'); // the URL as an agency writes it: the password comes from PGPASSWORD
  let revoked: Awaited<ReturnType<typeof issue>>;
  let valid: Awaited<ReturnType<typeof issue>>;
  let trust: TrustList;

  beforeAll(async () => {
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('laptop'),
      '--status-base-url',
      'https://status.agency.example/laptop',
    ]);
    revoked = await issue(at('laptop'));
    valid = await issue(at('laptop'));
    await sanadOk(['issuer', 'revoke', '--dir', at('laptop'), revoked.batchId]);
    trust = trustFor({ did: revoked.issuer });
  });

  it('refuses to start the service on an empty database while the folder holds the register, and says how to move it', async () => {
    const refused = await sanadFails(
      [
        'issuer',
        'serve',
        '--dir',
        at('laptop'),
        '--base-url',
        'http://127.0.0.1:1',
        '--allow-http',
        '--port',
        '0',
        '--database',
        bare,
        '--schema',
        schema,
      ],
      { ...password, SANAD_OPERATOR_TOKEN: token },
    );
    expect(refused).toMatchObject({ code: 2, error: { code: 'ERR_REGISTER_MISMATCH' } });
    expect(refused.error.message).toContain(`sanad issuer migrate --dir ${at('laptop')} --to`);
    expect(refused.error.message).not.toContain(`:${password.PGPASSWORD}@`);
  });

  it('moves every credential, index and revocation: after the move the clinic still sees revoked, and the rest valid', async () => {
    const moved = await sanadOk(
      ['issuer', 'migrate', '--dir', at('laptop'), '--to', bare, '--schema', schema],
      password,
    );
    expect(moved).toMatchObject({ credentials: 2, resumed: false });
    expect(JSON.stringify(moved)).not.toContain(`:${password.PGPASSWORD}@`);
    // The folder now says where its register is, without the password.
    const pointer = readFileSync(at('laptop', 'register.json'), 'utf8');
    expect(JSON.parse(pointer)).toMatchObject({ storage: 'postgresql', schema });
    expect(pointer).not.toContain(`:${password.PGPASSWORD}@`);

    // The same commands, with no flag: the folder's register is on PostgreSQL now.
    const listed = (await sanadOk(['issuer', 'list', '--dir', at('laptop')], password))
      .credentials as Array<{ batchId: string; status: string }>;
    expect(listed.map((c) => [c.batchId, c.status]).sort()).toEqual(
      [
        [revoked.batchId, 'revoked'],
        [valid.batchId, 'valid'],
      ].sort(),
    );
    const published = await publish(at('laptop'), at('laptop-published'), password);
    expect(await clinicSees(trust, published, revoked.credential, revoked.holder)).toMatchObject({
      verified: false,
      status: 'revoked',
    });
    expect(await clinicSees(trust, published, valid.credential, valid.holder)).toMatchObject({
      verified: true,
      status: 'valid',
    });
  });

  it('leaves the old SQLite copy refusing every use, and refuses to move twice', async () => {
    const old = openSqliteIssuerStore(at('laptop', 'issuer.sqlite'));
    await expect(old.getSettings()).rejects.toMatchObject({ code: 'ERR_REGISTER_MOVED' });
    await expect(old.setStatus(['x'], 'revoked')).rejects.toMatchObject({
      code: 'ERR_REGISTER_MOVED',
    });
    await old.close();
    expect(
      (
        await sanadFails(
          ['issuer', 'migrate', '--dir', at('laptop'), '--to', bare, '--schema', postgresSchema()],
          password,
        )
      ).error.code,
    ).toBe('ERR_REGISTER_MOVED');
  });

  it('allocates no index twice from two instances on the migrated database, and continues after the copied lists', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(() => openPostgresIssuerStore({ connectionString: url, schema, max: 4 })),
    );
    const before = await a!.listCredentials();
    const settings = (await a!.getSettings())!;
    const random = (max: number): number => Math.floor(Math.random() * max);
    const record = (who: string, i: number) => ({
      id: `${who}-${i}`,
      batchId: who,
      typeId: 'refugee-status',
      format: 'dc+sd-jwt' as const,
      validFrom: 'x',
      validUntil: 'y',
      issuedAt: 'z',
    });
    const jobs = Array.from({ length: 40 }, (_, i) =>
      [a!, b!].map((s, j) =>
        s.recordCredentials([record(`i${j}`, i)], {
          kind: 'token',
          listSize: 131_072,
          issuerId: settings.issuerId,
          random,
        }),
      ),
    ).flat();
    const issued = (await Promise.all(jobs)).flat();
    const all = [...before, ...issued];
    expect(new Set(all.map((r) => `${r.listId}:${r.index}`)).size).toBe(all.length);
    // A new list continues the copied numbering instead of reusing list 1's URL.
    const fresh = await a!.recordCredentials([record('bitstring', 0)], {
      kind: 'bitstring',
      listSize: 16,
      issuerId: settings.issuerId,
      random,
    });
    expect(fresh[0]!.listId).toBeGreaterThan(Math.max(...before.map((r) => r.listId)));
    await Promise.all([a!.close(), b!.close()]);
  });

  it("runs the CLI on the database the service uses, directly or through the service's operator API", async () => {
    const another = await issue(at('laptop'), [], password);
    // Directly on PostgreSQL, named explicitly.
    await sanadOk([
      'issuer',
      'suspend',
      '--dir',
      at('laptop'),
      another.batchId,
      '--database',
      url,
      '--schema',
      schema,
    ]);
    // Through a running service.
    const service = await startService(
      [
        'issuer',
        'serve',
        '--dir',
        at('laptop'),
        '--base-url',
        'http://127.0.0.1:1',
        '--allow-http',
        '--port',
        '0',
      ],
      { cwd: work, env: { ...password, SANAD_OPERATOR_TOKEN: token } },
    );
    expect(service.info).toMatchObject({ storage: 'postgresql' });
    const viaService = ['--service', String(service.info.listening)];
    const env = { SANAD_OPERATOR_TOKEN: token };
    expect(
      await sanadOk(['issuer', 'reinstate', another.batchId, ...viaService], env),
    ).toMatchObject({ status: 'valid' });
    expect(await sanadOk(['issuer', 'revoke', another.batchId, ...viaService], env)).toMatchObject({
      status: 'revoked',
    });
    const listed = (await sanadOk(['issuer', 'list', ...viaService], env)).credentials as Array<{
      batchId: string;
      status: string;
    }>;
    expect(listed.find((c) => c.batchId === another.batchId)?.status).toBe('revoked');
    rmSync(at('served'), { recursive: true, force: true });
    await sanadOk(['issuer', 'status-list', ...viaService, '--out', at('served')], env);
    expect(await clinicSees(trust, at('served'), another.credential, another.holder)).toMatchObject(
      { status: 'revoked' },
    );
    expect(await clinicSees(trust, at('served'), revoked.credential, revoked.holder)).toMatchObject(
      { status: 'revoked' },
    );
    // A wrong token or an unknown id are refused with their codes.
    expect(
      (
        await sanadFails(['issuer', 'list', ...viaService], {
          SANAD_OPERATOR_TOKEN: 'x'.repeat(40),
        })
      ).error.code,
    ).toBe('ERR_OPERATOR_UNAUTHORIZED');
    expect(
      (await sanadFails(['issuer', 'revoke', 'urn:uuid:nobody', ...viaService], env)).error.code,
    ).toBe('ERR_CREDENTIAL_NOT_FOUND');
    expect(await service.stop()).toBe(0);
  });

  it('moves back to SQLite for a laptop, and then the PostgreSQL copy refuses every use', async () => {
    const held = (
      (await sanadOk(['issuer', 'list', '--dir', at('laptop')], password)).credentials as unknown[]
    ).length;
    const back = await sanadOk(
      ['issuer', 'migrate', '--dir', at('laptop'), '--to', 'sqlite'],
      password,
    );
    expect(back).toMatchObject({ credentials: held });
    expect(existsSync(at('laptop', 'register.json'))).toBe(false);
    // The first SQLite copy is kept aside as the record it is.
    expect(readdirSync(at('laptop')).some((f) => f.startsWith('issuer.sqlite.moved-'))).toBe(true);
    const listed = (await sanadOk(['issuer', 'list', '--dir', at('laptop')]))
      .credentials as unknown[];
    expect(listed).toHaveLength(held);
    const published = await publish(at('laptop'), at('laptop-published'));
    expect(await clinicSees(trust, published, revoked.credential, revoked.holder)).toMatchObject({
      status: 'revoked',
    });
    expect(await clinicSees(trust, published, valid.credential, valid.holder)).toMatchObject({
      status: 'valid',
    });
    const stale = await sanadFails([
      'issuer',
      'list',
      '--dir',
      at('laptop'),
      '--database',
      url,
      '--schema',
      schema,
    ]);
    expect(stale.error.code).toBe('ERR_REGISTER_MOVED');
  });

  it('finishes a move that stopped after its copy was committed, instead of refusing or copying twice', async () => {
    const target = postgresSchema();
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('interrupted'),
      '--status-base-url',
      'https://status.agency.example/interrupted',
    ]);
    await issue(at('interrupted'));
    await sanadOk([
      'issuer',
      'migrate',
      '--dir',
      at('interrupted'),
      '--to',
      url,
      '--schema',
      target,
    ]);
    // As if the process had stopped before marking the old copy and recording the new place.
    rmSync(at('interrupted', 'register.json'));
    const db = new (await import('better-sqlite3')).default(at('interrupted', 'issuer.sqlite'));
    db.prepare("DELETE FROM settings WHERE key = 'moved'").run();
    db.close();
    expect(
      await sanadOk([
        'issuer',
        'migrate',
        '--dir',
        at('interrupted'),
        '--to',
        url,
        '--schema',
        target,
      ]),
    ).toMatchObject({ credentials: 1, resumed: true });
    expect(
      (await sanadOk(['issuer', 'list', '--dir', at('interrupted')], password)).credentials,
    ).toHaveLength(1);
  });

  it('moves with the database password only in a password file (PGPASSFILE), and the service then starts from the folder', async () => {
    const target = postgresSchema();
    const { hostname, port, pathname, username, password: secret } = new URL(url);
    writeFileSync(
      at('pgpass'),
      `${hostname}:${port}:${pathname.slice(1)}:${username}:${secret}\n`,
      { mode: 0o600 },
    );
    const fromFile = { PGPASSFILE: at('pgpass') };
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('pgpass-agency'),
      '--status-base-url',
      'https://status.agency.example/pgpass',
    ]);
    await issue(at('pgpass-agency'));
    expect(
      await sanadOk(
        ['issuer', 'migrate', '--dir', at('pgpass-agency'), '--to', bare, '--schema', target],
        fromFile,
      ),
    ).toMatchObject({ credentials: 1 });
    const service = await startService(
      [
        'issuer',
        'serve',
        '--dir',
        at('pgpass-agency'),
        '--base-url',
        'http://127.0.0.1:1',
        '--allow-http',
        '--port',
        '0',
      ],
      { cwd: work, env: { ...fromFile, SANAD_OPERATOR_TOKEN: token } },
    );
    expect(service.info).toMatchObject({ storage: 'postgresql' });
    expect(await service.stop()).toBe(0);
  });

  it('creates a register on PostgreSQL from the start, and refuses a schema that already holds one', async () => {
    const fresh = postgresSchema();
    const made = await sanadOk(
      [
        'issuer',
        'init',
        '--dir',
        at('pg-first'),
        '--status-base-url',
        'https://status.agency.example/pg-first',
        '--database',
        bare,
        '--schema',
        fresh,
      ],
      password,
    );
    expect(String(made.register)).toContain(`(schema ${fresh})`);
    expect(existsSync(at('pg-first', 'issuer.sqlite'))).toBe(false);
    await issue(at('pg-first'), [], password);
    const twice = await sanadFails(
      [
        'issuer',
        'init',
        '--dir',
        at('pg-second'),
        '--status-base-url',
        'https://status.agency.example/pg-second',
        '--database',
        bare,
        '--schema',
        fresh,
      ],
      password,
    );
    expect(twice.error.code).toBe('ERR_REGISTER_NOT_EMPTY');
  });

  it('moves a register that has issued nothing to an empty database by itself, keeping its id and status URLs', async () => {
    const empty = postgresSchema();
    const made = await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('not-yet'),
      '--status-base-url',
      'https://status.agency.example/not-yet',
    ]);
    expect(
      await sanadOk([
        'issuer',
        'list',
        '--dir',
        at('not-yet'),
        '--database',
        url,
        '--schema',
        empty,
      ]),
    ).toMatchObject({ credentials: [] });
    expect(JSON.parse(readFileSync(at('not-yet', 'register.json'), 'utf8'))).toMatchObject({
      schema: empty,
      issuer: made.issuer,
    });
    const { credential } = await issue(at('not-yet'), [], password);
    expect(
      JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString()).status.status_list
        .uri,
    ).toBe(`${String(made.status_lists)}tsl/1`);
  });

  it('adopts a PostgreSQL register that an older Sanad made for the folder, and refuses a forked one', async () => {
    const legacy = postgresSchema();
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('legacy'),
      '--status-base-url',
      'https://status.agency.example/legacy',
    ]);
    // Older `issuer serve --database` wrote the settings straight into PostgreSQL and left the folder's SQLite empty.
    const local = openSqliteIssuerStore(at('legacy', 'issuer.sqlite'));
    const settings = (await local.getSettings())!;
    await local.close();
    const store = await openPostgresIssuerStore({ connectionString: url, schema: legacy });
    await store.saveSettings({
      issuerId: settings.issuerId,
      kid: settings.kid,
      alg: settings.alg,
      statusBaseUrl: settings.statusBaseUrl,
    });
    await store.close();
    expect(
      await sanadOk([
        'issuer',
        'list',
        '--dir',
        at('legacy'),
        '--database',
        url,
        '--schema',
        legacy,
      ]),
    ).toMatchObject({ credentials: [] });
    expect(JSON.parse(readFileSync(at('legacy', 'register.json'), 'utf8'))).toMatchObject({
      schema: legacy,
    });

    // A folder whose SQLite register holds credentials and a database that holds another register: forked.
    const forked = postgresSchema();
    await sanadOk([
      'issuer',
      'init',
      '--dir',
      at('forked'),
      '--status-base-url',
      'https://status.agency.example/forked',
    ]);
    await issue(at('forked'));
    const other = await openPostgresIssuerStore({ connectionString: url, schema: forked });
    const mine = openSqliteIssuerStore(at('forked', 'issuer.sqlite'));
    const s = (await mine.getSettings())!;
    await mine.close();
    await other.saveSettings({
      issuerId: s.issuerId,
      kid: s.kid,
      alg: s.alg,
      statusBaseUrl: s.statusBaseUrl,
    });
    await other.close();
    const refused = await sanadFails([
      'issuer',
      'list',
      '--dir',
      at('forked'),
      '--database',
      url,
      '--schema',
      forked,
    ]);
    expect(refused.error.code).toBe('ERR_REGISTER_MISMATCH');
    expect(refused.error.message).toContain('forked');
  });
});
