/** File input and output for the CLI, with typed errors for every failure a user can cause. */
import { createReadStream, existsSync } from 'node:fs';
import { SanadError } from '@sanad/core';
import { replaceFile } from '@sanad/core/node';

/**
 * The most the CLI reads of one input (a presentation, credential, offer, trust list, key,
 * backup…): far above any real one (an SD-JWT is at most 1 MB), and small enough that an
 * endless stdin or a wrong file costs a few MB of memory, not all of it.
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

const tooLarge = (path: string, maxBytes: number): SanadError =>
  new SanadError(
    'ERR_INPUT_TOO_LARGE',
    `${path === '-' ? 'Standard input' : path} is larger than ${maxBytes} bytes; it was not read past that.`,
  );

/**
 * Reads a file, or standard input when `path` is `-`, as bytes. Reading stops at `maxBytes`:
 * more is refused (ERR_INPUT_TOO_LARGE) without reading the rest.
 */
export async function readInputBytes(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  // One byte past the limit tells a file that is too large from one exactly at it.
  const stream = path === '-' ? process.stdin : createReadStream(path, { end: maxBytes });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      // Leaving the loop destroys the stream: a writer still sending to stdin gets EPIPE.
      if (size > maxBytes) throw tooLarge(path, maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SanadError(
      code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_INVALID_INPUT',
      `Cannot read ${path}.`,
      { cause },
    );
  }
  return Buffer.concat(chunks, size);
}

/** Reads a file, or standard input when `path` is `-`, as UTF-8 text (at most `maxBytes`). */
export async function readInput(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  return (await readInputBytes(path, maxBytes)).toString('utf8');
}

/** Reads and parses a JSON file (or `-`). */
export async function readJson(path: string): Promise<unknown> {
  const text = await readInput(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SanadError(
      'ERR_INVALID_JSON',
      `${path === '-' ? 'Standard input' : path} is not valid JSON.`,
      { cause },
    );
  }
}

/**
 * Writes a file whole or not at all (temp file, fsync, rename), creating the folder; `-` writes
 * to stdout. With `overwrite: false` an existing file is refused (ERR_OUTPUT_EXISTS).
 */
export async function writeOutput(
  path: string,
  content: string,
  mode = 0o644,
  options: { overwrite?: boolean } = {},
): Promise<void> {
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
  if (path !== '-' && existsSync(path))
    throw new SanadError(
      'ERR_OUTPUT_EXISTS',
      `${path} already exists; it is not overwritten. Give another --out, or move it away first.`,
    );
}
