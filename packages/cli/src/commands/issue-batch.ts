/**
 * `sanad issuer issue-batch`: a registration drive. One credential per line of a JSON Lines
 * file, streamed (memory stays flat), with progress; it loses nothing and issues nobody twice
 * when it is interrupted (Ctrl-C, SIGTERM, a crash or a power cut):
 *
 * - before a chunk of lines is issued, their line numbers and pre-chosen batch ids are written
 *   to the journal beside the results and fsynced (drive/journal.ts; no personal data in it);
 * - each result is appended to the results file as it is issued, fsynced at chunk ends;
 * - on a re-run of the same command, the lines present in the results are done; a journaled
 *   batch the register holds but the results do not reached nobody: it is revoked, and its line
 *   issued again. So every line ends with exactly one valid batch, the one in the results.
 *
 * There is no temporary file: the results file is the only copy of the personal data written.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import {
  type CredentialFormat,
  DEFAULT_FORMAT,
  type HolderKey,
  isPlainObject,
  isSanadError,
  jwkFromDidJwk,
  jwkFromDidKey,
  randomId,
  SanadError,
  toSanadError,
  tryParseJson,
} from '@sanad/core';
import type { Issuer } from '@sanad/issuer';
import { action } from '../command.js';
import {
  acquireLock,
  type AppendFile,
  createAppendFile,
  reopenAppendFile,
} from '../drive/durable-files.js';
import {
  type InputLine,
  isBlank,
  MAX_LINE_BYTES,
  readNumberedLines,
  scanInput,
} from '../drive/input-lines.js';
import {
  createJournal,
  type DriveIdentity,
  journalPathOf,
  JOURNAL_TYPE,
  type JournalWriter,
  lockPathOf,
  readJournal,
  reopenJournal,
  sameDrive,
} from '../drive/journal.js';
import { type ResultsSummary, summarizeResults } from '../drive/results-file.js';
import { EXIT, type ExitCode, exitCodeFor, exitCodeForSignal } from '../exit-codes.js';
import { type RegisterFlags, registerOptions, withIssuer } from '../issuer-folder.js';
import type { Output, ProgressBar } from '../output.js';
import {
  CRYPTOSUITE_FLAG,
  checkedCryptosuite,
  checkedFormat,
  FORMAT_FLAG,
} from '../format-flag.js';

/**
 * Lines per journal record. Each chunk costs two fsyncs (journal before, results after), next
 * to one register commit per line; a crash or power cut re-issues at most one chunk.
 */
const CHUNK_LINES = 64;

type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NAMES: Record<StopSignal, string> = {
  SIGINT: 'Ctrl-C (SIGINT)',
  SIGTERM: 'SIGTERM',
  SIGHUP: 'a hang-up (SIGHUP)',
};

interface DriveOptions {
  dir: string;
  type: string;
  input: string;
  format: CredentialFormat;
  cryptosuite?: string;
  out: string;
}

/** What a run did: printed as text, or as one JSON object with --json. */
export interface DriveSummary {
  out: string;
  journal: string;
  /** Every non-blank input line has its result. */
  complete: boolean;
  /** Non-blank input lines. */
  lines: number;
  /** Lines with a result (issued or refused). */
  done: number;
  /** Over the whole drive, this run and earlier ones. */
  issued: number;
  failed: number;
  firstFailedLine?: number;
  /** The last input line with a result. */
  lastLine?: number;
  resumed: boolean;
  alreadyComplete?: true;
  resultsDestroyedAt?: string;
  /** Credentials an interrupted run issued to nobody, revoked by this run. */
  revoked: number;
  /** Issued by this run, and how fast. */
  issuedNow: number;
  seconds: number;
  perSecond: number;
  stoppedBy?: StopSignal;
  /** The command that continues the drive (when it is not complete). */
  resume?: string;
}

