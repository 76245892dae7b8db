/**
 * Crash safety: real child processes write to a wallet file and an issuer SQLite register
 * (keys, issuance, import, presentation with history, revocation) and are killed with SIGKILL
 * at random moments. After every kill: both stores open, everything acknowledged before the
 * kill is there, and nothing is half-written.
 *
 * SANAD_CRASH_KILLS sets the number of kills (default 200; `pnpm fuzz` runs more).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { generateKeyPair, type JWK } from '@sanad/core';
import { openSqliteIssuerStore } from '@sanad/issuer';
import { createWallet, openWallet } from '@sanad/wallet';
import { openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOW_COST_WALLET as LOW } from '../support/fixtures.js';
import { patient } from '../support/patience.js';

const KILLS = Number(process.env.SANAD_CRASH_KILLS ?? 200);
const LANES = 4;
const PASS = 'crash test passphrase';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The writer is bundled once (esbuild, ~1 s) so each of the hundreds of lives starts in ~0.2 s
// instead of ~1.8 s through tsx; it is the same source. Beside node_modules, so better-sqlite3 resolves.
const WRITER = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'sanad-crash',
  'crash-writer.mjs',
);
beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, '..', 'support', 'crash-writer.mts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: WRITER,
    conditions: ['@sanad/source'],
    external: ['better-sqlite3'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as sanadCreateRequire } from 'node:module'; const require = sanadCreateRequire(import.meta.url);",
    },
  });
}, patient(60_000));

/** What the writers acknowledged, across all their lives. */
interface Acked {
  keys: number;
  issued: Set<string>;
  imported: Set<string>;
  presented: number;
  revoked: Set<string>;
}

/**
 * Runs one writer life: waits until it is ready (and, with `afterFirstWrite`, until it has
 * acknowledged a write, so a slow machine still gets past warm-up), lets it work for `ms`, kills it.
 */
async function oneLife(
  dir: string,
  issuerJwk: JWK,
  ms: number,
  acked: Acked,
  afterFirstWrite: boolean,
): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WRITER,
      dir,
      PASS,
      JSON.stringify({ kdfParams: LOW.kdfParams, kdfPolicy: LOW.kdfPolicy }),
      JSON.stringify(issuerJwk),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const lines = createInterface({ input: child.stdout! });
  const closed = new Promise<void>((resolve) => lines.once('close', resolve));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let wrote!: () => void;
  const firstWrite = new Promise<void>((resolve) => (wrote = resolve));
  lines.on('line', (line) => {
    const [kind, value] = line.split(' ') as [string, string];
    if (kind !== 'ready') wrote();
    if (kind === 'ready') ready();
    else if (kind === 'keys') acked.keys += Number(value);
    else if (kind === 'issued') acked.issued.add(value);
    else if (kind === 'imported') acked.imported.add(value);
    else if (kind === 'presented') acked.presented += 1;
    else if (kind === 'revoked') acked.revoked.add(value);
  });
  await Promise.race([
    isReady,
    exited.then((code) =>
      Promise.reject(new Error(`writer exited ${code} before ready: ${stderr}`)),
    ),
  ]);
  if (afterFirstWrite) await Promise.race([firstWrite, exited]);
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  await exited;
  // Lines already written to the pipe before the kill are acknowledgements too.
  await closed;
}

/** Everything acknowledged is there, and nothing is half-written. */
async function check(dir: string, acked: Acked): Promise<void> {
  const storage = await openFileStorage(join(dir, 'wallet.json'));
  const wallet = await openWallet(storage, PASS, LOW);
  const held = new Map(wallet.list().map((c) => [c.id, c]));
  for (const id of acked.imported) expect(held.has(id)).toBe(true);
  for (const c of held.values()) expect(c.copies).toBe(2); // a bundle is imported whole or not at all
  const history = wallet.history();
  expect(history.length).toBeGreaterThanOrEqual(acked.presented);
  for (const entry of history) expect(held.has(entry.credentialId)).toBe(true);
  // Temp files of writes the kill interrupted are removed when the wallet is opened.
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  await wallet.close();

  const db = new Database(join(dir, 'issuer.sqlite'));
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  const store = openSqliteIssuerStore(join(dir, 'issuer.sqlite'));
  const records = await store.listCredentials();
  const byBatch = new Map<string, typeof records>();
  for (const r of records) byBatch.set(r.batchId, [...(byBatch.get(r.batchId) ?? []), r]);
  for (const batch of acked.issued) expect(byBatch.get(batch)?.length).toBe(2);
  for (const batch of byBatch.values()) expect(batch.length).toBe(2); // a batch is recorded whole or not at all
  for (const batch of acked.revoked)
    expect(byBatch.get(batch)!.every((r) => r.status === 'revoked')).toBe(true);
  expect(new Set(records.map((r) => `${r.listId}:${r.index}`)).size).toBe(records.length);
  await store.close();
}

it(
  `wallet and issuer register survive ${KILLS} SIGKILLs at random moments`,
  async () => {
    const issuerJwk = (await generateKeyPair('ES256')).privateJwk;
    const lanes = await Promise.all(
      Array.from({ length: LANES }, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sanad-crash-'));
        dirs.push(dir);
        const storage = await openFileStorage(join(dir, 'wallet.json'));
        await createWallet(storage, PASS, LOW);
        await storage.close!();
        return {
          dir,
          acked: {
            keys: 0,
            issued: new Set<string>(),
            imported: new Set<string>(),
            presented: 0,
            revoked: new Set<string>(),
          },
        };
      }),
    );
    let kills = 0;
    await Promise.all(
      lanes.map(async ({ dir, acked }, lane) => {
        for (let life = lane; life < KILLS; life += LANES) {
          // The first operation of a life takes ~200 ms on an idle machine (warm-up), longer on a busy
          // one: every fourth life is killed counting from ready (often during warm-up), the others
          // counting from their first acknowledged write, so every machine makes progress.
          await oneLife(
            dir,
            issuerJwk,
            100 + Math.floor(Math.random() * 900),
            acked,
            life % 4 !== 0,
          );
          kills += 1;
          await check(dir, acked);
        }
      }),
    );
    expect(kills).toBe(KILLS);
    const total = lanes.reduce((n, l) => n + l.acked.imported.size, 0);
    // The writers made progress between kills: the checks above were about real data. How much
    // depends on the machine's load, so the bar is that every kind of write was acknowledged and
    // checked, not a rate.
    expect(total).toBeGreaterThan(0);
    for (const kind of ['issued', 'revoked'] as const)
      expect(lanes.reduce((n, l) => n + l.acked[kind].size, 0)).toBeGreaterThan(0);
    expect(lanes.reduce((n, l) => n + l.acked.presented, 0)).toBeGreaterThan(0);
    console.log(
      `crash test: ${kills} kills; acknowledged ${total} imports, ${lanes.reduce((n, l) => n + l.acked.presented, 0)} presentations, ${lanes.reduce((n, l) => n + l.acked.issued.size, 0)} issuances, ${lanes.reduce((n, l) => n + l.acked.revoked.size, 0)} revocations`,
    );
  },
  patient(900_000),
);
