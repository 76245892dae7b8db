/**
 * Floods from one client with the default defences: 10,000 unauthenticated requests to the
 * public endpoints, and session and offer creation on the operator API with a good token and
 * with bad ones. The flooding client is limited (429, ERR_RATE_LIMITED, Retry-After), what it can
 * make the services hold stays within its budget, and another client is answered throughout.
 * Counts and latencies are printed for the closing note; only bounds with margin are asserted.
 */
import { DEFAULT_RATE_LIMITS } from '@sanad/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  clientFrom,
  type DosServices,
  inParallel,
  OPERATOR_TOKEN,
  operatorHeaders,
  percentile,
  startDosServices,
  tally,
} from './support.js';

let services: DosServices;
beforeAll(async () => {
  services = await startDosServices();
});
afterAll(() => services.close());

/** The most a client could have had accepted in `seconds` from a budget. */
const allowance = (budget: { burst: number; perSecond: number }, seconds: number): number =>
  Math.ceil(budget.burst + budget.perSecond * seconds) + 1;

/** Runs `attack` while a legitimate client sends `legit` every 50 ms; latencies of the legitimate answers. */
async function whileAttacked<T>(
  attack: Promise<T>,
  legit: () => Promise<{ status: number; ms: number }>,
) {
  let over = false;
  const result = attack.finally(() => (over = true));
  const statuses: number[] = [];
  const ms: number[] = [];
  let allDuringAttack = true;
  while (!over) {
    const answer = await legit();
    statuses.push(answer.status);
    ms.push(answer.ms);
    allDuringAttack &&= !over || statuses.length > 1;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { result: await result, legit: { statuses, ms, allDuringAttack } };
}

it('limits 10,000 unauthenticated requests from one client; another client is answered meanwhile; held nonces stay within the budget', async () => {
  await services.takeHeldRecords();
  const attacker = clientFrom('127.0.0.30', 32);
  const wallet = clientFrom('127.0.0.31');
  const started = performance.now();
  const { result: answers, legit } = await whileAttacked(
    inParallel(10_000, 32, (i) =>
      attacker.send(
        'POST',
        i % 2 === 0 ? `${services.issuerUrl}/nonce` : `${services.issuerUrl}/token`,
        { body: 'grant_type=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ),
    ),
    () => wallet.send('POST', `${services.issuerUrl}/nonce`),
  );
  const seconds = (performance.now() - started) / 1000;
  attacker.close();
  wallet.close();
  const statuses = tally(answers.map((a) => a.status));
  const limited = answers.filter((a) => a.status === 429);
  console.log(
    `10,000 unauthenticated requests from one client in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)};` +
      ` legitimate client: ${legit.statuses.length} answers ${JSON.stringify(tally(legit.statuses))}, p50 ${percentile(legit.ms, 50).toFixed(0)} ms, max ${Math.max(...legit.ms).toFixed(0)} ms`,
  );
  expect(answers.length - limited.length).toBeLessThanOrEqual(
    allowance(DEFAULT_RATE_LIMITS.public, seconds),
  );
  expect(limited.length).toBeGreaterThan(5_000);
  expect(JSON.parse(limited[0]!.body)).toEqual({
    error: 'rate_limited',
    error_description: expect.any(String),
    sanad_code: 'ERR_RATE_LIMITED',
  });
  expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  // The legitimate client was answered, while the flood went on.
  expect(legit.statuses.length).toBeGreaterThan(0);
  expect(legit.statuses.every((s) => s === 200)).toBe(true);
  expect(legit.allDuringAttack).toBe(true);
  // Every c_nonce held came from an accepted request.
  expect(await services.takeHeldRecords()).toBeLessThanOrEqual(
    statuses[200]! + legit.statuses.length,
  );
}, 120_000);

it('limits a flood of session and offer creation with a good token; another desk keeps working; held state stays within the budget', async () => {
  await services.takeHeldRecords();
  const script = clientFrom('127.0.0.40', 16);
  const desk = clientFrom('127.0.0.41');
  const started = performance.now();
  const { result: answers, legit } = await whileAttacked(
    inParallel(2_000, 16, (i) =>
      i % 2 === 0
        ? script.send('POST', `${services.verifierUrl}/operator/sessions`, {
            headers: operatorHeaders(),
            body: { preset: 'over-18' },
          })
        : script.send('POST', `${services.issuerUrl}/operator/offers`, {
            headers: operatorHeaders(),
            body: { type: 'refugee-status', claims: amal },
          }),
    ),
    () =>
      desk.send('POST', `${services.verifierUrl}/operator/sessions`, {
        headers: operatorHeaders(),
        body: { preset: 'over-18' },
      }),
  );
  const seconds = (performance.now() - started) / 1000;
  script.close();
  desk.close();
  const statuses = tally(answers.map((a) => a.status));
  const created = statuses[201] ?? 0;
  console.log(
    `2,000 session and offer creations from one client in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)};` +
      ` another desk: ${legit.statuses.length} sessions ${JSON.stringify(tally(legit.statuses))}, p50 ${percentile(legit.ms, 50).toFixed(0)} ms, max ${Math.max(...legit.ms).toFixed(0)} ms`,
  );
  // Two services, each with its own budget for this client.
  expect(created).toBeLessThanOrEqual(2 * allowance(DEFAULT_RATE_LIMITS.operator, seconds));
  expect(statuses[429]).toBeGreaterThan(0);
  expect(legit.statuses.every((s) => s === 201)).toBe(true);
  expect(legit.allDuringAttack).toBe(true);
  // What the services hold: one record per created session or offer (and their nonces), nothing for refused ones.
  expect(await services.takeHeldRecords()).toBeLessThanOrEqual(
    2 * (created + legit.statuses.length),
  );
}, 120_000);

it('locks out a client guessing operator tokens after a few failures, without locking out the desk elsewhere', async () => {
  const guesser = clientFrom('127.0.0.50', 16);
  const desk = clientFrom('127.0.0.51');
  const answers = await inParallel(1_000, 16, (i) =>
    guesser.send('POST', `${services.verifierUrl}/operator/sessions`, {
      headers: operatorHeaders(`guess-${i}-${'x'.repeat(24)}`),
      body: { preset: 'over-18' },
    }),
  );
  const statuses = tally(answers.map((a) => a.status));
  const deskAnswer = await desk.send('GET', `${services.verifierUrl}/operator/presets`, {
    headers: operatorHeaders(),
  });
  // The guesser's address now waits, even with the right token.
  const guesserWithToken = await guesser.send('GET', `${services.verifierUrl}/operator/presets`, {
    headers: operatorHeaders(OPERATOR_TOKEN),
  });
  guesser.close();
  desk.close();
  console.log(
    `1,000 bad operator tokens from one client: ${JSON.stringify(statuses)}; desk on another address: ${deskAnswer.status} in ${deskAnswer.ms.toFixed(0)} ms`,
  );
  expect(statuses[401]).toBeLessThanOrEqual(DEFAULT_RATE_LIMITS.operatorFailures.burst + 1);
  expect(statuses[429]).toBeGreaterThanOrEqual(
    1_000 - DEFAULT_RATE_LIMITS.operatorFailures.burst - 1,
  );
  expect(deskAnswer.status).toBe(200);
  expect(guesserWithToken.status).toBe(429);
}, 120_000);
