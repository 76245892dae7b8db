/**
 * Files a registration drive writes so that a crash or a power cut at any moment leaves a state
 * it can resume from: append-only files made durable with fsync, a lock so that two processes
 * never run one drive, and destruction that overwrites before it unlinks.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, readFile, stat, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SanadError } from '@sanad/core';
import { isProcessAlive, tryLockFile } from '@sanad/core/node';

/** Makes a file's creation or removal durable (its folder entry). Not possible everywhere (Windows): then a no-op. */
export async function syncFolder(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/**
 * Flushes a file another process wrote (and may have been killed before flushing), so that what
 * is read from it now survives a power cut too. Best effort where fsync on a read-only handle fails.
 */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/** An append-only file: each `append` is written whole (a write may return short), `sync` makes it durable. */
export interface AppendFile {
  append(text: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

function appendFileOver(handle: FileHandle, path: string): AppendFile {
  const failed = (cause: unknown): SanadError =>
    new SanadError('ERR_STORAGE', `Cannot write ${path} (is the disk full?).`, { cause });
  return {
    async append(text) {
      const bytes = Buffer.from(text, 'utf8');
      try {
        for (let done = 0; done < bytes.length; )
          done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
      } catch (cause) {
        throw failed(cause);
      }
    },
    async sync() {
      await handle.datasync().catch((cause: unknown) => {
        throw failed(cause);
      });
    },
    async close() {
      await handle.close();
    },
  };
}

/** Creates `path` (mode 0600, never over an existing file) and makes its folder entry durable. */
export async function createAppendFile(path: string): Promise<AppendFile> {
  let handle: FileHandle;
  try {
    handle = await open(
      path,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_APPEND,
      0o600,
    );
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST')
      throw new SanadError(
        'ERR_OUTPUT_EXISTS',
        `${path} already exists; it is never overwritten.`,
        { cause },
      );
    throw new SanadError('ERR_INVALID_INPUT', `Cannot create ${path}.`, { cause });
  }
  await handle.sync();
  await syncFolder(path);
  return appendFileOver(handle, path);
}

/** Opens an existing `path` for appending after cutting it to `length` bytes (a torn last line). */
export async function reopenAppendFile(path: string, length: number): Promise<AppendFile> {
  if ((await stat(path)).size !== length) {
    await truncate(path, length);
  }
  const handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
  await handle.datasync();
  return appendFileOver(handle, path);
}

/** The process holding the lock at `path`, if it is still running (a lock left by a killed process is stale). */
export async function lockOwner(path: string): Promise<number | undefined> {
  const owner = Number(await readFile(path, 'utf8').catch(() => ''));
  return Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner)
    ? owner
    : undefined;
}

/**
 * Takes the lock file at `path` (holding this process id), taking over a stale one; refuses
 * with ERR_BATCH_IN_PROGRESS while another live process holds it. Returns the release function.
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  let lock;
  try {
    lock = await tryLockFile(path);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_INPUT', `Cannot create ${path}.`, { cause });
  }
  if ('heldBy' in lock)
    throw new SanadError(
      'ERR_BATCH_IN_PROGRESS',
      `Another sanad (process ${lock.heldBy}) is running ${what}; wait for it or stop it first.`,
    );
  return lock.release;
}

const WIPE_BLOCK = 64 * 1024;

/**
 * Overwrites a file with zeros, makes that durable, then unlinks it. On a hard disk that
 * destroys the content; on SSDs, flash and copy-on-write or journaling file systems the old
 * blocks may survive elsewhere, which only disk encryption protects against.
 *
 * @returns whether there was a file to destroy.
 */
export async function wipeFile(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new SanadError('ERR_INVALID_INPUT', `Cannot open ${path} to destroy it.`, { cause });
  }
  try {
    const { size } = await handle.stat();
    const zeros = Buffer.alloc(WIPE_BLOCK);
    for (let at = 0; at < size; )
      at += (await handle.write(zeros, 0, Math.min(WIPE_BLOCK, size - at), at)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(path);
  await syncFolder(path);
  return true;
}
