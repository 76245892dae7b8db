/**
 * Node-only: files that appear whole or not at all, and the liveness of a lock's owner.
 *
 * Every write here has one durability level: the content is fsynced before its name points at
 * it, and the folder is fsynced before the call returns. A crash or a power cut at any moment
 * leaves the old file or the new one, never a mix; once the call has returned, the new one stays.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Fsyncs the folder `dir`, so that a rename or a new name in it survives a power cut. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Writes `content` to a fsynced temp file beside `path` (`.<name>.<random>.tmp`, in a folder
 * created if missing: owner-only for an owner-only file), hands it to `place`, then fsyncs the
 * folder. The temp file is removed whatever happens; errors are rethrown for the caller to name.
 */
async function writeDurably(
  path: string,
  content: string | Uint8Array,
  mode: number,
  place: (temp: string) => Promise<void>,
): Promise<void> {
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
    await place(temp);
    await syncFolder(dir);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Replaces `path` with `content` (temp file, fsync, rename over `path`, folder fsync).
 *
 * @example
 * ```ts
 * await replaceFile('agency/register.json', JSON.stringify(pointer), 0o644)
 * ```
 */
export async function replaceFile(
  path: string,
  content: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  await writeDurably(path, content, mode, (temp) => rename(temp, path));
}

/**
 * Creates `path` with `content`, never replacing a file already there (temp file, fsync, hard
 * link to `path`, folder fsync): an existing file fails with the `EEXIST` error of `link`.
 *
 * @example
 * ```ts
 * await createFile('authority.key.json', JSON.stringify(privateJwk), 0o600)
 * ```
 */
export async function createFile(
  path: string,
  content: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  await writeDurably(path, content, mode, (temp) => link(temp, path));
}

/** Renames `from` to `to` in the same folder and fsyncs the folder, so the new name survives a power cut. */
export async function moveFile(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncFolder(dirname(to));
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

/** Lock drafts (`<lock>.<pid>.<random>`) left by processes killed while taking the lock. */
async function removeDeadLockDrafts(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  for (const file of await readdir(dirname(path)).catch(() => [] as string[])) {
    const pid = file.startsWith(prefix)
      ? /^(\d+)\.[0-9a-f]{8}$/.exec(file.slice(prefix.length))?.[1]
      : undefined;
    if (pid !== undefined && Number(pid) !== process.pid && !isProcessAlive(Number(pid)))
      await unlink(join(dirname(path), file)).catch(() => undefined);
  }
}

/** A lock file taken (release it), or held by another live process. */
export type LockAttempt = { release(): Promise<void> } | { heldBy: number };

/**
 * Tries once to take the lock file at `path`, holding this process id. The file appears with its
 * content already in it (written aside, then hard-linked into place, which fails if the lock
 * exists), so nobody ever reads a half-made lock. A lock whose process no longer runs (a crash,
 * kill -9, a power cut) is taken over. Errors other than "held" are rethrown.
 *
 * @example
 * ```ts
 * const lock = await tryLockFile('phone/.wallet.json.lock')
 * if ('heldBy' in lock) throw new SanadError('ERR_WALLET_LOCKED')
 * try { … } finally { await lock.release() }
 * ```
 */
export async function tryLockFile(path: string): Promise<LockAttempt> {
  const mine = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, String(process.pid), { mode: 0o600 });
  try {
    // Bounded: each round either takes the lock, finds it held, or clears a stale one.
    for (let round = 0; round < 50; round += 1) {
      try {
        await link(mine, path);
        await removeDeadLockDrafts(path);
        return { release: () => unlink(path).catch(() => undefined) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = await lockOwnerOf(path);
      // Released between our attempt and the read: try again.
      if (owner === undefined) continue;
      if (owner !== 0 && owner !== process.pid && isProcessAlive(owner)) return { heldBy: owner };
      // A dead owner's lock: move it aside first and look at what was moved, so that a lock
      // someone else has just taken in its place is put back rather than deleted.
      const aside = `${path}.${owner}.${randomBytes(4).toString('hex')}`;
      if (
        !(await rename(path, aside).then(
          () => true,
          () => false,
        ))
      )
        continue;
      const moved = await lockOwnerOf(aside);
      if (moved !== undefined && moved !== 0 && moved !== owner && isProcessAlive(moved))
        await link(aside, path).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
    }
    return { heldBy: (await lockOwnerOf(path)) ?? 0 };
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/** The process id a lock file holds; undefined when there is no such file. */
async function lockOwnerOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = Number(text);
  // Content that is no process id (0) counts as a stale lock.
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}
