/** Glue between commander and Sanad: shared options, output and error-to-exit-code mapping. */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.js';
import { createOutput, type Output } from './output.js';

export interface CommonOptions {
  json?: boolean;
}

/**
 * Registers `fn` as the action of `cmd`, adding `--json`. The action returns an exit code
 * (default 0); thrown errors are printed without a stack and mapped to 1, 2 or 3.
 */
export function action<O extends object>(
  cmd: Command,
  fn: (options: O & CommonOptions, out: Output, args: string[]) => Promise<ExitCode | void>,
): Command {
  return cmd
    .option('--json', 'print one JSON object for scripts')
    .action(async (...params: unknown[]) => {
      // commander passes the positional arguments, then the options object, then the command.
      const command = params[params.length - 1] as Command;
      const options = command.opts<O & CommonOptions>();
      const args = params
        .slice(0, -2)
        .flatMap((p) => (Array.isArray(p) ? p : [p]))
        .filter((p): p is string => typeof p === 'string');
      const out = createOutput({ json: options.json === true });
      try {
        process.exitCode = (await fn(options, out, args)) ?? EXIT.OK;
      } catch (err) {
        out.error(err);
        process.exitCode = exitCodeFor(err);
      }
    });
}

/** A commander argument parser for whole numbers from 1 to `max` (bad values are usage errors). */
export function wholeNumber(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`Expected a whole number from 1 to ${max}.`);
    return n;
  };
}
