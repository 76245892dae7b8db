/** `sanad doctor` on real folders, files and a real HTTP server on loopback. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { inRange, parseAdvisories } from '../doctor/advisories.js';
import { generateKeyPair, type JWK, publicJwkOf } from '@sanad/core';
import { CertificateAuthority, toPem } from '@sanad/core/x509';
import { CERTIFICATE_CHAIN_FILE, ISSUER_KEY_FILE, loadIssuerKeyFile } from '@sanad/issuer';
import type { CheckResult } from './doctor.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-doctor-'));
const STRONG = 'k3Q9v-Zr7TmX2pL8wNc4bYh6Fd1';

/** `sanad doctor <args> --json` in this process with SANAD_OPERATOR_TOKEN `token` (null: unset): exit code and checks. */
async function doctor(
  args: string[],
  token: string | null = STRONG,
): Promise<{ code: number; checks: CheckResult[] }> {
  const saved = process.env.SANAD_OPERATOR_TOKEN;
  const write = process.stdout.write;
  let stdout = '';
  process.stdout.write = ((chunk: string) =>
    (stdout += chunk) !== '') as typeof process.stdout.write;
  if (token === null) delete process.env.SANAD_OPERATOR_TOKEN;
  else process.env.SANAD_OPERATOR_TOKEN = token;
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'sanad', 'doctor', ...args, '--json']);
    return { code, checks: (JSON.parse(stdout) as { checks: CheckResult[] }).checks };
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
    if (saved === undefined) delete process.env.SANAD_OPERATOR_TOKEN;
    else process.env.SANAD_OPERATOR_TOKEN = saved;
  }
}

const find = (checks: CheckResult[], check: string): CheckResult[] =>
  checks.filter((c) => c.check === check);

