/**
 * Slow clients (slowloris): 500 connections that send their headers a line at a time and never
 * finish, and 500 that send a body a byte at a time. The server's header and request timeouts
 * (short here, 1 s and 2 s) close every one of them, while another client keeps being answered
 * and nothing the slow clients sent is acted on. Timings are printed, not asserted.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientFrom, type DosServices, percentile, startDosServices } from './support.js';

const SLOW = 500;
let services: DosServices;

beforeAll(async () => {
  services = await startDosServices({
    limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, checkIntervalMs: 100 },
  });
});
afterAll(() => services.close());

/** Opens `count` connections from `localAddress` that trickle `head` then `drip` forever; resolves with each one's open time once the server has closed them all. */
async function slowConnections(
  url: string,
  localAddress: string,
  count: number,
  head: string,
  drip: string,
): Promise<{ openMs: number[]; answers: string[] }> {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  const closed = Array.from(
    { length: count },
    (_, i) =>
      new Promise<{ ms: number; answer: string }>((resolve) => {
        const started = performance.now();
        const socket = connect({ host: hostname, port: Number(port), localAddress }, () =>
          socket.write(head),
        );
        sockets.push(socket);
        let answer = '';
        const dripper = setInterval(() => socket.writable && socket.write(drip), 250);
        socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(dripper);
          resolve({ ms: performance.now() - started, answer: answer.split('\r\n')[0] ?? '' });
        });
        void i;
      }),
  );
  const results = await Promise.all(closed);
  return { openMs: results.map((r) => r.ms), answers: results.map((r) => r.answer) };
}

/** Requests from a well-behaved client until `done` settles; their latencies. */
async function legitimateWhile(
  done: Promise<unknown>,
  send: () => Promise<{ status: number; ms: number }>,
): Promise<{ statuses: number[]; ms: number[]; finishedFirst: boolean }> {
  let over = false;
  void done.then(() => (over = true));
  const statuses: number[] = [];
  const ms: number[] = [];
  let finishedFirst = false;
  // A few requests spread over the attack; each one completes while the attack is still on.
  for (let i = 0; i < 5 && !over; i += 1) {
    const answer = await send();
    statuses.push(answer.status);
    ms.push(answer.ms);
    finishedFirst ||= !over;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { statuses, ms, finishedFirst };
}

it('closes 500 connections that never finish their headers, and keeps answering others meanwhile', async () => {
  const legit = clientFrom('127.0.0.2');
  const attack = slowConnections(
    services.issuerUrl,
    '127.0.0.11',
    SLOW,
    'GET /jwks HTTP/1.1\r\nHost: issuer\r\n',
    'X-Slow: 1\r\n',
  );
  const during = await legitimateWhile(attack, () =>
    legit.send('POST', `${services.issuerUrl}/nonce`),
  );
  const { openMs, answers } = await attack;
  legit.close();
  console.log(
    `slowloris headers: ${SLOW} connections closed by the server after p50 ${percentile(openMs, 50).toFixed(0)} ms, max ${Math.max(...openMs).toFixed(0)} ms` +
      ` (headersTimeout 1 s); legitimate client meanwhile: ${during.statuses.length} answers ${during.statuses.join(',')}, latency max ${Math.max(...during.ms).toFixed(0)} ms`,
  );
  expect(openMs).toHaveLength(SLOW);
  // The server closed each one, at most after a refusal (408, or 400 when the timeout cut a header line).
  expect(answers.filter((a) => a !== '' && !/^HTTP\/1\.1 40[08] /.test(a))).toEqual([]);
  expect(during.statuses.length).toBeGreaterThan(0);
  expect(during.statuses.every((s) => s === 200)).toBe(true);
  expect(during.finishedFirst).toBe(true);
}, 60_000);

it('closes 500 connections that trickle their bodies, acts on none of them, and leaks no place in the queue', async () => {
  const legit = clientFrom('127.0.0.2');
  await services.takeHeldRecords();
  // A token request whose form body (100 kB announced) arrives a byte every 250 ms.
  const head =
    'POST /token HTTP/1.1\r\nHost: issuer\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ngrant_type=';
  // Spread over five addresses so that all of them get past the rate limits into the handler.
  const attack = Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      slowConnections(services.issuerUrl, `127.0.0.${20 + i}`, SLOW / 5, head, 'a'),
    ),
  );
  const during = await legitimateWhile(attack, () =>
    legit.send('GET', `${services.issuerUrl}/.well-known/openid-credential-issuer`),
  );
  const openMs = (await attack).flatMap((r) => r.openMs);
  const after = await legit.send('POST', `${services.issuerUrl}/nonce`);
  legit.close();
  console.log(
    `slow bodies: ${SLOW} connections closed by the server after p50 ${percentile(openMs, 50).toFixed(0)} ms, max ${Math.max(...openMs).toFixed(0)} ms` +
      ` (requestTimeout 2 s); legitimate client meanwhile: ${during.statuses.length} answers ${during.statuses.join(',')}, latency max ${Math.max(...during.ms).toFixed(0)} ms`,
  );
  expect(openMs).toHaveLength(SLOW);
  expect(during.statuses.length).toBeGreaterThan(0);
  expect(during.statuses.every((s) => s === 200)).toBe(true);
  expect(during.finishedFirst).toBe(true);
  // Every aborted request gave its place back: the service still admits requests.
  expect(after.status).toBe(200);
  // Nothing was redeemed or stored for the slow requests (and a c_nonce is stateless: no record).
  expect(await services.takeHeldRecords()).toBe(0);
}, 60_000);
