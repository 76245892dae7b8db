/**
 * The file nonce store shared by `sanad verifier request` and `sanad verify`: several `sanad
 * verify` processes consuming from one file at once accept each nonce exactly once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileNonceStore } from './file-nonce-store.js';
import { patient } from '../../../test/support/patience.js';

const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-nonces-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NONCES = 120;
const PROCESSES = 6;

/** A process that waits for the `go` file, then consumes every nonce once, and prints how many it was given. */
function consumer(file: string, go: string): Promise<number> {
  const code = `
    import { existsSync } from 'node:fs';
    import { createFileNonceStore } from '@sanad/verifier';
    const store = createFileNonceStore(${JSON.stringify(file)});
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
    const order = Array.from({ length: ${NONCES} }, (_, i) => i).sort(() => Math.random() - 0.5);
    let accepted = 0;
    for (const i of order) if (await store.consume('nonce-' + i, Date.now() / 1000)) accepted += 1;
    console.log(accepted);`;
  const child = spawn(
    process.execPath,
    ['--conditions=@sanad/source', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (status) =>
      status === 0 ? resolve(Number(out.trim())) : reject(new Error(`consumer exited ${status}`)),
    ),
  );
}

describe('file nonce store', () => {
  it(
    `accepts each of ${NONCES} nonces exactly once across ${PROCESSES} processes consuming at the same moment`,
    async () => {
      const file = join(work, 'nonces.json');
      const store = createFileNonceStore(file);
      const expires = Date.now() / 1000 + 3600;
      for (let i = 0; i < NONCES; i += 1) await store.issue(`nonce-${i}`, expires);
      const go = join(work, 'go');
      const running = Array.from({ length: PROCESSES }, () => consumer(file, go));
      writeFileSync(go, '');
      const accepted = await Promise.all(running);
      expect(accepted.reduce((a, b) => a + b, 0)).toBe(NONCES);
      expect(await store.consume('nonce-0', Date.now() / 1000)).toBe(false);
      expect(existsSync(`${file}.lock`)).toBe(false);
    },
    patient(120_000),
  );

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = join(work, 'stale.json');
    const store = createFileNonceStore(file);
    await store.issue('n', Date.now() / 1000 + 60);
    // A pid that cannot be running (above the kernel's maximum).
    writeFileSync(`${file}.lock`, '4194305');
    expect(await store.consume('n', Date.now() / 1000)).toBe(true);
  });
});
