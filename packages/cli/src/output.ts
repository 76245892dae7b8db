/**
 * What the CLI prints: one JSON object on stdout with `--json`, readable text otherwise.
 * Errors never print a stack trace unless SANAD_DEBUG=1.
 */
import { type ErrorReport, isSanadError, toSanadError } from '@sanad/core';

export interface Output {
  readonly json: boolean;
  /** Prints a command's result: `value` as JSON, or the text `human()` returns. */
  result(value: unknown, human: () => string): void;
  /** A progress or narration line for people (stderr; silent with --json or when not a terminal). */
  progress(message: string): void;
  /** Prints an error (stderr for people; stdout JSON `{ error }` for scripts). */
  error(err: unknown): void;
}

export function createOutput(options: { json: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WriteStream | NodeJS.WritableStream }): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const showProgress = !options.json && 'isTTY' in stderr && stderr.isTTY === true;
  return {
    json: options.json,
    result(value, human) {
      stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    progress(message) {
      if (showProgress) stderr.write(`${message}\n`);
    },
    error(err) {
      const report: ErrorReport = toSanadError(err).toReport();
      if (options.json) stdout.write(`${JSON.stringify({ error: report }, null, 2)}\n`);
      else stderr.write(`sanad: ${report.message} (${report.code})\n`);
      if (process.env.SANAD_DEBUG === '1') {
        const cause = isSanadError(err) ? (err.cause ?? err) : err;
        stderr.write(`${cause instanceof Error ? cause.stack : String(cause)}\n`);
      }
    },
  };
}
