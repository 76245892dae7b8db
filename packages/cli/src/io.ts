/** File input and output for the CLI, with typed errors for every failure a user can cause. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SanadError } from '@sanad/core';

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

/** Writes a file atomically (temp file + rename), creating the folder; `-` writes to stdout. */
export async function writeOutput(path: string, content: string, mode = 0o644): Promise<void> {
  if (path === '-') {
    process.stdout.write(content.endsWith('\n') ? content : `${content}\n`);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, content, { mode });
  await rename(temp, path);
}
