/**
 * Issuance at agency scale through the CLI: `sanad issuer issue-batch` streams a JSON Lines file
 * of 100,000 people, shows a progress bar, and its peak memory does not grow with the batch
 * (compared with a 10,000-line run of the same command).
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateKeyPair, didKeyFromJwk, parseSdJwt } from '@sanad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { patient } from '../support/patience.js';

const root = join(import.meta.dirname, '..', '..');

function sanad(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@sanad/source',
      '--import',
      import.meta.resolve('tsx'),
      '--import',
      join(root, 'test/support/report-max-rss.mjs'),
      join(root, 'packages/cli/src/bin.ts'),
      ...args,
    ],
    {
      env: { ...process.env, SANAD_PROGRESS: '1' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

const maxRssMiB = (stderr: string): number => Number(/max-rss-kib (\d+)/.exec(stderr)![1]) / 1024;

describe('batch issuance through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-batch-'));
  let holders: string[];

  beforeAll(async () => {
    expect(
      (
        await sanad([
          'issuer',
          'init',
          '--dir',
          join(dir, 'issuer'),
          '--status-base-url',
          'https://agency.example/status',
        ])
      ).code,
    ).toBe(0);
    holders = await Promise.all(
      Array.from({ length: 50 }, async () => didKeyFromJwk((await generateKeyPair()).publicJwk)),
    );
  });

  function people(count: number, bad: number[] = []): string {
    const file = join(dir, `people-${count}.jsonl`);
    const lines = Array.from({ length: count }, (_, i) =>
      bad.includes(i + 1)
        ? JSON.stringify({
            holder: holders[i % holders.length],
            claims: { given_name: 'No case number' },
          })
        : JSON.stringify({
            holder: holders[i % holders.length],
            claims: {
              given_name: `Person ${i}`,
              family_name: 'Haddad',
              birthdate: '1994-03-12',
              nationality: 'SYR',
              case_number: `AMM-2026-${String(i).padStart(6, '0')}`,
              age_over_18: true,
            },
          }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  it(
    'issues 100,000 credentials with a progress bar and flat memory',
    async () => {
      const small = await sanad([
        'issuer',
        'issue-batch',
        '--dir',
        join(dir, 'issuer'),
        '--type',
        'refugee-status',
        '--input',
        people(10_000),
        '--out',
        join(dir, 'out-10k.jsonl'),
        '--json',
      ]);
      expect(small.code, small.stderr).toBe(0);
      const large = await sanad([
        'issuer',
        'issue-batch',
        '--dir',
        join(dir, 'issuer'),
        '--type',
        'refugee-status',
        '--input',
        people(100_000),
        '--out',
        join(dir, 'out-100k.jsonl'),
        '--json',
      ]);
      expect(large.code, large.stderr).toBe(0);
      const summary = JSON.parse(large.stdout) as {
        issued: number;
        failed: number;
        perSecond: number;
        seconds: number;
      };
      expect(summary).toMatchObject({ issued: 100_000, failed: 0 });

      // Memory: ten times the lines, about the same peak.
      const [smallRss, largeRss] = [maxRssMiB(small.stderr), maxRssMiB(large.stderr)];
      console.log(
        `issue-batch: 100,000 in ${summary.seconds} s (${summary.perSecond}/s); peak RSS ${smallRss.toFixed(0)} MiB for 10,000, ${largeRss.toFixed(0)} MiB for 100,000`,
      );
      expect(largeRss).toBeLessThan(Math.min(smallRss * 1.6, 400));

      // The output: every line, in order, each a real credential with its own status index.
      let n = 0;
      const indexes = new Set<number>();
      for await (const text of createInterface({
        input: createReadStream(join(dir, 'out-100k.jsonl')),
      })) {
        const line = JSON.parse(text) as { line: number; bundle: { credentials: string[] } };
        n += 1;
        expect(line.line).toBe(n);
        if (n % 1000 === 0)
          indexes.add(
            (
              parseSdJwt(line.bundle.credentials[0]!).jwt.payload.status as {
                status_list: { idx: number };
              }
            ).status_list.idx,
          );
      }
      expect(n).toBe(100_000);
      expect(indexes.size).toBe(100);
    },
    patient(300_000),
  );

  it('shows progress, writes refused lines with their error and exits 2 when a line is refused', async () => {
    const run = await sanad([
      'issuer',
      'issue-batch',
      '--dir',
      join(dir, 'issuer'),
      '--type',
      'refugee-status',
      '--input',
      people(50, [7, 30]),
      '--out',
      join(dir, 'out-bad.jsonl'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Issuing \[=+\] 50\/50 {2}100%/);
    expect(run.stderr).toContain('ERR_BATCH_INCOMPLETE');
    expect(run.stdout).toContain('2 line(s) refused');
    const lines = (await import('node:fs'))
      .readFileSync(join(dir, 'out-bad.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; error?: { code: string } });
    expect(lines).toHaveLength(50);
    expect(lines.filter((l) => l.error).map((l) => [l.line, l.error!.code])).toEqual([
      [7, 'ERR_CLAIMS_SCHEMA_MISMATCH'],
      [30, 'ERR_CLAIMS_SCHEMA_MISMATCH'],
    ]);
  });
});
