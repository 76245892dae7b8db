/**
 * A registration drive's journal, `<results>.journal`: JSON Lines with no personal data in it.
 *
 *   {"type":"sanad-drive-journal","version":1,"input":{"sha256":…},"credentialType":…,"format":…,"issuer":…,"started":…}
 *   {"chunk":[[12,"<batch id>"],[13,"<batch id>"],…]}   line numbers with the batch ids chosen for them
 *   {"revoked":["<batch id>",…]}                         batches issued to nobody, revoked on resume
 *   {"complete":{"lines":…,"issued":…,"refused":…,"at":…}}
 *   {"destroyed":{"at":…}}                              the results were destroyed afterwards
 *
 * A chunk is written and fsynced *before* any of its lines is issued, so after any crash every
 * credential the register holds for this drive is named here; the results file says which of
 * them reached it. A torn last record was never fsynced, so nothing was issued from it: it is cut.
 */
import type { CredentialFormat } from '@sanad/core';
import { isCredentialFormat, isPlainObject, SanadError, tryParseJson } from '@sanad/core';
import { type AppendFile, createAppendFile, reopenAppendFile } from './durable-files.js';
import { readNumberedLines } from './input-lines.js';

export const JOURNAL_TYPE = 'sanad-drive-journal';

/** What a drive is: this input file, this type and format, this issuer. A resume must match all four. */
export interface DriveIdentity {
  input: { sha256: string };
  credentialType: string;
  format: CredentialFormat;
  /** For `ldp_vc`: the suite asked for (absent: the default). */
  cryptosuite?: string;
  issuer: string;
}

export interface DriveHeader extends DriveIdentity {
  type: typeof JOURNAL_TYPE;
  version: 1;
  started: string;
}

export interface DriveCompletion {
  /** Non-blank input lines. */
  lines: number;
  issued: number;
  refused: number;
  firstRefusedLine?: number;
  at: string;
}

export type JournalRecord =
  | { chunk: Array<[number, string]> }
  | { revoked: string[] }
  | { complete: DriveCompletion }
  | { destroyed: { at: string } };

export interface JournalContents {
  header: DriveHeader;
  complete?: DriveCompletion;
  destroyed?: { at: string };
  revoked: Set<string>;
  /** Number of `[line, batch id]` pairs chosen so far. */
  chosen: number;
  /** Bytes of intact records: a torn last record is cut at this length before appending. */
  intactLength: number;
}

export const journalPathOf = (results: string): string => `${results}.journal`;
export const lockPathOf = (results: string): string => `${results}.lock`;

const damaged = (path: string, cause?: unknown): SanadError =>
  new SanadError(
    'ERR_BATCH_JOURNAL_INVALID',
    `${path} is damaged: it is not a drive journal Sanad wrote.`,
    cause === undefined ? undefined : { cause },
  );

function isHeader(value: unknown): value is DriveHeader {
  return (
    isPlainObject(value) &&
    value.type === JOURNAL_TYPE &&
    value.version === 1 &&
    isPlainObject(value.input) &&
    typeof value.input.sha256 === 'string' &&
    typeof value.credentialType === 'string' &&
    isCredentialFormat(value.format) &&
    typeof value.issuer === 'string'
  );
}

const isPair = (p: unknown): p is [number, string] =>
  Array.isArray(p) &&
  p.length === 2 &&
  Number.isSafeInteger(p[0]) &&
  (p[0] as number) > 0 &&
  typeof p[1] === 'string';

/**
 * Reads the journal at `path`, calling `onChosen` for every line number and batch id chosen
 * before issuing. Undefined when there is none, or only a torn header (nothing was issued from
 * it: the caller starts afresh). Refuses a journal that is not one.
 */
export async function readJournal(
  path: string,
  onChosen: (line: number, batchId: string) => void = () => undefined,
): Promise<JournalContents | undefined> {
  let header: DriveHeader | undefined;
  let tornAt: number | undefined;
  let end = 0;
  const contents: Omit<JournalContents, 'header' | 'intactLength'> = {
    revoked: new Set(),
    chosen: 0,
  };
  try {
    for await (const line of readNumberedLines(path)) {
      const record = line.unterminated || line.tooLong ? undefined : tryParseJson(line.text);
      // Unreadable: acceptable only as the very last record (a write the crash tore).
      if (tornAt !== undefined) throw damaged(path);
      if (record === undefined) {
        tornAt = line.offset;
        continue;
      }
      if (!header) {
        if (!isHeader(record)) throw damaged(path);
        header = record;
      } else if (
        isPlainObject(record) &&
        Array.isArray(record.chunk) &&
        record.chunk.every(isPair)
      ) {
        for (const [n, batchId] of record.chunk) onChosen(n, batchId);
        contents.chosen += record.chunk.length;
      } else if (
        isPlainObject(record) &&
        Array.isArray(record.revoked) &&
        record.revoked.every((b) => typeof b === 'string')
      ) {
        for (const b of record.revoked) contents.revoked.add(b);
      } else if (isPlainObject(record) && isPlainObject(record.complete)) {
        contents.complete = record.complete as unknown as DriveCompletion;
      } else if (isPlainObject(record) && isPlainObject(record.destroyed)) {
        contents.destroyed = record.destroyed as { at: string };
      } else {
        throw damaged(path);
      }
      end = line.offset + Buffer.byteLength(line.text, 'utf8') + 1;
    }
  } catch (err) {
    if (err instanceof SanadError && err.code === 'ERR_FILE_NOT_FOUND') return undefined;
    throw err;
  }
  return header ? { header, ...contents, intactLength: tornAt ?? end } : undefined;
}

/** Appends records, each made durable before `write` returns. */
export interface JournalWriter {
  write(record: JournalRecord): Promise<void>;
  close(): Promise<void>;
}

function writerOver(file: AppendFile): JournalWriter {
  return {
    async write(record) {
      await file.append(`${JSON.stringify(record)}\n`);
      await file.sync();
    },
    close: () => file.close(),
  };
}

/** Starts the journal of a new drive (never over an existing file). */
export async function createJournal(path: string, header: DriveHeader): Promise<JournalWriter> {
  const writer = writerOver(await createAppendFile(path));
  await writer.write(header as unknown as JournalRecord);
  return writer;
}

/** Continues an existing journal, after cutting a torn last record. */
export async function reopenJournal(
  path: string,
  contents: JournalContents,
): Promise<JournalWriter> {
  return writerOver(await reopenAppendFile(path, contents.intactLength));
}

/** Whether a journal describes the same drive (same input bytes, type, format and issuer). */
export function sameDrive(header: DriveIdentity, drive: DriveIdentity): boolean {
  return (
    header.input.sha256 === drive.input.sha256 &&
    header.credentialType === drive.credentialType &&
    header.format === drive.format &&
    header.cryptosuite === drive.cryptosuite &&
    header.issuer === drive.issuer
  );
}
