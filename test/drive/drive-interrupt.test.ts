/**
 * Issue 14, "Why" point 4: Ctrl-C at 349/1,000 left 349 credentials issued to nobody, a hidden
 * temp file of 348 people's data and no message. Here a real `sanad` child process is stopped
 * with SIGINT and with SIGTERM mid-drive: it says how far it got, where the results are and how
 * to continue, leaves no temp file, keeps the results so far; the same command then finishes the
 * drive with every line issued exactly once.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectEachLineIssuedOnce,
  grownTo,
  holderDids,
  readResultsFile,
  spawnSanad,
  writePeople,
} from '../support/drive.js';
import { runSanad } from '../support/sanad-cli.js';
import { patient } from '../support/patience.js';

const LINES = 3000;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
let holders: string[];
beforeAll(async () => {
  holders = await holderDids(5);
});

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('an interrupted registration drive', () => {
  for (const { signal, json, exit } of [
    { signal: 'SIGINT', json: false, exit: 130 },
    { signal: 'SIGTERM', json: true, exit: 143 },
  ] as const) {
    it(
      `stopped with ${signal}${json ? ' (--json)' : ''}: exit ${exit}, a message, no temp file, results intact; the same command finishes it, each line issued once`,
      async () => {
        const work = mkdtempSync(join(tmpdir(), 'sanad-drive-signal-'));
        dirs.push(work);
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
        const lines = writePeople(join(work, 'people.jsonl'), LINES, holders, {
          blank: [3, 4, 1200],
          bad: [10],
        });
        // Relative paths, run from the drive's folder, as an officer types them.
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
          ...(json ? ['--json'] : []),
        ];
        const run = spawnSanad(args, work);
        await grownTo(join(work, 'results.jsonl'), 100_000, run); // some 40 people issued
        run.child.kill(signal);
        const stopped = await run.exited;

        expect(stopped.signal).toBeNull();
        expect(stopped.code).toBe(exit);
        noStack(stopped.stderr);
        const command =
          'sanad issuer issue-batch --dir issuer --type refugee-status --input people.jsonl --out results.jsonl';
        let done: number;
        if (json) {
          const summary = JSON.parse(stopped.stdout) as {
            error: { code: string };
            done: number;
            lines: number;
            stoppedBy: string;
            resume: string;
            out: string;
            complete: boolean;
          };
          expect(summary).toMatchObject({
            error: { code: 'ERR_BATCH_INTERRUPTED' },
            stoppedBy: 'SIGTERM',
            lines: LINES,
            complete: false,
            out: 'results.jsonl',
            resume: command,
          });
          done = summary.done;
        } else {
          expect(stopped.stderr).toMatch(/^sanad: .+ \(ERR_BATCH_INTERRUPTED\)$/m);
          expect(stopped.stdout).toContain('Stopped by Ctrl-C (SIGINT) after line ');
          expect(stopped.stdout).toContain('Results so far: results.jsonl (personal data');
          expect(stopped.stdout).toContain(`To continue: ${command}`);
          done = Number(
            /: ([\d,]+) of 3,000 lines done/.exec(stopped.stdout)![1]!.replace(/,/g, ''),
          );
        }
        expect(done).toBeGreaterThan(0);
        expect(done).toBeLessThan(LINES);

        // No temp file, no lock: the results and the journal are all there is; results are private.
        expect(readdirSync(work).sort()).toEqual([
          'issuer',
          'people.jsonl',
          'results.jsonl',
          'results.jsonl.journal',
        ]);
        expect(statSync(join(work, 'results.jsonl')).mode & 0o777).toBe(0o600);
        // The results so far: whole lines, in order, each issued one valid in the register.
        // Stopped after the current line, nothing was issued to nobody.
        const sofar = readResultsFile(join(work, 'results.jsonl'));
        expect(sofar).toHaveLength(done);
        expect(
          await expectEachLineIssuedOnce(sofar, lines.slice(0, done), join(work, 'issuer'), [10]),
        ).toBe(0);

        // An unfinished drive is not handed out unless asked.
        const refused = await runSanad([
          'issuer',
          'hand-out',
          '--results',
          join(work, 'results.jsonl'),
          '--out',
          join(work, 'handout'),
          '--json',
        ]);
        expect(refused.code).toBe(2);
        expect(JSON.parse(refused.stdout).error.code).toBe('ERR_BATCH_UNFINISHED');
        const partial = await runSanad([
          'issuer',
          'hand-out',
          '--results',
          join(work, 'results.jsonl'),
          '--out',
          join(work, 'handout'),
          '--unfinished',
          '--json',
        ]);
        expect(partial.code).toBe(0);
        expect(readdirSync(join(work, 'handout'))).toHaveLength(done - 1);

        // The same command continues: the rest is issued, nothing twice.
        const resumed = await spawnSanad([...args.filter((a) => a !== '--json'), '--json'], work)
          .exited; // a second process, as after Ctrl-C
        expect(resumed.code).toBe(2); // line 10 is refused
        expect(JSON.parse(resumed.stdout)).toMatchObject({
          resumed: true,
          complete: true,
          issued: LINES - 1,
          failed: 1,
          firstFailedLine: 10,
          issuedNow: LINES - done,
          error: { code: 'ERR_BATCH_INCOMPLETE' },
        });
        const all = readResultsFile(join(work, 'results.jsonl'));
        expect(await expectEachLineIssuedOnce(all, lines, join(work, 'issuer'), [10])).toBe(0);
        // `sanad issuer list` agrees: one valid batch per issued line, no other credential.
        const listed = JSON.parse(
          (await runSanad(['issuer', 'list', '--dir', join(work, 'issuer'), '--json'])).stdout,
        ) as { credentials: Array<{ id: string; batchId: string; status: string }> };
        expect(listed.credentials.every((c) => c.status === 'valid')).toBe(true);
        expect(listed.credentials.map((c) => c.id).sort()).toEqual(
          all.flatMap((r) => r.ids ?? []).sort(),
        );
        expect(new Set(listed.credentials.map((c) => c.batchId))).toEqual(
          new Set(all.filter((r) => r.batchId).map((r) => r.batchId)),
        );
        expect(readdirSync(work).sort()).toEqual([
          'handout',
          'issuer',
          'people.jsonl',
          'results.jsonl',
          'results.jsonl.journal',
        ]);
      },
      patient(180_000),
    );
  }
});
