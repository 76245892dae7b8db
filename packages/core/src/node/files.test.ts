import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFile, moveFile, replaceFile, tryLockFile } from './files.js';

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

describe('createFile', () => {
  it('creates a new file whole with the given mode, and never replaces one already there', async () => {
    const path = join(dir, 'new', 'key.json');
    await createFile(path, 'first', 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(createFile(path, 'second', 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(join(dir, 'new'))).toEqual(['key.json']);
  });
});

describe('moveFile', () => {
  it('renames a file over another', async () => {
    const from = join(dir, 'next.json');
    const to = join(dir, 'current.json');
    writeFileSync(from, 'next');
    writeFileSync(to, 'current');
    await moveFile(from, to);
    expect(readFileSync(to, 'utf8')).toBe('next');
    expect(existsSync(from)).toBe(false);
  });
});
