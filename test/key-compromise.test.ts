/**
 * Issue 16 §3: the key-compromise drill of docs/key-compromise.md, end to end with real keys, the
 * real SQLite register, the real CLI as child processes and the real verifier: an old credential
 * verifies before the drill, is refused as revoked once the clinic loads the published status
 * lists, as untrusted once it loads the new trust list, and a credential re-issued under the new
 * key verifies. Then the guards of `sanad issuer revoke --signed-by`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteIssuerStore } from '@sanad/issuer';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHolder } from './support/fixtures.js';
import { codeBlocks } from './support/markdown.js';
import { patient } from './support/patience.js';
import { runSanad } from './support/sanad-cli.js';
import { sanadOnPath } from './support/sanad-process.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-key-compromise-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DRILL = 'the drill of docs/key-compromise.md, run as written';

interface Verification {
  verified: boolean;
  issuer: string;
  status: string;
  errors: Array<{ code: string }>;
}

describe('docs/key-compromise.md', () => {
  it(
    `${DRILL}: the old credential verifies, then is refused as revoked, then as untrusted; the re-issued one verifies`,
    async () => {
      const page = 'docs/key-compromise.md';
      const blocks = codeBlocks(page, readFileSync(join(root, page), 'utf8'), 'sh');
      // Every shell block of the page is part of the drill, and names this test.
      expect(blocks.length).toBeGreaterThanOrEqual(8);
      expect(blocks.filter((b) => !b.note?.includes(DRILL)).map((b) => b.line)).toEqual([]);
      const folder = join(work, 'drill');
      mkdirSync(folder);
      const bin = sanadOnPath(work);
      for (const block of blocks) {
        const run = spawnSync('bash', ['-euo', 'pipefail', '-c', block.code], {
          cwd: folder,
          encoding: 'utf8',
          input: '',
          env: {
            ...process.env,
            PATH: `${bin}:${process.env.PATH}`,
            HOME: folder,
            SANAD_WALLET_PASSPHRASE: 'a passphrase typed at the prompt',
            SANAD_OPERATOR_TOKEN: '',
          },
        });
        expect({
          block: `${page}:${block.line}`,
          status: run.status,
          stderr: run.status === 0 ? '' : run.stderr,
        }).toEqual({ block: `${page}:${block.line}`, status: 0, stderr: '' });
      }
      const read = <T>(file: string): T =>
        JSON.parse(readFileSync(join(folder, file), 'utf8')) as T;
      const { issuer: first } = read<{ issuer: string }>('agency.json');
      const rotated = read<{ issuer: string; previous: string }>('rotated.json');
      expect(rotated.previous).toBe(first);

      const codes = (v: Verification): string[] => v.errors.map((e) => e.code);
      const before = read<Verification>('before.json');
      expect(before).toMatchObject({ verified: true, issuer: first, status: 'valid' });
      const revoked = read<Verification>('revoked.json');
      expect(revoked).toMatchObject({ verified: false, issuer: first, status: 'revoked' });
      expect(codes(revoked)).toEqual(['ERR_STATUS_REVOKED']);
      const untrusted = read<Verification>('untrusted.json');
      expect(untrusted).toMatchObject({ verified: false, issuer: first });
      expect(codes(untrusted)).toContain('ERR_ISSUER_UNTRUSTED');
      const reissued = read<Verification>('reissued.json');
      expect(reissued).toMatchObject({ verified: true, issuer: rotated.issuer, status: 'valid' });

      // The re-issuance list names the one batch the old key signed, and nothing of the person.
      const list = readFileSync(join(folder, 'reissue.json'), 'utf8');
      expect(statSync(join(folder, 'reissue.json')).mode & 0o777).toBe(0o600);
      for (const claim of ['Amal', 'Haddad', '1994-03-12', 'AMM-2026-044817'])
        expect(list).not.toContain(claim);
      const register = openSqliteIssuerStore(join(folder, 'agency', 'issuer.sqlite'));
      const credentials = await register.listCredentials().finally(() => register.close());
      const old = credentials.filter((c) => c.status === 'revoked');
      expect(old).toHaveLength(3);
      expect(credentials.filter((c) => c.status === 'valid')).toHaveLength(3);
      expect(JSON.parse(list)).toMatchObject({
        type: 'sanad-reissue-list',
        version: 1,
        signed_by: first,
        batches: [
          {
            batch_id: old[0]!.batchId,
            type: 'refugee-status',
            format: 'dc+sd-jwt',
            copies: 3,
            status_before: 'valid',
          },
        ],
      });
    },
    patient(300_000),
  );
});

describe('sanad issuer revoke --signed-by', () => {
  const at = (...parts: string[]) => join(work, 'guards', ...parts);
  const sanad = async (args: string[], env: Record<string, string> = {}) => {
    const run = await runSanad([...args, '--json'], env);
    return {
      code: run.code,
      stderr: run.stderr,
      json: JSON.parse(run.stdout) as Record<string, unknown> & { error?: { code: string } },
    };
  };

  it(
    'refuses without --yes off a terminal, the current key, a missing or existing --reissue-list, and --service; revokes with a progress bar',
    async () => {
      mkdirSync(at(), { recursive: true });
      const init = await sanad([
        'issuer',
        'init',
        '--dir',
        at('agency'),
        '--status-base-url',
        'https://status.agency.example/guards',
      ]);
      const first = String(init.json.issuer);
      const holders = await Promise.all(Array.from({ length: 20 }, () => makeHolder()));
      writeFileSync(
        at('claims.json'),
        JSON.stringify({
          given_name: 'Amal',
          family_name: 'Haddad',
          birthdate: '1994-03-12',
          nationality: 'SYR',
          case_number: 'AMM-2026-044817',
          age_over_18: true,
        }),
      );
      const issued = await sanad([
        'issuer',
        'issue',
        '--dir',
        at('agency'),
        '--type',
        'refugee-status',
        '--claims',
        at('claims.json'),
        ...holders.flatMap((h) => ['--holder', h.did]),
        '--out',
        at('bundle.json'),
      ]);
      expect(issued.code).toBe(0);

      const current = await sanad([
        'issuer',
        'revoke',
        '--dir',
        at('agency'),
        '--signed-by',
        first,
        '--reissue-list',
        at('reissue.json'),
        '--yes',
      ]);
      expect(current).toMatchObject({ code: 2, json: { error: { code: 'ERR_INVALID_INPUT' } } });
      await sanad(['issuer', 'rotate-key', '--dir', at('agency')]);

      expect(
        (await sanad(['issuer', 'revoke', '--dir', at('agency'), '--signed-by', first, '--yes']))
          .json.error?.code,
      ).toBe('ERR_INVALID_INPUT');
      expect(
        (
          await sanad([
            'issuer',
            'revoke',
            '--service',
            'https://issuer.agency.example',
            '--signed-by',
            first,
            '--reissue-list',
            at('reissue.json'),
            '--yes',
          ])
        ).json.error?.code,
      ).toBe('ERR_INVALID_INPUT');
      expect(
        (
          await sanad([
            'issuer',
            'revoke',
            '--dir',
            at('agency'),
            String(issued.json.batchId),
            '--signed-by',
            first,
          ])
        ).json.error?.code,
      ).toBe('ERR_INVALID_INPUT');
      const unconfirmed = await sanad([
        'issuer',
        'revoke',
        '--dir',
        at('agency'),
        '--signed-by',
        first,
        '--reissue-list',
        at('reissue.json'),
      ]);
      expect(unconfirmed).toMatchObject({
        code: 2,
        json: { error: { code: 'ERR_CONFIRMATION_REQUIRED' } },
      });
      writeFileSync(at('taken.json'), '{}');
      expect(
        (
          await sanad([
            'issuer',
            'revoke',
            '--dir',
            at('agency'),
            '--signed-by',
            first,
            '--reissue-list',
            at('taken.json'),
            '--yes',
          ])
        ).json.error?.code,
      ).toBe('ERR_OUTPUT_EXISTS');
      // Nothing was revoked by any refusal.
      const listed = await sanad(['issuer', 'list', '--dir', at('agency')]);
      expect(
        (listed.json.credentials as Array<{ status: string }>).every((c) => c.status === 'valid'),
      ).toBe(true);

      // Progress goes to stderr (SANAD_PROGRESS=1 shows it in logs), the result to stdout.
      const run = await runSanad(
        [
          'issuer',
          'revoke',
          '--dir',
          at('agency'),
          '--signed-by',
          `${first}#${first.slice('did:key:'.length)}`,
          '--reissue-list',
          at('reissue.json'),
          '--yes',
        ],
        { SANAD_PROGRESS: '1' },
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Revoking \[=+\] 20\/20/);
      expect(run.stdout).toContain('Revoked 20 copies');
      const again = await sanad([
        'issuer',
        'revoke',
        '--dir',
        at('agency'),
        '--signed-by',
        first,
        '--reissue-list',
        at('reissue-2.json'),
        '--yes',
      ]);
      expect(again.json).toMatchObject({
        signed_by: first,
        revoked: 0,
        already_revoked: 20,
        batches_to_reissue: 0,
        lists: [expect.stringMatching(/\/tsl\/1$/)],
      });
    },
    patient(60_000),
  );
});
