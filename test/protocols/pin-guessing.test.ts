/**
 * Guessing an offer's transaction code (PIN) in parallel, across two `sanad issuer serve`
 * processes on one database: every guess reserves an attempt before it is compared, so of 200
 * concurrent guesses — the right PIN among them — at most 5 are ever compared, whatever the
 * storage and the number of instances. [OpenID4VCI 1.0 section 13.6.2 (transaction code brute
 * force); CWE-307; docs/threat-model.md T17]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresSchema } from '../support/postgres.js';
import {
  killServices,
  type RunningService,
  sanadSync,
  startService,
} from '../support/sanad-process.js';

const MAX_ATTEMPTS = 5;
const GUESSES = 200;
const token = 'operator-token-for-pin-tests-0123456789';
const amal = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'LB-1',
  age_over_18: true,
};
const work = mkdtempSync(join(tmpdir(), 'sanad-pin-'));
afterAll(() => {
  killServices();
  rmSync(work, { recursive: true, force: true });
});

interface Outcome {
  status: number;
  code: string | undefined;
  /** Present only on guesses that were compared and wrong. */
  sanadAttemptsLeft: number | undefined;
}

async function guess(base: string, code: string, pin: string): Promise<Outcome> {
  const body = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
    'pre-authorized_code': code,
    tx_code: pin,
  });
  const r = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await r.json()) as { sanad_code?: string; sanad_attempts_left?: number };
  return { status: r.status, code: json.sanad_code, sanadAttemptsLeft: json.sanad_attempts_left };
}

/** 200 parallel guesses spread over the instances, the right PIN at `rightAt`. */
async function attack(instances: string[], rightAt: number): Promise<Outcome[]> {
  const created = await fetch(`${instances[0]}/operator/offers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'refugee-status', claims: amal }),
  });
  expect(created.status).toBe(201);
  const offer = (await created.json()) as { offer_link: string; tx_code: string };
  const grant = JSON.parse(new URL(offer.offer_link).searchParams.get('credential_offer')!).grants[
    'urn:ietf:params:oauth:grant-type:pre-authorized_code'
  ];
  const wrong = (i: number): string =>
    String((Number(offer.tx_code) + 1 + i) % 1_000_000).padStart(6, '0');
  return Promise.all(
    Array.from({ length: GUESSES }, (_, i) =>
      guess(
        instances[i % instances.length]!,
        grant['pre-authorized_code'],
        i === rightAt ? offer.tx_code : wrong(i),
      ),
    ),
  );
}

function expectAtMostFiveCompared(outcomes: Outcome[]): void {
  const accepted = outcomes.filter((o) => o.status === 200);
  const left = outcomes
    .filter((o) => o.sanadAttemptsLeft !== undefined)
    .map((o) => o.sanadAttemptsLeft!);
  expect(accepted.length).toBeLessThanOrEqual(1);
  // Each compared guess used its own attempt; all 5 were used unless the right PIN took the offer first.
  expect(new Set(left).size).toBe(left.length);
  expect(left.every((n) => n >= 0 && n < MAX_ATTEMPTS)).toBe(true);
  if (accepted.length === 0) expect(left.length).toBe(MAX_ATTEMPTS);
  else expect(left.length).toBeLessThan(MAX_ATTEMPTS);
  // Everything else was refused before any comparison.
  const refused = outcomes.filter((o) => o.status !== 200 && o.sanadAttemptsLeft === undefined);
  expect(refused.length).toBe(GUESSES - accepted.length - left.length);
  // One client sent every guess, so past its wrong-PIN budget it is told to wait (ERR_RATE_LIMITED).
  expect(
    refused.every(
      (o) =>
        o.code === 'ERR_OFFER_LOCKED' ||
        o.code === 'ERR_OFFER_EXPIRED' ||
        o.code === 'ERR_RATE_LIMITED',
    ),
  ).toBe(true);
}

function describeGuessing(
  name: string,
  serveArgs: () => string[],
  initArgs: () => string[],
  env: () => Record<string, string> = () => ({}),
) {
  describe(`PIN guesses against two instances (${name})`, () => {
    let services: RunningService[] = [];
    const instances: string[] = [];

    it('compares at most 5 of 200 concurrent guesses, the right PIN at position 100, 133 or 166', async () => {
      expect(
        sanadSync(
          [
            'issuer',
            'init',
            ...initArgs(),
            '--status-base-url',
            `https://agency.example/status/${name}`,
          ],
          { cwd: work },
        ).status,
      ).toBe(0);
      services = await Promise.all(
        [0, 1].map(() =>
          startService(
            [
              'issuer',
              'serve',
              ...serveArgs(),
              '--base-url',
              'http://127.0.0.1:1',
              '--allow-http',
              '--port',
              '0',
            ],
            { cwd: work, env: { SANAD_OPERATOR_TOKEN: token, ...env() } },
          ),
        ),
      );
      instances.push(...services.map((s) => String(s.info.listening)));
      for (const rightAt of [100, 133, 166])
        expectAtMostFiveCompared(await attack(instances, rightAt));
      for (const s of services) expect(await s.stop()).toBe(0);
    });
  });
}

describeGuessing(
  'SQLite',
  () => ['--dir', 'agency-sqlite'],
  () => ['--dir', 'agency-sqlite'],
);

describeWithPostgres('PostgreSQL', (url) => {
  const schema = postgresSchema();
  describeGuessing(
    'PostgreSQL',
    () => ['--dir', 'agency-pg'],
    () => ['--dir', 'agency-pg', '--database', url, '--schema', schema],
    // The folder records where its register is, without the password.
    () => ({ PGPASSWORD: new URL(url).password }),
  );
});