let server: Server;
let serverUrl = '';
let serverDate = '';
beforeAll(async () => {
  server = createServer((_req, res) =>
    res.writeHead(200, { date: serverDate || new Date().toUTCString() }).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('sanad doctor', () => {
  it('passes a sound verifier deployment (exit 0) and skips, with a note, what it was not given', async () => {
    const data = join(work, 'ok-data');
    mkdirSync(data, { mode: 0o750 });
    const key = join(data, 'verifier-key.jwk.json');
    writeFileSync(key, '{}', { mode: 0o600 });
    const backups = join(work, 'ok-backups');
    mkdirSync(backups);
    writeFileSync(join(backups, 'register-today.sqlite'), 'x');
    const run = await doctor([
      '--data',
      data,
      '--key',
      key,
      '--base-url',
      'https://verify.example.org',
      '--backups',
      backups,
      '--clock-url',
      serverUrl,
    ]);
    expect(run.checks.filter((c) => c.status === 'fail' || c.status === 'warn')).toEqual([]);
    expect(run.code).toBe(0);
    expect(find(run.checks, 'clock')[0]).toMatchObject({ status: 'ok', code: 'clock-agrees' });
    expect(find(run.checks, 'advisories')[0]).toMatchObject({ status: 'ok', code: 'none-applies' });
    expect((await doctor([])).checks.find((c) => c.check === 'clock')).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('--clock-url'),
    });
  });

  it('fails (exit 1) a weak token, an open key, an http base URL, a skewed clock and an old backup, each with its code', async () => {
    const data = join(work, 'bad-data');
    mkdirSync(data);
    chmodSync(data, 0o777);
    const key = join(data, 'verifier-key.jwk.json');
    writeFileSync(key, '{}');
    chmodSync(key, 0o644);
    const backups = join(work, 'bad-backups');
    mkdirSync(backups);
    writeFileSync(join(backups, 'old.sqlite'), 'x');
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(join(backups, 'old.sqlite'), threeDaysAgo, threeDaysAgo);
    serverDate = new Date(Date.now() - 3_600_000).toUTCString();
    try {
      const run = await doctor(
        [
          '--data',
          data,
          '--key',
          key,
          '--base-url',
          'http://verify.example.org',
          '--backups',
          backups,
          '--clock-url',
          serverUrl,
        ],
        'short',
      );
      expect(run.code).toBe(1);
      const failures = run.checks
        .filter((c) => c.status === 'fail')
        .map((c) => `${c.check}:${c.code}`);
      expect(failures.sort()).toEqual(
        [
          'backups:backup-old',
          'base-url:base-url-http',
          'clock:clock-skewed',
          'operator-token:token-short',
          'permissions:folder-world-writable',
          'permissions:key-file-open',
        ].sort(),
      );
      expect((await doctor([], null)).checks[0]).toMatchObject({
        check: 'operator-token',
        status: 'fail',
        code: 'token-missing',
      });
      expect((await doctor([], 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).checks[0]).toMatchObject({
        status: 'warn',
        code: 'token-guessable',
      });
    } finally {
      serverDate = '';
    }
  });

  it('checks the trust list: an expired one fails, one expiring within a week and an unsigned one warn', async () => {
    const soon = join(work, 'soon.json');
    const day = 86_400_000;
    writeFileSync(
      soon,
      JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        issued_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 2 * day).toISOString(),
        issuers: [],
      }),
    );
    const warned = await doctor(['--trust', soon]);
    expect(
      find(warned.checks, 'trust-list')
        .map((c) => `${c.status}:${c.code}`)
        .sort(),
    ).toEqual(['warn:trust-list-expiring', 'warn:trust-list-unsigned']);
    expect(warned.code).toBe(0);
    const expired = join(work, 'expired.json');
    writeFileSync(
      expired,
      JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        expires_at: new Date(Date.now() - day).toISOString(),
        issuers: [],
      }),
    );
    const failed = await doctor(['--trust', expired]);
    expect(find(failed.checks, 'trust-list')[0]).toMatchObject({
      status: 'fail',
      code: expect.stringMatching(/^ERR_/),
    });
    expect(failed.code).toBe(1);
  });

  it('checks certificates: an issuer chain for another key or expired fails, one expiring within a month and an expiring anchor warn', async () => {
    const dir = join(work, 'certified');
    expect(
      await main([
        'node',
        'sanad',
        'issuer',
        'init',
        '--dir',
        dir,
        '--status-base-url',
        'https://status.example/c',
        '--json',
      ]),
    ).toBe(0);
    const key = publicJwkOf(await loadIssuerKeyFile(join(dir, ISSUER_KEY_FILE)));
    const now = Math.floor(Date.now() / 1000);
    const ca = await CertificateAuthority.create({
      subject: { commonName: 'Doctor root' },
      days: 20,
    });
    const leafFor = (publicJwk: JWK, days: number, notBefore = now - 86_400) =>
      ca.issue({
        subject: { commonName: 'Issuer' },
        publicJwk,
        days,
        notBefore,
        uris: ['https://issuer.example'],
      });
    const chainFile = join(dir, CERTIFICATE_CHAIN_FILE);
    const codes = async (pem: string, extra: string[] = []) => {
      writeFileSync(chainFile, pem);
      return find((await doctor(['--dir', dir, ...extra])).checks, 'certificate').map(
        (c) => `${c.status}:${c.code}`,
      );
    };
    expect(await codes(toPem(await leafFor(key, 10)))).toEqual(['warn:certificate-expiring']);
    expect(await codes(toPem(await leafFor(key, 5, now - 30 * 86_400)))).toEqual([
      'fail:certificate-expired',
    ]);
    expect(await codes(toPem(await leafFor((await generateKeyPair()).publicJwk, 10)))).toEqual([
      'fail:certificate-key-mismatch',
    ]);
    const long = await CertificateAuthority.create({
      subject: { commonName: 'Long root' },
      days: 3650,
    });
    writeFileSync(
      chainFile,
      toPem(
        await long.issue({
          subject: { commonName: 'Issuer' },
          publicJwk: key,
          days: 365,
          uris: ['https://issuer.example'],
        }),
      ),
    );
    expect(find((await doctor(['--dir', dir])).checks, 'certificate')).toEqual([
      expect.objectContaining({ status: 'ok', code: 'certificate-valid' }),
    ]);
    const trust = join(work, 'anchored.json');
    writeFileSync(
      trust,
      JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        issued_at: new Date().toISOString(),
        issuers: [],
        trust_anchors: [
          { name: 'Doctor root', certificate: ca.certificate, credential_types: ['x'] },
        ],
      }),
    );
    expect(
      find((await doctor(['--trust', trust])).checks, 'trust-list').map((c) => c.code),
    ).toContain('trust-anchor-expiring');
  });

  it('reports an installed package that an advisory names, from a fixture advisories file', async () => {
    const fixture = join(work, 'advisories.json');
    writeFileSync(
      fixture,
      JSON.stringify({
        advisories: [
          {
            package: 'commander',
            vulnerable: '>=14.0.0 <14.0.99',
            id: 'TEST-2026-0001',
            fixed_in: '14.0.99',
          },
          { package: 'commander', vulnerable: '<2.0.0', id: 'TEST-2026-0002', fixed_in: '2.0.0' },
        ],
      }),
    );
    const run = await doctor(['--advisories', fixture]);
    expect(find(run.checks, 'advisories')).toEqual([
      {
        check: 'advisories',
        status: 'fail',
        code: 'TEST-2026-0001',
        message: expect.stringMatching(
          /^commander 14\.0\.\d+ is affected by TEST-2026-0001: upgrade to 14\.0\.99/,
        ),
      },
    ]);
    expect(run.code).toBe(1);
  });

  it('refuses an advisories file it cannot read as bad input (exit 2)', async () => {
    const bad = join(work, 'bad-advisories.json');
    writeFileSync(
      bad,
      JSON.stringify({
        advisories: [{ package: 'x', vulnerable: 'soon', id: 'A', fixed_in: '1.0.0' }],
      }),
    );
    const saved = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await main(['node', 'sanad', 'doctor', '--advisories', bad, '--json'])).toBe(2);
    } finally {
      process.stdout.write = saved;
      process.exitCode = undefined;
    }
  });
});

describe('advisory ranges', () => {
  it('matches comparators, alternatives and pre-releases as semantic versions', () => {
    expect(inRange('0.19.9', '<0.20.0')).toBe(true);
    expect(inRange('0.20.0', '<0.20.0')).toBe(false);
    expect(inRange('0.20.0-alpha.1', '<0.20.0')).toBe(true);
    expect(inRange('1.5.0', '>=1.0.0 <1.4.2 || >=1.5.0 <1.5.3')).toBe(true);
    expect(inRange('1.4.2', '>=1.0.0 <1.4.2 || >=1.5.0 <1.5.3')).toBe(false);
    expect(inRange('10.0.0', '<9.0.0')).toBe(false);
    expect(() => parseAdvisories('{"advisories":[{"package":"p"}]}', 'f')).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
