/** The `sanad` program: commander wiring, usage errors as exit code 2, help as 0. */
import { inspect } from 'node:util';
import { Command, CommanderError } from 'commander';
import { registerIssuerCommands } from './commands/issuer.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerServeCommands } from './commands/serve.js';
import { registerTrustListCommands } from './commands/trust-list.js';
import { registerVerifierCommands } from './commands/verifier.js';
import { registerVerifierRegistryCommands } from './commands/verifier-registry.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWalletCommands } from './commands/wallet.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export const VERSION = '0.1.0';

/** Builds the command tree (exported for tests and for embedding). */
export function createProgram(): Command {
  const program = new Command('sanad')
    .description('Sanad: issue, hold and verify SD-JWT VC and W3C VC-JWT credentials.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Inherited by every subcommand: commander throws instead of calling process.exit.
    .exitOverride();
  const issuer = registerIssuerCommands(program);
  registerWalletCommands(program);
  const verifier = registerVerifierCommands(program);
  registerServeCommands(issuer, verifier);
  registerVerifyCommand(program);
  registerTrustListCommands(program);
  registerVerifierRegistryCommands(program);
  registerSandboxCommand(program);
  return program;
}

/**
 * Runs `sanad` with `argv` (as in `process.argv`) and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync(argv);
    return (process.exitCode as ExitCode | undefined) ?? EXIT.OK;
  } catch (err) {
    // commander has already printed its message (unknown option, missing argument...).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    process.stderr.write('sanad: an unexpected internal error occurred (ERR_INTERNAL)\n');
    if (process.env.SANAD_DEBUG === '1') process.stderr.write(`${err instanceof Error ? err.stack : inspect(err)}\n`);
    return EXIT.INTERNAL;
  }
}
