/**
 * What the CLI prints: one JSON object on stdout with `--json`, readable text otherwise.
 * Errors never print a stack trace unless SANAD_DEBUG=1.
 */
import { inspect } from 'node:util';
import { type ErrorReport, isSanadError, toSanadError } from '@sanad/core';

export interface Output {
  readonly json: boolean;
  /** Prints a command's result: `value` as JSON, or the text `human()` returns. */
  result(value: unknown, human: () => string): void;
  /** A progress or narration line for people (stderr; silent with --json or when not a terminal). */
  progress(message: string): void;
  /** A progress bar on stderr for long work (redrawn on a terminal; silent like `progress`). */
  bar(label: string, total: number): ProgressBar;
  /** Prints an error (stderr for people; stdout JSON `{ error }` for scripts). */
  error(err: unknown): void;
}

export interface ProgressBar {
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;

/** `label [=====>     ] 45,000/100,000  45%  3,210/s  ETA 17 s`, redrawn at most 10 times a second. */
function progressBar(
  stderr: NodeJS.WritableStream,
  redraw: boolean,
  label: string,
  total: number,
): ProgressBar {
  const started = performance.now();
  let last = 0;
  let lastDecile = -1;
  const render = (done: number): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (fraction < 1 ? '>' : '=') : ''}${' '.repeat(WIDTH - filled)}`;
    return `${label} [${bar}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}  ${Math.floor(fraction * 100)}%  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${eta} s`;
  };
  return {
    update(done) {
      if (redraw) {
        const now = performance.now();
        if (now - last < 100 && done < total) return;
        last = now;
        stderr.write(`\r${render(done)}`);
      } else {
        // Not a terminal (a log file): one line per tenth.
        const decile = Math.floor((done / Math.max(1, total)) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stderr.write(`${render(done)}\n`);
        }
      }
    },
    finish() {
      if (redraw) stderr.write('\n');
    },
  };
}

export interface OutputOptions {
  json: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** An error's words for people (e.g. in the holder's language); `--json` keeps the neutral message. */
  describe?: (report: ErrorReport) => string | undefined;
}

export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const isTerminal = 'isTTY' in stderr && stderr.isTTY === true;
  // SANAD_PROGRESS=1 shows progress in logs too (one line per tenth of a bar).
  const showProgress = !options.json && (isTerminal || process.env.SANAD_PROGRESS === '1');
  return {
    json: options.json,
    result(value, human) {
      stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    progress(message) {
      if (showProgress) stderr.write(`${message}\n`);
    },
    bar(label, total) {
      return showProgress
        ? progressBar(stderr, isTerminal, label, total)
        : { update() {}, finish() {} };
    },
    error(err) {
      const report: ErrorReport = toSanadError(err).toReport();
      if (options.json) stdout.write(`${JSON.stringify({ error: report }, null, 2)}\n`);
      else
        stderr.write(`sanad: ${options.describe?.(report) ?? report.message} (${report.code})\n`);
      if (process.env.SANAD_DEBUG === '1') {
        const cause = isSanadError(err) ? (err.cause ?? err) : err;
        stderr.write(`${cause instanceof Error ? cause.stack : inspect(cause)}\n`);
      }
    },
  };
}
