/** Input caps: a real `sanad` process stops reading at MAX_INPUT_BYTES and refuses the input. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES } from './io.js';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = [
  '--conditions=@sanad/source',
  '--import',
  import.meta.resolve('tsx'),
  join(root, 'packages/cli/src/bin.ts'),
];
const work = mkdtempSync(join(tmpdir(), 'sanad-io-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trust = join(work, 'trust.json');
writeFileSync(trust, JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }));
const verifyArgs = (presentation: string): string[] => [
  'verify',
  '--presentation',
  presentation,
  '--trust',
  trust,
  '--nonce',
  'n',
  '--audience',
  'a',
  '--json',
];

/** Pipes up to `total` bytes into `sanad <args>`, as fast as it reads them; resolves when it exits. */
function pipeInto(
  args: string[],
  total: number,
): Promise<{ status: number | null; stdout: string; accepted: number }> {
  const child = spawn(process.execPath, [...cli, ...args], {
    cwd: work,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.resume();
  let accepted = 0;
  let closed = false;
  // The pipe's far end closing (EPIPE) is the point: the reader stopped.
  child.stdin.on('error', () => (closed = true));
  const chunk = Buffer.alloc(1024 * 1024, 0x41);
  const pump = (): void => {
    while (!closed && accepted < total) {
      accepted += chunk.length;
      if (!child.stdin.write(chunk)) return void child.stdin.once('drain', pump);
    }
    if (!closed) child.stdin.end();
  };
  pump();
  return new Promise((resolve) =>
    child.once('close', (status) => resolve({ status, stdout, accepted })),
  );
}

describe('input caps', () => {
  it('refuses standard input past the cap with exit 2 and ERR_INPUT_TOO_LARGE, without reading the rest', async () => {
    const total = 256 * 1024 * 1024;
    const run = await pipeInto(verifyArgs('-'), total);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: 'ERR_INPUT_TOO_LARGE', message: expect.any(String) },
    });
    // What the writer got rid of: the cap plus what the pipe and the last chunks hold, not the stream.
    expect(run.accepted).toBeLessThan(MAX_INPUT_BYTES + 16 * 1024 * 1024);
  });

  it('refuses a file past the cap, and reads one at the cap', () => {
    const big = join(work, 'big.txt');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    const refused = spawnSync(process.execPath, [...cli, ...verifyArgs(big)], {
      cwd: work,
      encoding: 'utf8',
      input: '',
    });
    expect(refused.status).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('ERR_INPUT_TOO_LARGE');
    truncateSync(big, MAX_INPUT_BYTES);
    const read = spawnSync(process.execPath, [...cli, ...verifyArgs(big)], {
      cwd: work,
      encoding: 'utf8',
      input: '',
    });
    // Read whole, then found to be no presentation at all.
    expect(JSON.parse(read.stdout).error.code).toBe('ERR_NOT_A_PRESENTATION');
  });
});
