/**
 * Registration drives (issue 14, "Why" point 4): what the officer gives `sanad issuer
 * issue-batch` and what it refuses. Errors name the file's real line numbers; an existing
 * results file is never overwritten; a finished drive is never issued twice; a journal of
 * another input is refused. In-process CLI runs on a real SQLite register.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  holderDids,
  person,
  readResultsFile,
  registerBatches,
  writePeople,
} from '../support/drive.js';
import { runSanad } from '../support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-drive-input-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const issuerDir = join(work, 'issuer');
let holders: string[];

beforeAll(async () => {
  expect(
    (
      await runSanad([
        'issuer',
        'init',
        '--dir',
        issuerDir,
        '--status-base-url',
        'https://agency.example/status',
      ])
    ).code,
  ).toBe(0);
  holders = await holderDids(3);
});

const drive = (input: string, out: string, ...extra: string[]) =>
  runSanad([
    'issuer',
    'issue-batch',
    '--dir',
    issuerDir,
    '--type',
    'refugee-status',
    '--input',
    input,
    '--out',
    out,
    ...extra,
  ]);
const credentialsHeld = async (): Promise<number> =>
  [...(await registerBatches(issuerDir)).values()].flat().length;

describe('sanad issuer issue-batch', () => {
  it('errors name the real line number after blank lines, in CRLF input with a byte order mark', async () => {
    const ok = (n: number) => JSON.stringify({ holder: holders[0], claims: person(n) });
    const lines = [
      `\uFEFF${ok(1)}`, // 1: a spreadsheet export's byte order mark
      '', // 2
      '   ', // 3
      JSON.stringify({ holder: holders[1], claims: { given_name: 'No case number' } }), // 4
      ok(5), // 5
      'not json', // 6
      '', // 7
      ok(8), // 8, no line ending after it
    ];
    const input = join(work, 'crlf.jsonl');
    writeFileSync(input, lines.join('\r\n'));
    const run = await drive(input, join(work, 'crlf-results.jsonl'), '--json');
    expect(run.code).toBe(2);
    const summary = JSON.parse(run.stdout) as {
      error: { code: string };
      firstFailedLine: number;
      issued: number;
      failed: number;
      lines: number;
    };
    expect(summary).toMatchObject({
      error: { code: 'ERR_BATCH_INCOMPLETE' },
      firstFailedLine: 4,
      issued: 3,
      failed: 2,
      lines: 5,
    });
    const results = readResultsFile(join(work, 'crlf-results.jsonl'));
    expect(results.map((r) => [r.line, r.error?.code ?? 'issued'])).toEqual([
      [1, 'issued'],
      [4, 'ERR_CLAIMS_SCHEMA_MISMATCH'],
      [5, 'issued'],
      [6, 'ERR_INVALID_JSON'],
      [8, 'issued'],
    ]);
    const text = await drive(input, join(work, 'crlf-results-2.jsonl'));
    expect(text.stdout).toContain('first: line 4');
  });

  it('a results file that already exists is refused, never overwritten (ERR_OUTPUT_EXISTS)', async () => {
    const input = join(work, 'three.jsonl');
    writePeople(input, 3, holders);
    const out = join(work, 'earlier-results.jsonl');
    writeFileSync(out, '{"line":1,"batchId":"earlier","ids":[],"bundle":{}}\n');
    const before = await credentialsHeld();
    const run = await drive(input, out);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^sanad: .*earlier-results\.jsonl already exists.* \(ERR_OUTPUT_EXISTS\)\n$/,
    );
    expect(readFileSync(out, 'utf8')).toBe('{"line":1,"batchId":"earlier","ids":[],"bundle":{}}\n');
    expect(await credentialsHeld()).toBe(before);
  });

  it('a finished drive run again says it is complete and issues nothing', async () => {
    const input = join(work, 'finished.jsonl');
    writePeople(input, 4, holders, { blank: [2] });
    const out = join(work, 'finished-results.jsonl');
    expect((await drive(input, out)).code).toBe(0);
    const results = readFileSync(out);
    const held = await credentialsHeld();
    const again = await drive(input, out);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'is already complete (4 lines: 4 issued, 0 refused); nothing was issued',
    );
    const json = JSON.parse((await drive(input, out, '--json')).stdout) as {
      alreadyComplete: boolean;
      issuedNow: number;
      issued: number;
    };
    expect(json).toMatchObject({ alreadyComplete: true, issuedNow: 0, issued: 4 });
    expect(readFileSync(out).equals(results)).toBe(true);
    expect(await credentialsHeld()).toBe(held);
  });

  it('a changed input, type or format is refused with ERR_BATCH_JOURNAL_MISMATCH and the results are kept', async () => {
    const input = join(work, 'changing.jsonl');
    writePeople(input, 3, holders);
    const out = join(work, 'changing-results.jsonl');
    expect((await drive(input, out)).code).toBe(0);
    const results = readFileSync(out);
    const held = await credentialsHeld();

    writeFileSync(input, readFileSync(input, 'utf8').replace('Person 2', 'Person 2 corrected'));
    const changed = await drive(input, out, '--json');
    expect(changed.code).toBe(2);
    expect(JSON.parse(changed.stdout)).toEqual({
      error: {
        code: 'ERR_BATCH_JOURNAL_MISMATCH',
        message: expect.stringContaining('Give another --out'),
      },
    });
    // The message names files, never a claim value.
    expect(changed.stdout).not.toContain('Person');

    writePeople(input, 3, holders); // the original content again, another format
    expect((await drive(input, out, '--format', 'jwt_vc_json')).stderr).toContain(
      'ERR_BATCH_JOURNAL_MISMATCH',
    );
    expect(readFileSync(out).equals(results)).toBe(true);
    expect(await credentialsHeld()).toBe(held);
  });

  it('a drive another live process is running is refused (ERR_BATCH_IN_PROGRESS)', async () => {
    const input = join(work, 'busy.jsonl');
    writePeople(input, 2, holders);
    const out = join(work, 'busy-results.jsonl');
    const other = spawn('sleep', ['60']);
    try {
      writeFileSync(`${out}.lock`, String(other.pid));
      const run = await drive(input, out);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `Another sanad (process ${other.pid}) is running the drive writing ${out}`,
      );
      expect(run.stderr).toContain('(ERR_BATCH_IN_PROGRESS)');
    } finally {
      other.kill();
    }
    await new Promise((r) => other.once('close', r));
    // Its owner gone, the lock is stale: the drive takes it over, and removes it at the end.
    expect((await drive(input, out)).code).toBe(0);
    expect(() => readFileSync(`${out}.lock`)).toThrow();
  });
});
