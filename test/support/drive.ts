/**
 * Registration-drive test support: input files of people, the `sanad` CLI as a real child
 * process, and what the issuer's real SQLite register and the drive's files say afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { didKeyFromJwk, generateKeyPair, parseSdJwt } from '@sanad/core';
import { type IssuedCredentialRecord, openSqliteIssuerStore } from '@sanad/issuer';
import { expect } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Fresh holder DIDs (public halves only: nobody will present these credentials). */
export async function holderDids(count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async () => didKeyFromJwk((await generateKeyPair()).publicJwk)),
  );
}

export const person = (i: number) => ({
  given_name: `Person ${i}`,
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: `AMM-2026-${String(i).padStart(6, '0')}`,
  age_over_18: true,
});

/**
 * Writes a JSON Lines input of `count` people; `blank` are file line numbers left blank and
 * `bad` line numbers whose claims the schema refuses. Returns the non-blank line numbers.
 */
export function writePeople(
  path: string,
  count: number,
  holders: string[],
  options: { blank?: number[]; bad?: number[]; eol?: string } = {},
): number[] {
  const lines: string[] = [];
  const used: number[] = [];
  for (let n = 1; used.length < count; n += 1) {
    if (options.blank?.includes(n)) {
      lines.push('');
      continue;
    }
    used.push(n);
    const claims = options.bad?.includes(n) ? { given_name: 'No case number' } : person(n);
    lines.push(JSON.stringify({ holder: holders[n % holders.length], claims }));
  }
  writeFileSync(path, `${lines.join(options.eol ?? '\n')}${options.eol ?? '\n'}`);
  return used;
}

export interface Child {
  child: ChildProcess;
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** `sanad <args>` as a real child process (bin.ts through tsx, as a user runs it). */
export function spawnSanad(args: string[], cwd: string, env: Record<string, string> = {}): Child {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@sanad/source',
      '--import',
      import.meta.resolve('tsx'),
      join(root, 'packages/cli/src/bin.ts'),
      ...args,
    ],
    {
      cwd,
      env: { ...process.env, SANAD_PROGRESS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Resolves once `path` exists and holds at least `bytes` bytes (or the child has exited). */
export async function grownTo(path: string, bytes: number, child: Child): Promise<void> {
  let done = false;
  void child.exited.then(() => (done = true));
  while (!done) {
    const size = (() => {
      try {
        return statSync(path).size;
      } catch {
        return -1;
      }
    })();
    if (size >= bytes) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface ResultLine {
  line: number;
  batchId?: string;
  ids?: string[];
  bundle?: { format: string; credentials: string[] };
  error?: { code: string; message: string };
}

/** Every line of a results file, each of which must parse. */
export function readResultsFile(path: string): ResultLine[] {
  const text = readFileSync(path, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ResultLine);
}

/** The register's records grouped by batch. */
export async function registerBatches(
  issuerDir: string,
): Promise<Map<string, IssuedCredentialRecord[]>> {
  const store = openSqliteIssuerStore(join(issuerDir, 'issuer.sqlite'));
  try {
    const batches = new Map<string, IssuedCredentialRecord[]>();
    for (const r of await store.listCredentials())
      batches.set(r.batchId, [...(batches.get(r.batchId) ?? []), r]);
    return batches;
  } finally {
    await store.close();
  }
}

/**
 * The drive's end state is right: every non-blank line has exactly one result, in order; each
 * issued line has exactly one valid batch in the register — the one in the results, whose
 * copies carry the register's status indexes — and every other batch is revoked.
 * Returns how many batches were revoked.
 */
export async function expectEachLineIssuedOnce(
  results: ResultLine[],
  lines: number[],
  issuerDir: string,
  refusedLines: number[] = [],
): Promise<number> {
  expect(results.map((r) => r.line)).toEqual(lines);
  expect(results.filter((r) => r.error).map((r) => r.line)).toEqual(refusedLines);
  const batches = await registerBatches(issuerDir);
  const issued = results.filter((r) => r.batchId !== undefined);
  for (const r of issued) {
    const records = batches.get(r.batchId!);
    expect(records, `line ${r.line}`).toBeDefined();
    expect(
      records!.every((c) => c.status === 'valid'),
      `line ${r.line}`,
    ).toBe(true);
    expect(new Set(records!.map((c) => c.id))).toEqual(new Set(r.ids));
    const byId = new Map(records!.map((c) => [c.id, c]));
    r.bundle!.credentials.forEach((credential, i) => {
      const status = parseSdJwt(credential).jwt.payload.status as { status_list: { idx: number } };
      expect(status.status_list.idx).toBe(byId.get(r.ids![i]!)!.index);
    });
  }
  const resultBatches = new Set(issued.map((r) => r.batchId!));
  let revoked = 0;
  for (const [batchId, records] of batches) {
    if (resultBatches.has(batchId)) continue;
    expect(
      records.every((c) => c.status === 'revoked'),
      `batch ${batchId} reached nobody and must be revoked`,
    ).toBe(true);
    revoked += 1;
  }
  return revoked;
}
