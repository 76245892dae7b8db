/** File input and output for the CLI, with typed errors for every failure a user can cause. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SanadError } from '@sanad/core';
import { replaceFile } from '@sanad/core/node';

/** Reads a file, or standard input when `path` is `-`. */
export async function readInput(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SanadError(code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_INVALID_INPUT', `Cannot read ${path}.`, { cause });
  }
}

/** Reads and parses a JSON file (or `-`). */
export async function readJson(path: string): Promise<unknown> {
  const text = await readInput(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SanadError('ERR_INVALID_JSON', `${path === '-' ? 'Standard input' : path} is not valid JSON.`, { cause });
  }
}

/**
 * Writes a file whole or not at all (temp file, fsync, rename), creating the folder; `-` writes
 * to stdout. With `overwrite: false` an existing file is refused (ERR_OUTPUT_EXISTS).
 */
export async function writeOutput(path: string, content: string, mode = 0o644, options: { overwrite?: boolean } = {}): Promise<void> {
  if (path === '-') {
    process.stdout.write(content.endsWith('\n') ? content : `${content}\n`);
    return;
  }
  if (options.overwrite === false) assertNewFile(path);
  try {
    await replaceFile(path, content, mode);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', `${path} could not be written.`, { cause });
  }
}

/** Refuses an output file that exists already, before any work is done for it. */
export function assertNewFile(path: string): void {
  if (path !== '-' && existsSync(path)) throw new SanadError('ERR_OUTPUT_EXISTS', `${path} already exists; it is not overwritten. Give another --out, or move it away first.`);
}
