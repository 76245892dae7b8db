/** The `sanad` command as a person or a script meets it: real processes, real files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patient } from './support/patience.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sanad(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=@sanad/source',
      '--import',
      import.meta.resolve('tsx'),
      join(root, 'packages/cli/src/bin.ts'),
      ...args,
    ],
    {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, SANAD_WALLET_PASSPHRASE: '', ...env },
      input: '',
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('sanad', () => {
  it('prints help with exit 0 and refuses unknown commands and options with exit 2', () => {
    expect(sanad(['--help']).status).toBe(0);
    const unknown = sanad(['frobnicate']);
    expect(unknown.status).toBe(2);
    const missing = sanad(['verify', '--trust', 'x.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--presentation <file>'");
  });

  it('reports bad input as one line with a code, exit 2, never a stack trace', () => {
    const run = sanad([
      'verify',
      '--presentation',
      'nope.txt',
      '--trust',
      'nope.json',
      '--nonce',
      'n',
      '--audience',
      'a',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^sanad: .+ \(ERR_FILE_NOT_FOUND\)$/);
    noStack(run.stderr);
    const json = sanad([
      'verify',
      '--presentation',
      'nope.txt',
      '--trust',
      'nope.json',
      '--nonce',
      'n',
      '--audience',
      'a',
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'ERR_FILE_NOT_FOUND', message: expect.any(String) },
    });
  });

  it('prints one JSON verification result and exits 1 for a rejected presentation', () => {
    writeFileSync(
      join(work, 'trust.json'),
      JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }),
    );
    writeFileSync(join(work, 'garbage.txt'), 'eyJhbGciOiJub25lIn0.e30.~');
    const run = sanad([
      'verify',
      '--presentation',
      'garbage.txt',
      '--trust',
      'trust.json',
      '--nonce',
      'n',
      '--audience',
      'a',
      '--json',
    ]);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      verified: false,
      format: 'dc+sd-jwt',
      claims: {},
      status: 'unknown',
    });
    expect(result.errors[0].code).toMatch(/^ERR_/);
    const human = sanad([
      'verify',
      '--presentation',
      'garbage.txt',
      '--trust',
      'trust.json',
      '--nonce',
      'n',
      '--audience',
      'a',
    ]);
    expect(human.stdout).toContain('REJECTED');
    noStack(human.stdout + human.stderr);
  });

  it('refuses an invalid trust list and bad --now with exit 2', () => {
    writeFileSync(join(work, 'bad-trust.json'), JSON.stringify({ type: 'something' }));
    writeFileSync(join(work, 'p.txt'), 'x');
    expect(
      sanad([
        'verify',
        '--presentation',
        'p.txt',
        '--trust',
        'bad-trust.json',
        '--nonce',
        'n',
        '--audience',
        'a',
      ]).stderr,
    ).toContain('ERR_TRUST_LIST_INVALID');
    expect(
      sanad([
        'verify',
        '--presentation',
        'p.txt',
        '--trust',
        'trust.json',
        '--nonce',
        'n',
        '--audience',
        'a',
        '--now',
        'yesterday',
      ]).status,
    ).toBe(2);
  });

  it('takes the wallet passphrase only from the environment or a terminal', () => {
    const none = sanad(['wallet', 'init', '--wallet', 'w.json']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('SANAD_WALLET_PASSPHRASE');
    expect(sanad(['wallet', 'init', '--wallet', 'w.json', '--passphrase', 'x']).status).toBe(2); // no such option
    expect(
      sanad(['wallet', 'init', '--wallet', 'w.json'], {
        SANAD_WALLET_PASSPHRASE: 'long enough passphrase',
      }).status,
    ).toBe(0);
    const wrong = sanad(['wallet', 'list', '--wallet', 'w.json', '--json'], {
      SANAD_WALLET_PASSPHRASE: 'another passphrase',
    });
    expect(wrong.status).toBe(2);
    expect(JSON.parse(wrong.stdout).error.code).toBe('ERR_WALLET_WRONG_PASSPHRASE');
    expect(wrong.stdout + wrong.stderr).not.toContain('another passphrase');
  });

  it('refuses to present when nothing in the wallet answers the request', () => {
    writeFileSync(
      join(work, 'request.json'),
      JSON.stringify({
        response_type: 'vp_token',
        client_id: 'https://clinic.example',
        nonce: 'abcdefghijklmnopqrstuv',
        purpose: { en: 'x' },
        iat: 1,
        exp: 4102444800,
        dcql_query: {
          credentials: [
            {
              id: 'q',
              format: 'dc+sd-jwt',
              meta: { vct_values: ['https://x.example'] },
              claims: [{ path: ['a'] }],
            },
          ],
        },
      }),
    );
    const run = sanad(
      ['wallet', 'present', '--wallet', 'w.json', '--request', 'request.json', '--out', 'p.json'],
      { SANAD_WALLET_PASSPHRASE: 'long enough passphrase' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ERR_NO_MATCHING_CREDENTIAL');
  });

  it('names the failing fields of claims that do not match the schema, never their values', () => {
    expect(
      sanad([
        'issuer',
        'init',
        '--dir',
        'agency',
        '--status-base-url',
        'https://agency.example/status',
      ]).status,
    ).toBe(0);
    expect(
      sanad([
        'issuer',
        'init',
        '--dir',
        'agency',
        '--status-base-url',
        'https://agency.example/status',
      ]).stderr,
    ).toContain('ERR_ISSUER_ALREADY_INITIALIZED');
    writeFileSync(
      join(work, 'claims.json'),
      JSON.stringify({ given_name: 'Secret-Name', birthdate: 'not a date' }),
    );
    const run = sanad([
      'issuer',
      'issue',
      '--dir',
      'agency',
      '--type',
      'refugee-status',
      '--claims',
      'claims.json',
      '--holder',
      'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169',
      '--out',
      'b.json',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ERR_CLAIMS_SCHEMA_MISMATCH');
    expect(run.stderr).toContain('/birthdate');
    expect(run.stderr).not.toContain('Secret-Name');
    expect(sanad(['issuer', 'revoke', '--dir', 'agency', 'no-such-id']).stderr).toContain(
      'ERR_CREDENTIAL_NOT_FOUND',
    );
  });

  it(
    'asks for consent before presenting: without a terminal and without --yes it refuses',
    () => {
      const env = { SANAD_WALLET_PASSPHRASE: 'long enough passphrase' };
      expect(sanad(['wallet', 'init', '--wallet', 'w2.json'], env).status).toBe(0);
      expect(
        sanad([
          'issuer',
          'init',
          '--dir',
          'agency2',
          '--status-base-url',
          'https://agency.example/status/office-2',
        ]).status,
      ).toBe(0);
      expect(
        sanad(['wallet', 'keys', '--wallet', 'w2.json', '--count', '1', '--out', 'keys.json'], env)
          .status,
      ).toBe(0);
      writeFileSync(
        join(work, 'amal.json'),
        JSON.stringify({
          given_name: 'Amal',
          family_name: 'Haddad',
          birthdate: '1994-03-12',
          nationality: 'SYR',
          case_number: 'C-1',
          age_over_18: true,
        }),
      );
      expect(
        sanad([
          'issuer',
          'issue',
          '--dir',
          'agency2',
          '--type',
          'refugee-status',
          '--claims',
          'amal.json',
          '--holder-keys',
          'keys.json',
          '--out',
          'bundle.json',
        ]).status,
      ).toBe(0);
      expect(sanad(['wallet', 'import', 'bundle.json', '--wallet', 'w2.json'], env).status).toBe(0);
      expect(
        sanad([
          'verifier',
          'request',
          '--client-id',
          'https://clinic.example',
          '--type',
          'https://sanad.example/credentials/refugee-status',
          '--claim',
          'age_over_18',
          '--purpose',
          'Adult check',
          '--out',
          'req.json',
        ]).status,
      ).toBe(0);
      const run = sanad(
        ['wallet', 'present', '--wallet', 'w2.json', '--request', 'req.json', '--out', 'p.json'],
        env,
      );
      expect(run.stdout).toContain('Over 18');
      expect(run.stdout).toContain('Not shared');
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('ERR_CONSENT_REQUIRED');
      // Eight CLI processes, four of them deriving the wallet key (scrypt N=2^17): on two busy cores
      // beside the rest of the suite this once took 36 s.
    },
    patient(120_000),
  );
});

describe('sanad wallet backup and restore', () => {
  it('restores a recovery-secret backup into a new wallet with a new passphrase, and refuses a wrong secret', () => {
    const env = { SANAD_WALLET_PASSPHRASE: 'old phone passphrase' };
    expect(sanad(['wallet', 'init', '--wallet', 'old.json'], env).status).toBe(0);
    const backup = sanad(
      ['wallet', 'backup', '--wallet', 'old.json', '--out', 'backup.json', '--recovery', '--json'],
      env,
    );
    expect(backup.status).toBe(0);
    const { recoverySecret } = JSON.parse(backup.stdout) as { recoverySecret: string };
    expect(recoverySecret).toMatch(/^([A-Z2-9]{6}-){5}[A-Z2-9]{6}$/);
    const wrong = sanad(
      ['wallet', 'restore', 'backup.json', '--recovery', '--wallet', 'new.json'],
      {
        SANAD_WALLET_PASSPHRASE: 'new phone passphrase',
        SANAD_RECOVERY_SECRET: 'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA',
      },
    );
    expect([wrong.status, wrong.stderr.includes('ERR_BACKUP_INVALID')]).toEqual([2, true]);
    const restored = sanad(
      ['wallet', 'restore', 'backup.json', '--recovery', '--wallet', 'new.json'],
      { SANAD_WALLET_PASSPHRASE: 'new phone passphrase', SANAD_RECOVERY_SECRET: recoverySecret },
    );
    expect(restored.status).toBe(0);
    expect(
      sanad(['wallet', 'list', '--wallet', 'new.json'], {
        SANAD_WALLET_PASSPHRASE: 'new phone passphrase',
      }).status,
    ).toBe(0);
    expect(
      sanad(['wallet', 'restore', 'backup.json', '--recovery', '--wallet', 'new.json'], {
        SANAD_WALLET_PASSPHRASE: 'new phone passphrase',
        SANAD_RECOVERY_SECRET: recoverySecret,
      }).stderr,
    ).toContain('ERR_WALLET_EXISTS');
  });
});

describe('pnpm demo', () => {
  it(
    'tells the refugee journey and exits 0',
    () => {
      const run = spawnSync(process.execPath, [join(root, 'scripts/demo.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, SANAD_DEMO_SOURCE: '1' },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('The clinic sees exactly: {"age_over_18":true}');
      expect(run.stdout).toContain('ERR_NONCE_REPLAYED');
      expect(run.stdout).toContain('status: revoked');
      expect(run.stdout).toContain('The journey is complete.');
    },
    patient(180_000),
  );
});
