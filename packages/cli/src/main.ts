/**
 * The `sanad` program: commander wiring, usage errors as exit code 2, help as 0.
 *
 * Start-up is kept short (a desk runs `sanad verify` for each person): a run loads the modules of
 * the one top-level command it names, and `sanad --help` none at all. The other top-level commands
 * are listed from the table below; a test checks that this listing matches the full tree.
 */
import { inspect } from 'node:util';
import { Command, CommanderError, Help } from 'commander';
import { EXIT, type ExitCode } from './exit-codes.js';

export const VERSION = '0.1.0';

interface TopLevelCommand {
  name: string;
  /** How the root's help lists it (commander's term: name, `[options]`, arguments). */
  term: string;
  /** The description its module gives it, for the listing when the module is not loaded. */
  summary: string;
  /** The group this command's module registers it with (`issuer` and `verifier` share `serve`). */
  group:
    | 'agency'
    | 'wallet'
    | 'verify'
    | 'trust-list'
    | 'verifier-registry'
    | 'pki'
    | 'sandbox'
    | 'doctor'
    | 'config';
}

/** Every top-level command, in the order `sanad --help` lists them (a group's commands side by side). */
const TOP_LEVEL: readonly TopLevelCommand[] = [
  {
    name: 'issuer',
    term: 'issuer',
    summary: 'issue, revoke and publish credentials (agency)',
    group: 'agency',
  },
  {
    name: 'verifier',
    term: 'verifier',
    summary: 'presentation requests and status cache (service provider)',
    group: 'agency',
  },
  {
    name: 'wallet',
    term: 'wallet',
    summary: "the holder's encrypted wallet (passphrase from SANAD_WALLET_PASSPHRASE or a prompt)",
    group: 'wallet',
  },
  {
    name: 'verify',
    term: 'verify [options]',
    summary: 'verify a presentation (exit 0 accepted, 1 rejected, 2 bad input)',
    group: 'verify',
  },
  {
    name: 'trust-list',
    term: 'trust-list',
    summary: 'manage a trust list (verifier, trust-list authority)',
    group: 'trust-list',
  },
  {
    name: 'verifier-registry',
    term: 'verifier-registry',
    summary: 'manage a verifier registry (registry authority): who may ask wallets for what',
    group: 'verifier-registry',
  },
  {
    name: 'pki',
    term: 'pki',
    summary: 'a small X.509 PKI for HAIP tests and the sandbox: a root CA, issuer certificates',
    group: 'pki',
  },
  {
    name: 'sandbox',
    term: 'sandbox [options]',
    summary:
      'run the issuer and verifier services on localhost (SQLite in --data) with a sample offer and request; Ctrl-C stops',
    group: 'sandbox',
  },
  {
    name: 'doctor',
    term: 'doctor [options]',
    summary: 'check a deployment: keys, permissions, clock, lists, backups, schema, advisories',
    group: 'doctor',
  },
  {
    name: 'config',
    term: 'config',
    summary: "the services' settings: profiles and a configuration file",
    group: 'config',
  },
];

/** Registers the commands of `group` on `program`, loading their modules only now. */
async function registerGroup(program: Command, group: TopLevelCommand['group']): Promise<void> {
  switch (group) {
    case 'agency': {
      const [{ registerIssuerCommands }, { registerVerifierCommands }, { registerServeCommands }] =
        await Promise.all([
          import('./commands/issuer.js'),
          import('./commands/verifier.js'),
          import('./commands/serve.js'),
        ]);
      registerServeCommands(registerIssuerCommands(program), registerVerifierCommands(program));
      return;
    }
    case 'wallet':
      return (await import('./commands/wallet.js')).registerWalletCommands(program);
    case 'verify':
      return (await import('./commands/verify.js')).registerVerifyCommand(program);
    case 'trust-list':
      return (await import('./commands/trust-list.js')).registerTrustListCommands(program);
    case 'verifier-registry':
      return (await import('./commands/verifier-registry.js')).registerVerifierRegistryCommands(
        program,
      );
    case 'pki':
      return (await import('./commands/pki.js')).registerPkiCommands(program);
    case 'sandbox':
      return (await import('./commands/sandbox.js')).registerSandboxCommand(program);
    case 'doctor':
      return (await import('./commands/doctor.js')).registerDoctorCommand(program);
    case 'config':
      return (await import('./commands/config.js')).registerConfigCommands(program);
  }
}

/**
 * Builds the command tree: every command when `only` is not given (for tests and embedding),
 * else the commands named in `only` with the others listed by name for the root's help.
 */
export async function createProgram(only?: readonly string[]): Promise<Command> {
  const stubTerms = new WeakMap<Command, string>();
  const defaultHelp = new Help();
  const program = new Command('sanad')
    .description('Sanad: issue, hold and verify SD-JWT VC and W3C VC-JWT credentials.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      subcommandTerm: (cmd) => stubTerms.get(cmd) ?? defaultHelp.subcommandTerm(cmd),
    })
    // Inherited by every subcommand: commander throws instead of calling process.exit.
    .exitOverride();
  const wanted = new Set(
    TOP_LEVEL.filter((c) => only === undefined || only.includes(c.name)).map((c) => c.group),
  );
  const registered = new Set<TopLevelCommand['group']>();
  for (const command of TOP_LEVEL) {
    if (!wanted.has(command.group)) {
      stubTerms.set(program.command(command.name).description(command.summary), command.term);
    } else if (!registered.has(command.group)) {
      registered.add(command.group);
      await registerGroup(program, command.group);
    }
  }
  return program;
}

/** The top-level command `argv` names (the root takes no option with a value), or none for `sanad --help`. */
function commandNamed(argv: string[]): string[] {
  const words = argv.slice(2).filter((word) => !word.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name === undefined ? [] : [name];
}

/**
 * Runs `sanad` with `argv` (as in `process.argv`) and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    await (await createProgram(commandNamed(argv))).parseAsync(argv);
    return (process.exitCode as ExitCode | undefined) ?? EXIT.OK;
  } catch (err) {
    // commander has already printed its message (unknown option, missing argument...).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    process.stderr.write('sanad: an unexpected internal error occurred (ERR_INTERNAL)\n');
    if (process.env.SANAD_DEBUG === '1')
      process.stderr.write(`${err instanceof Error ? err.stack : inspect(err)}\n`);
    return EXIT.INTERNAL;
  }
}
