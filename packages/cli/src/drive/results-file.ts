/**
 * A drive's results file: JSON Lines in input order, appended as each line is issued (mode 0600:
 * it holds everyone's credentials and claims). One line per non-blank input line:
 *
 *   {"line": 12, "batchId": "…", "ids": ["…", …], "bundle": {…}}   issued: the bundle for the wallet
 *   {"line": 13, "error": {"code": "ERR_…", "message": "…"}}        refused, with its typed error
 *
 * `line` is the input file's real line number (blank lines count).
 */
import type { CredentialBundle, ErrorReport } from '@sanad/core';
import { isPlainObject, SanadError, tryParseJson } from '@sanad/core';
import { readNumberedLines } from './input-lines.js';

export interface IssuedResult {
  line: number;
  batchId: string;
  ids: string[];
  bundle: CredentialBundle;
}

export interface RefusedResult {
  line: number;
  error: ErrorReport;
}

export type DriveResult = IssuedResult | RefusedResult;

export const isIssued = (r: DriveResult): r is IssuedResult => 'batchId' in r;

function asResult(value: unknown): DriveResult | undefined {
  if (!isPlainObject(value) || !Number.isSafeInteger(value.line) || (value.line as number) < 1)
    return undefined;
  if (typeof value.batchId === 'string' && Array.isArray(value.ids) && isPlainObject(value.bundle))
    return value as unknown as IssuedResult;
  if (isPlainObject(value.error) && typeof value.error.code === 'string')
    return value as unknown as RefusedResult;
  return undefined;
}

/** What a results file holds, read in one pass without keeping the bundles. */
export interface ResultsSummary {
  /** Line number -> batch id, or null for a refused line. */
  byLine: Map<number, string | null>;
  issued: number;
  refused: number;
  firstRefusedLine?: number;
  /** Bytes of intact result lines: anything after (a line the crash tore) is cut before appending. */
  intactLength: number;
}

/**
 * Every result in `path`, in order, stopping before the first unreadable line (the end of a
 * write a crash or power cut tore); `intactLength` tells where that is.
 */
export async function* readResults(
  path: string,
  summary?: { intactLength: number },
): AsyncGenerator<DriveResult> {
  let previous = 0;
  for await (const line of readNumberedLines(path)) {
    const result =
      line.unterminated || line.tooLong ? undefined : asResult(tryParseJson(line.text));
    if (!result || result.line <= previous) return;
    previous = result.line;
    if (summary) summary.intactLength = line.offset + Buffer.byteLength(line.text, 'utf8') + 1;
    yield result;
  }
}

/** Reads the results file's lines and batch ids (undefined when there is no file). */
export async function summarizeResults(path: string): Promise<ResultsSummary | undefined> {
  const summary: ResultsSummary = { byLine: new Map(), issued: 0, refused: 0, intactLength: 0 };
  try {
    for await (const result of readResults(path, summary)) {
      if (isIssued(result)) {
        summary.byLine.set(result.line, result.batchId);
        summary.issued += 1;
      } else {
        summary.byLine.set(result.line, null);
        summary.refused += 1;
        summary.firstRefusedLine ??= result.line;
      }
    }
  } catch (err) {
    if (err instanceof SanadError && err.code === 'ERR_FILE_NOT_FOUND') return undefined;
    throw err;
  }
  return summary;
}