/** One line of a batch: a holder (or several, for copies) and the claims. */
function batchEntry(line: InputLine): { holders: HolderKey[]; claims: unknown } {
  if (line.tooLong)
    throw new SanadError('ERR_INVALID_INPUT', `The line is longer than ${MAX_LINE_BYTES} bytes.`);
  const entry = tryParseJson(line.text);
  if (!isPlainObject(entry))
    throw new SanadError('ERR_INVALID_JSON', 'The line is not a JSON object.');
  const dids = typeof entry.holder === 'string' ? [entry.holder] : entry.holders;
  if (
    !Array.isArray(dids) ||
    dids.length === 0 ||
    !dids.every((d): d is string => typeof d === 'string')
  )
    throw new SanadError('ERR_INVALID_INPUT', 'The line names no holder DID.');
  return {
    holders: dids.map((did) => ({
      did,
      jwk: did.startsWith('did:jwk:') ? jwkFromDidJwk(did) : jwkFromDidKey(did),
    })),
    claims: entry.claims,
  };
}

const shellWord = (arg: string): string =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

/** The exact command that runs (or continues) this drive. */
export function driveCommand(o: DriveOptions): string {
  const args = [
    'sanad',
    'issuer',
    'issue-batch',
    '--dir',
    o.dir,
    '--type',
    o.type,
    '--input',
    o.input,
    '--out',
    o.out,
    ...(o.format === DEFAULT_FORMAT ? [] : ['--format', o.format]),
    ...(o.cryptosuite === undefined ? [] : ['--cryptosuite', o.cryptosuite]),
  ];
  return args.map(shellWord).join(' ');
}

