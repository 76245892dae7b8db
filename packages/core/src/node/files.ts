/** Node-only: files that appear whole or not at all, and the liveness of a lock's owner. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `content`: a temp file in the same folder (`.<name>.<random>.tmp`),
 * fsynced, renamed over `path`, then the folder fsynced — a crash at any moment leaves the old
 * file or the new one, never a mix. A missing folder is created, owner-only for an owner-only
 * file. On failure the temp file is removed and the error is rethrown for the caller to name.
 *
 * @example
 * ```ts
 * await replaceFile('agency/register.json', JSON.stringify(pointer), 0o644)
 * ```
 */
export async function replaceFile(path: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: (mode & 0o044) === 0 ? 0o700 : 0o755 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Whether the process `pid` is running (for lock files: a lock left by a killed process is stale). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
