/**
 * The upgrade path: folders and stores written by the previous release (fixtures made by
 * make-fixtures.sh with commit e0a19b8's own CLI) opened by this one. Each test works on a copy;
 * the committed fixtures are never written.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteServiceStore } from '@sanad/server';
import { runSanad } from '../support/sanad-cli.js';

const fixtures = join(import.meta.dirname, 'release-e0a19b8');
const PASSPHRASE = { SANAD_WALLET_PASSPHRASE: 'upgrade fixture passphrase' };
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const userVersion = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

let work: string;
const at = (...parts: string[]): string => join(work, ...parts);
/** When the release issued the fixtures: verification runs as of then, before any expiry. */
let fixtureTime: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sanad-upgrade-'));
  cpSync(fixtures, work, { recursive: true });
  fixtureTime = new Date(
    readJson<{ iat: number }>(at('presentations', 'amal-vc-jwt.request.json')).iat * 1000 + 60_000,
  ).toISOString();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('upgrading from release e0a19b8', () => {
  it('migrates the issuer register forward on open, and a second open changes nothing', async () => {
    const register = at('issuer', 'issuer.sqlite');
    expect(userVersion(register)).toBe(1);
    const listed = await runSanad(['issuer', 'list', '--dir', at('issuer'), '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(userVersion(register)).toBe(2);
    const before = readJson<unknown>(at('issuer-list.json'));
    expect(JSON.parse(listed.stdout)).toEqual(before);
    const again = await runSanad(['issuer', 'list', '--dir', at('issuer'), '--json']);
    expect(again.stdout).toBe(listed.stdout);
    expect(userVersion(register)).toBe(2);
  });

  it('verifies the old presentations with the current verifier: the VC-JWT accepted, the revoked SD-JWT VC refused', async () => {
    expect(
      (
        await runSanad([
          'verifier',
          'status-cache',
          'add',
          at('status'),
          '--status-cache',
          at('cache'),
          '--json',
        ])
      ).code,
    ).toBe(0);
    const verify = (name: string) =>
      runSanad([
        'verify',
        '--presentation',
        at('presentations', `${name}.json`),
        '--request',
        at('presentations', `${name}.request.json`),
        '--trust',
        at('trust.json'),
        '--status-cache',
        at('cache'),
        '--offline',
        '--now',
        fixtureTime,
        '--json',
      ]);
    const accepted = await verify('amal-vc-jwt');
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    const revoked = await verify('bassam-revoked');
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toContain('ERR_STATUS_REVOKED');
  });

  it('issues, revokes and publishes from the migrated folder', async () => {
    writeFileSync(
      at('claims.json'),
      JSON.stringify({
        given_name: 'Nour',
        family_name: 'Haddad',
        birthdate: '2001-07-02',
        nationality: 'SYR',
        case_number: 'UP-0003',
        age_over_18: true,
      }),
    );
    const issued = await runSanad([
      'issuer',
      'issue',
      '--dir',
      at('issuer'),
      '--type',
      'refugee-status',
      '--claims',
      at('claims.json'),
      '--holder',
      'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169',
      '--out',
      at('nour.json'),
      '--json',
    ]);
    expect(issued.code, issued.stderr).toBe(0);
    const { batchId } = JSON.parse(issued.stdout) as { batchId: string };
    expect(
      (await runSanad(['issuer', 'revoke', '--dir', at('issuer'), batchId, '--json'])).code,
    ).toBe(0);
    const published = await runSanad([
      'issuer',
      'status-list',
      '--dir',
      at('issuer'),
      '--out',
      at('status-new'),
      '--json',
    ]);
    expect(published.code, published.stderr).toBe(0);
    const { credentials } = JSON.parse(
      (await runSanad(['issuer', 'list', '--dir', at('issuer'), '--json'])).stdout,
    ) as { credentials: { batchId: string; status: string }[] };
    const statusOf = (batch: string): string[] =>
      credentials.filter((c) => c.batchId === batch).map((c) => c.status);
    expect(statusOf(batchId)).toEqual(['revoked']);
    // The old batches keep their status: Bassam's is still revoked, Amal's still valid.
    expect(
      statusOf(readJson<{ batchId: string }>(at('bundles', 'bassam-revoked.issued.json')).batchId),
    ).toEqual(['revoked']);
    expect(
      statusOf(readJson<{ batchId: string }>(at('bundles', 'amal-sd-jwt.issued.json')).batchId),
    ).toEqual(['valid', 'valid']);
  });

  it('opens the old wallet and lists its credentials, twice', async () => {
    const expected = readJson<unknown>(at('wallet-list.json'));
    const first = await runSanad(
      ['wallet', 'list', '--wallet', at('wallet.json'), '--json'],
      PASSPHRASE,
    );
    expect(first.code, first.stderr).toBe(0);
    const ids = (v: unknown): string[] =>
      [...JSON.stringify(v).matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!);
    expect(ids(JSON.parse(first.stdout))).toEqual(expect.arrayContaining(ids(expected)));
    const second = await runSanad(
      ['wallet', 'list', '--wallet', at('wallet.json'), '--json'],
      PASSPHRASE,
    );
    expect(second.stdout).toBe(first.stdout);
  });

  it('opens the old verifier service store (gaining the attempts column) with its open session', async () => {
    const { session_id, expires_at } = readJson<{ session_id: string; expires_at: number }>(
      at('verifier', 'session.json'),
    );
    const store = openSqliteServiceStore(at('verifier', 'verifier.sqlite'));
    try {
      // The store counts in seconds; the session was still open a second before it expired.
      const now = expires_at - 1;
      expect(await store.get('session', session_id, now)).toBeDefined();
      expect(await store.countAttempt('session', session_id, 3, now)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('opens the old issuer service store with its open offer', async () => {
    const { credential_offer_uri, expires_at } = readJson<{
      credential_offer_uri: string;
      expires_at: number;
    }>(at('issuer-offer.json'));
    const code = /pre-authorized_code%22%3A%22([A-Za-z0-9_-]+)%22/.exec(credential_offer_uri)![1]!;
    // Offers are stored under the SHA-256 of their pre-authorized code, in both releases.
    const store = openSqliteServiceStore(at('issuer', 'service.sqlite'));
    try {
      expect(
        await store.get(
          'offer',
          createHash('sha256').update(code).digest('base64url'),
          expires_at - 1,
        ),
      ).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('refuses a register written by a newer release, and leaves it as it is', async () => {
    const newer = at('newer');
    cpSync(at('issuer'), newer, { recursive: true });
    const db = new Database(join(newer, 'issuer.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    const run = await runSanad(['issuer', 'list', '--dir', newer, '--json']);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('ERR_STORAGE');
    expect(userVersion(join(newer, 'issuer.sqlite'))).toBe(99);
  });
});
