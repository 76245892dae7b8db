import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceFile, tryLockFile } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'sanad-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Above the kernel's largest pid: a process that cannot be running.
const DEAD = 4_194_305;

describe('tryLockFile', () => {
  it('takes a free lock holding this process id, and reports a lock a live process holds', async () => {
    const path = join(dir, 'a.lock');
    const lock = await tryLockFile(path);
    expect('release' in lock).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    writeFileSync(path, String(process.ppid));
    expect(await tryLockFile(path)).toEqual({ heldBy: process.ppid });
    writeFileSync(path, String(process.pid));
    if ('release' in lock) await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a dead process's lock and clears the drafts killed processes left", async () => {
    const path = join(dir, 'b.lock');
    writeFileSync(path, String(DEAD));
    writeFileSync(`${path}.${DEAD}.0a1b2c3d`, String(DEAD));
    const lock = await tryLockFile(path);
    expect('release' in lock).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('b.lock'))).toEqual(['b.lock']);
  });
});

describe('replaceFile', () => {
  it('replaces a file whole with the given mode, creating the folder, and leaves no temp file', async () => {
    const path = join(dir, 'sub', 'x.json');
    await replaceFile(path, '{"a":1}', 0o600);
    await replaceFile(path, '{"a":2}', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['x.json']);
  });
});