/** Signals that stop the drive after the current line instead of killing it. */
function watchSignals(out: Output): { readonly signal: StopSignal | undefined; dispose(): void } {
  let signal: StopSignal | undefined;
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      signal ??= name;
      out.progress('\nStopping after the current line…');
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    get signal() {
      return signal;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** Thrown out of the drive when it stops early, carrying how far it got. */
class DriveStopped extends Error {
  constructor(
    readonly summary: DriveSummary,
    readonly reason: unknown,
  ) {
    super('drive stopped');
  }
}

async function revokeIfHeld(issuer: Issuer, batchId: string): Promise<boolean> {
  try {
    await issuer.revoke(batchId);
    return true;
  } catch (err) {
    if (isSanadError(err) && err.code === 'ERR_CREDENTIAL_NOT_FOUND') return false;
    throw err;
  }
}

/** The drive's files, opened for appending, and what earlier runs left in them. */
interface OpenedDrive {
  journal: JournalWriter;
  results: AppendFile;
  previous: ResultsSummary | undefined;
  resumed: boolean;
  /** Batches of an interrupted run that reached nobody, revoked now. */
  revoked: number;
}

type SummaryBase = Pick<DriveSummary, 'out' | 'journal' | 'lines'>;

/**
 * Starts the drive, or picks up where an earlier run stopped: refuses files that are not this
 * drive's, answers a finished drive with its summary, and revokes the batches an interrupted
 * run issued to nobody (journaled, held by the register, absent from the results) before their
 * lines are issued again.
 */
async function openDrive(
  issuer: Issuer,
  o: DriveOptions,
  identity: DriveIdentity,
  base: SummaryBase,
): Promise<OpenedDrive | { finished: DriveSummary }> {
  const previous = await summarizeResults(o.out);
  const unmatched: string[] = [];
  const recorded = await readJournal(base.journal, (line, batchId) => {
    if (previous?.byLine.get(line) !== batchId) unmatched.push(batchId);
  });
  if (!recorded) {
    if (previous)
      throw new SanadError(
        'ERR_OUTPUT_EXISTS',
        `${o.out} already exists and is not a drive of this input that can be resumed (there is no journal beside it); give another --out.`,
      );
    await rm(base.journal, { force: true }); // at most a header torn before it was written: nothing was issued
    const journal = await createJournal(base.journal, {
      type: JOURNAL_TYPE,
      version: 1,
      ...identity,
      started: new Date().toISOString(),
    });
    return {
      journal,
      results: await createAppendFile(o.out),
      previous: undefined,
      resumed: false,
      revoked: 0,
    };
  }
  if (!sameDrive(recorded.header, identity)) {
    throw new SanadError(
      'ERR_BATCH_JOURNAL_MISMATCH',
      `${o.out} belongs to a drive of another input file, credential type, format or issuer (its journal does not match); it is left as it is. Give another --out for this input.`,
    );
  }
  if (recorded.complete) {
    const c = recorded.complete;
    const finished: DriveSummary = {
      ...base,
      complete: true,
      done: c.issued + c.refused,
      issued: c.issued,
      failed: c.refused,
      ...(c.firstRefusedLine !== undefined ? { firstFailedLine: c.firstRefusedLine } : {}),
      resumed: false,
      alreadyComplete: true,
      ...(recorded.destroyed ? { resultsDestroyedAt: recorded.destroyed.at } : {}),
      revoked: 0,
      issuedNow: 0,
      seconds: 0,
      perSecond: 0,
    };
    return { finished };
  }
  if (recorded.destroyed)
    throw new SanadError(
      'ERR_BATCH_DESTROYED',
      `The results of the unfinished drive writing ${o.out} were destroyed (${recorded.destroyed.at}); it cannot be resumed. Issue the people not yet issued in a new drive with another --out.`,
    );
  if (!previous && recorded.chosen > 0) {
    throw new SanadError(
      'ERR_BATCH_JOURNAL_INVALID',
      `${o.out} is missing, but its journal ${base.journal} shows that lines were issued. Put the results file back to resume; if it is lost, revoke the batches listed in the journal and start a new drive with another --out.`,
    );
  }
  const revoked: string[] = [];
  for (const batchId of new Set(unmatched)) {
    if (!recorded.revoked.has(batchId) && (await revokeIfHeld(issuer, batchId)))
      revoked.push(batchId);
  }
  const journal = await reopenJournal(base.journal, recorded);
  if (revoked.length > 0) await journal.write({ revoked });
  const results = previous
    ? await reopenAppendFile(o.out, previous.intactLength)
    : await createAppendFile(o.out);
  return { journal, results, previous, resumed: previous !== undefined, revoked: revoked.length };
}

async function runDrive(
  issuer: Issuer,
  o: DriveOptions,
  out: Output,
  stop: { readonly signal: StopSignal | undefined },
): Promise<DriveSummary> {
  if (!issuer.types.has(o.type))
    throw new SanadError(
      'ERR_CREDENTIAL_TYPE_UNKNOWN',
      `No credential type "${o.type}" is defined here (see \`sanad issuer types\`).`,
    );
  const cryptosuite = checkedCryptosuite(o.cryptosuite, o.format);
  const scanned = await scanInput(o.input);
  const identity: DriveIdentity = {
    input: { sha256: scanned.sha256 },
    credentialType: o.type,
    format: o.format,
    ...(o.cryptosuite === undefined ? {} : { cryptosuite: o.cryptosuite }),
    issuer: issuer.issuerId,
  };
  const base: SummaryBase = { out: o.out, journal: journalPathOf(o.out), lines: scanned.lines };
  await mkdir(dirname(o.out), { recursive: true });
  const release = await acquireLock(lockPathOf(o.out), `the drive writing ${o.out}`);
  let opened: OpenedDrive | undefined;
  try {
    const state = await openDrive(issuer, o, identity, base);
    if ('finished' in state) return state.finished;
    opened = state;
    const { journal, results, previous, resumed, revoked } = state;

    const done = previous?.byLine ?? new Map<number, string | null>();
    let issued = previous?.issued ?? 0;
    let failed = previous?.refused ?? 0;
    let firstFailedLine = previous?.firstRefusedLine;
    let lastLine: number | undefined;
    for (const n of done.keys()) if (lastLine === undefined || n > lastLine) lastLine = n;
    let issuedNow = 0;
    const already = done.size;
    const bar: ProgressBar = out.bar(resumed ? 'Resuming' : 'Issuing', scanned.lines - already);
    const started = performance.now();
    const summary = (): DriveSummary => {
      const seconds = (performance.now() - started) / 1000;
      const complete = issued + failed >= scanned.lines;
      return {
        ...base,
        complete,
        done: issued + failed,
        issued,
        failed,
        ...(firstFailedLine !== undefined ? { firstFailedLine } : {}),
        ...(lastLine !== undefined ? { lastLine } : {}),
        resumed,
        revoked,
        issuedNow,
        seconds: Math.round(seconds * 10) / 10,
        perSecond: Math.round(issuedNow / Math.max(seconds, 1e-3)),
        ...(stop.signal ? { stoppedBy: stop.signal } : {}),
        ...(complete ? {} : { resume: driveCommand(o) }),
      };
    };

    const issueOne = async (line: InputLine, batchId: string): Promise<void> => {
      let result: object;
      try {
        const { holders, claims } = batchEntry(line);
        const issuedLine = await issuer.issue({
          type: o.type,
          format: o.format,
          ...(cryptosuite ? { cryptosuite } : {}),
          claims,
          holders,
          batchId,
        });
        result = {
          line: line.number,
          batchId,
          ids: issuedLine.records.map((r) => r.id),
          bundle: issuedLine.bundle,
        };
      } catch (err) {
        // Typed refusals (bad claims, bad DID) are the line's; anything else stops the run.
        if (!isSanadError(err) || err.category !== 'input') throw err;
        // A refusal after the register recorded the batch would leave a credential for nobody.
        await revokeIfHeld(issuer, batchId);
        result = { line: line.number, error: err.toReport() };
      }
      await results.append(`${JSON.stringify(result)}\n`);
      if ('error' in result) {
        failed += 1;
        firstFailedLine ??= line.number;
      } else {
        issued += 1;
        issuedNow += 1;
      }
      lastLine = line.number;
      bar.update(issued + failed - already);
    };

    let chunk: InputLine[] = [];
    const issueChunk = async (): Promise<void> => {
      if (chunk.length === 0 || stop.signal) return;
      const chosen = chunk.map((line): [number, string] => [line.number, randomId()]);
      await journal.write({ chunk: chosen });
      for (const [i, line] of chunk.entries()) {
        if (stop.signal) break;
        await issueOne(line, chosen[i]![1]);
      }
      await results.sync();
      chunk = [];
    };
    try {
      for await (const line of readNumberedLines(o.input)) {
        if (stop.signal) break;
        if (isBlank(line) || done.has(line.number)) continue;
        chunk.push(line);
        if (chunk.length === CHUNK_LINES) await issueChunk();
      }
      await issueChunk();
      await results.sync();
    } catch (err) {
      await results.sync().catch(() => undefined);
      bar.finish();
      throw new DriveStopped(summary(), err);
    }
    bar.finish();
    const final = summary();
    if (stop.signal || !final.complete)
      throw new DriveStopped(final, new SanadError('ERR_BATCH_INTERRUPTED'));
    await journal.write({
      complete: {
        lines: scanned.lines,
        issued,
        refused: failed,
        ...(firstFailedLine !== undefined ? { firstRefusedLine: firstFailedLine } : {}),
        at: new Date().toISOString(),
      },
    });
    return final;
  } finally {
    await opened?.results.close().catch(() => undefined);
    await opened?.journal.close().catch(() => undefined);
    await release();
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

function describe(s: DriveSummary): string {
  const handOut = [
    `  ${s.out} holds personal data: hand each person their bundle with`,
    `  \`sanad issuer hand-out --results ${shellWord(s.out)} --out <folder>\`, then destroy it with \`sanad issuer destroy-results --results ${shellWord(s.out)}\`.`,
  ];
  const refused =
    s.failed > 0
      ? [
          `  ${count(s.failed)} line(s) refused; each is in ${s.out} with its error (first: line ${s.firstFailedLine}).`,
        ]
      : [];
  if (s.alreadyComplete) {
    return [
      `The drive writing ${s.out} is already complete (${count(s.lines)} lines: ${count(s.issued)} issued, ${count(s.failed)} refused); nothing was issued.`,
      ...(s.resultsDestroyedAt
        ? [`  Its results were destroyed (${s.resultsDestroyedAt}).`]
        : [...refused, ...handOut]),
    ].join('\n');
  }
  const resumed = s.resumed
    ? [
        `Resumed the drive writing ${s.out}.`,
        ...(s.revoked > 0
          ? [
              `  ${count(s.revoked)} credential batch(es) issued by the interrupted run never reached the results: they reached nobody and were revoked; their lines were issued again.`,
            ]
          : []),
      ]
    : [];
  if (!s.complete) {
    return [
      ...resumed,
      `Stopped${s.stoppedBy ? ` by ${SIGNAL_NAMES[s.stoppedBy]}` : ''}${s.lastLine !== undefined ? ` after line ${s.lastLine}` : ''}: ${count(s.done)} of ${count(s.lines)} lines done (${count(s.issued)} issued, ${count(s.failed)} refused); nothing is lost.`,
      `  Results so far: ${s.out} (personal data: keep it on this machine; the journal ${s.journal} holds none).`,
      `  To continue${s.stoppedBy ? '' : ' once the cause is fixed'}: ${s.resume}`,
    ].join('\n');
  }
  return [
    ...resumed,
    `Issued ${count(s.issuedNow)} credential(s) to ${s.out} in ${s.seconds} s (${count(s.perSecond)}/s).`,
    ...refused,
    ...handOut,
  ].join('\n');
}

/** Prints the summary (and the error, if any) and returns the exit code; with --json, one object. */
function finish(out: Output, summary: DriveSummary, err?: unknown): ExitCode {
  if (out.json)
    out.result(
      err === undefined ? summary : { error: toSanadError(err).toReport(), ...summary },
      () => '',
    );
  else {
    out.result(summary, () => describe(summary));
    if (err !== undefined) out.error(err);
  }
  if (err === undefined) return EXIT.OK;
  return summary.stoppedBy ? exitCodeForSignal(summary.stoppedBy) : exitCodeFor(err);
}

/** Registers `issuer issue-batch` on the `issuer` command. */
export function registerIssueBatchCommand(issuer: Command): void {
  action<DriveOptions & RegisterFlags>(
    registerOptions(
      issuer
        .command('issue-batch')
        .description(
          'a registration drive: one credential per line of a JSON Lines file, streamed, with progress; resumable after any interruption',
        )
        .requiredOption('--dir <dir>', 'issuer folder')
        .requiredOption('--type <id>', 'credential type id, e.g. refugee-status')
        .requiredOption(
          '--input <file>',
          'JSON Lines: {"holder": "did:…", "claims": {…}} (or "holders": [did, …] for copies)',
        )
        .option(...FORMAT_FLAG)
        .option(...CRYPTOSUITE_FLAG)
        .requiredOption(
          '--out <file>',
          'results (JSON Lines, input order, never overwritten): {"line", "batchId", "ids", "bundle"} or {"line", "error"}; the journal is <file>.journal',
        ),
    ),
    async (o, out) => {
      checkedFormat(o.format);
      if (o.out === '-')
        throw new SanadError(
          'ERR_INVALID_INPUT',
          '--out must be a file: the drive appends to it and resumes from it.',
        );
      if (o.input === '-')
        throw new SanadError(
          'ERR_INVALID_INPUT',
          '--input must be a file: the drive fingerprints it and reads it again to resume.',
        );
      const stop = watchSignals(out);
      try {
        const summary = await withIssuer(o.dir, (i) => runDrive(i, o, out, stop), o);
        if (summary.failed === 0) return finish(out, summary);
        return finish(
          out,
          summary,
          new SanadError(
            'ERR_BATCH_INCOMPLETE',
            `${count(summary.failed)} of ${count(summary.lines)} lines were not issued${summary.resultsDestroyedAt ? '' : `; see ${o.out}`}.`,
          ),
        );
      } catch (err) {
        if (err instanceof DriveStopped) return finish(out, err.summary, err.reason);
        throw err;
      } finally {
        stop.dispose();
      }
    },
  );
}
