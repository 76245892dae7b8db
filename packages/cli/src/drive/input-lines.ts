/**
 * The lines of a registration drive's input file, numbered as the officer's editor, `sed -n 12p`
 * and `wc -l` number them: blank lines count, `\r\n` ends a line like `\n`, and a UTF-8 byte
 * order mark (left by spreadsheet exports) is not part of line 1. Streams, so memory stays flat.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SanadError } from '@sanad/core';

/** A line longer than this cannot be one person's record; it is refused without being kept in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface InputLine {
  /** 1-based line number in the file. */
  number: number;
  /** The line without its line ending (empty when `tooLong`). */
  text: string;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  tooLong?: true;
  /** The last line, with no line ending after it (in a file Sanad appends to: a torn write). */
  unterminated?: true;
}

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function readError(path: string, cause: unknown): SanadError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new SanadError(
    code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_INVALID_INPUT',
    `Cannot read ${path}.`,
    { cause },
  );
}

/**
 * Every line of `path` with its real number; `onBytes` sees the raw bytes (for a fingerprint).
 *
 * @example
 * ```ts
 * for await (const line of readNumberedLines('people.jsonl')) if (line.text.trim() !== '') handle(line)
 * ```
 */
export async function* readNumberedLines(
  path: string,
  onBytes?: (chunk: Buffer) => void,
): AsyncGenerator<InputLine> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  let lineStart = 0;
  const take = (next: number, terminated: boolean): InputLine => {
    number += 1;
    const offset = lineStart;
    lineStart = next;
    const end = terminated ? {} : { unterminated: true as const };
    if (tooLong) {
      parts = [];
      size = 0;
      tooLong = false;
      return { number, text: '', offset, tooLong: true, ...end };
    }
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (number === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    return { number, text: bytes.toString('utf8'), offset, ...end };
  };
  const keep = (piece: Buffer): void => {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > MAX_LINE_BYTES) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  let base = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes?.(chunk);
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        keep(chunk.subarray(start, end));
        start = end + 1;
        yield take(base + start, true);
      }
      // Copied: the rest waits for the next chunk, and the stream may reuse its buffers.
      keep(Buffer.from(chunk.subarray(start)));
      base += chunk.length;
    }
  } catch (cause) {
    throw readError(path, cause);
  } finally {
    stream.destroy();
  }
  if (base > lineStart) yield take(base, false);
}

/** Whether a line holds nothing to issue (blank lines are skipped but keep their number). */
export const isBlank = (line: InputLine): boolean => !line.tooLong && line.text.trim() === '';

/**
 * The input's SHA-256 (hex) and its number of non-blank lines, in one streaming pass: the
 * fingerprint ties a drive's journal to exactly this file without keeping any of its content.
 */
export async function scanInput(path: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  for await (const line of readNumberedLines(path, (chunk) => hash.update(chunk)))
    if (!isBlank(line)) lines += 1;
  return { sha256: hash.digest('hex'), lines };
}
