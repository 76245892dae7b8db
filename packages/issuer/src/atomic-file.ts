/** Node-only: files that appear whole or not at all (temp file, fsync, rename), never half-written. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SanadError } from '@sanad/core';

/**
 * Writes `text` to `path` atomically with the given mode, creating the folder (owner-only).
 *
 * @example
 * ```ts
 * await writeFileAtomically('agency/register.json', JSON.stringify(pointer), 0o600)
 * ```
 */
export async function writeFileAtomically(path: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw new SanadError('ERR_STORAGE', `${path} could not be written.`, { cause });
  }
}
