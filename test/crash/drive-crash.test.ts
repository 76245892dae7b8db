/**
 * Crash safety of a registration drive: a real `sanad issuer issue-batch` child process is
 * killed with SIGKILL at several points (start-up, resume, mid-chunk), and some kills are
 * followed by cutting the results file inside its last lines, as a power cut can leave it
 * (a torn last line, lines never flushed). After every kill no input line has two valid
 * batches and every credential issued is named in the journal; once the same command has run
 * to the end, each line has exactly one valid batch (the one in the results), every batch that
 * reached nobody is revoked, the results parse, and no stray file is left.
 *
 * SANAD_DRIVE_CRASH_KILLS sets the number of kills (default 8).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  expectEachLineIssuedOnce,
  grownTo,
  holderDids,
  readResultsFile,
  registerBatches,
  spawnSanad,
  writePeople,
} from '../support/drive.js';
import { runSanad } from '../support/sanad-cli.js';
import { patient } from '../support/patience.js';

const KILLS = Number(process.env.SANAD_DRIVE_CRASH_KILLS ?? 8);
const LINES = 2000;
const work = mkdtempSync(join(tmpdir(), 'sanad-drive-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FILES = ['issuer', 'people.jsonl', 'results.jsonl', 'results.jsonl.journal'];

/** The journal's documented records: line number of every batch id chosen before issuing. */
function journaledLines(): Map<string, number> {
  const lineOf = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(join(work, 'results.jsonl.journal'), 'utf8');
  } catch {
    return lineOf;
  }
  for (const record of text.split('\n').slice(1)) {
    const parsed = (() => {
      try {
        return JSON.parse(record) as { chunk?: Array<[number, string]> };
      } catch {
        return {}; // a torn last record
      }
    })();
    for (const [line, batchId] of parsed.chunk ?? []) lineOf.set(batchId, line);
  }
  return lineOf;
}

/** Cuts the results file at a random byte inside its last three lines; returns how many issued lines it removed. */
function cutResultsTail(): number {
  const path = join(work, 'results.jsonl');
  const text = readFileSync(path);
  const starts = [0];
  for (let i = text.indexOf(10); i !== -1 && i < text.length - 1; i = text.indexOf(10, i + 1))
    starts.push(i + 1);
  if (text.length === 0) return 0;
  const from = starts[Math.max(0, starts.length - 3)]!;
  const at = from + Math.floor(Math.random() * (text.length - from));
  const removed = text.subarray(starts.filter((s) => s <= at).pop()!).toString('utf8');
  truncateSync(path, at);
  return removed.split('\n').filter((l) => l.includes('"batchId"')).length;
}

it(
  `a registration drive killed ${KILLS} times with SIGKILL (some with a cut results tail) ends with each line issued exactly once`,
  async () => {
    expect(
      (
        await runSanad([
          'issuer',
          'init',
          '--dir',
          join(work, 'issuer'),
          '--status-base-url',
          'https://agency.example/status',
        ])
      ).code,
    ).toBe(0);
    const lines = writePeople(join(work, 'people.jsonl'), LINES, await holderDids(5), {
      blank: [2, 700, 1500],
      bad: [50],
    });
    const args = [
      'issuer',
      'issue-batch',
      '--dir',
      'issuer',
      '--type',
      'refugee-status',
      '--input',
      'people.jsonl',
      '--out',
      'results.jsonl',
      '--json',
    ];
    const size = (): number => {
      try {
        return statSync(join(work, 'results.jsonl')).size;
      } catch {
        return 0;
      }
    };

    let killed = 0;
    let cutIssued = 0;
    for (let life = 0; life < KILLS; life += 1) {
      const run = spawnSanad(args, work);
      const strategy = life % 4;
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // However fast the machine, a life issues some 50 lines at most: the drive never ends by itself.
      const farEnough = grownTo(join(work, 'results.jsonl'), size() + 200_000, run);
      if (strategy === 2) {
        // Anywhere: during start-up, while resuming (revoking), or while issuing.
        await Promise.race([sleep(Math.random() * 2000), farEnough]);
      } else {
        await grownTo(join(work, 'results.jsonl'), size() + 1, run); // issuing now
        if (strategy === 1) await Promise.race([sleep(Math.random() * 300), farEnough]);
      }
      run.child.kill('SIGKILL');
      const end = await run.exited;
      expect(end.signal, `life ${life} ended by itself: ${end.stdout}${end.stderr}`).toBe(
        'SIGKILL',
      );
      killed += 1;
      if (strategy === 3) cutIssued += cutResultsTail();

      // At every moment: each credential the register holds was journaled first, and no line has two valid batches.
      const lineOf = journaledLines();
      const validPerLine = new Map<number, number>();
      for (const [batchId, records] of await registerBatches(join(work, 'issuer'))) {
        expect(lineOf.has(batchId), `batch ${batchId} issued without a journal record`).toBe(true);
        if (records.every((r) => r.status === 'valid'))
          validPerLine.set(lineOf.get(batchId)!, (validPerLine.get(lineOf.get(batchId)!) ?? 0) + 1);
      }
      expect([...validPerLine.values()].every((n) => n === 1)).toBe(true);
      // Nothing but the drive's own files (a killed run's stale lock may remain; no temp file ever).
      expect(
        readdirSync(work).filter((f) => !FILES.includes(f) && f !== 'results.jsonl.lock'),
      ).toEqual([]);
    }
    expect(killed).toBe(KILLS);
    expect(cutIssued).toBeGreaterThan(0);

    const final = await spawnSanad(args, work).exited;
    expect(final.code, final.stderr).toBe(2); // line 50 is refused
    expect(JSON.parse(final.stdout)).toMatchObject({
      complete: true,
      issued: LINES - 1,
      failed: 1,
      error: { code: 'ERR_BATCH_INCOMPLETE' },
    });
    const revoked = await expectEachLineIssuedOnce(
      readResultsFile(join(work, 'results.jsonl')),
      lines,
      join(work, 'issuer'),
      [50],
    );
    // Every issued line the cuts removed had its batch in the register: each was revoked, then issued again.
    expect(revoked).toBeGreaterThanOrEqual(cutIssued);
    expect(readdirSync(work).sort()).toEqual(FILES);
    console.log(
      `drive crash test: ${killed} kills, ${cutIssued} issued result lines cut, ${revoked} batches revoked`,
    );
  },
  patient(600_000),
);
