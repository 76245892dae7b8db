/**
 * Starting a service from the CLI (`issuer serve`, `verifier serve`, `sandbox`): every way it can
 * fail before serving names its cause and its fix, as a typed error (exit code 2), before anything
 * is opened where possible.
 */
import { mkdirSync, statSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import { isSanadError, SanadError } from '@sanad/core';
import { postgresTarget, type PostgresTarget } from '@sanad/core/node';
import { type Listening, listen } from '@sanad/server';

/** The environment variable that may hold the whole database URL instead of `--database`. */
export const DATABASE_URL_ENV = 'SANAD_DATABASE_URL';

/**
 * `--port <port>`: a whole number from 0 (any free port, printed once listening) to `max`; anything
 * else is a usage error from the option parser.
 */
export function portOption(description: string, defaultPort: number, max = 65535): Option {
  return new Option('--port <port>', description).default(defaultPort).argParser((value) => {
    if (!/^\d{1,5}$/.test(value) || Number(value) > max)
      throw new InvalidArgumentError(
        `The port must be a whole number from 1 to ${max} (0: any free port).`,
      );
    return Number(value);
  });
}

/** `--database <url>`, or the whole URL from SANAD_DATABASE_URL (which keeps the password off the command line). */
export function databaseOption(
  description = 'postgres://… shared by every instance (default: SQLite in the data folder)',
): Option {
  return new Option('--database <url>', `${description}; or set ${DATABASE_URL_ENV}`).env(
    DATABASE_URL_ENV,
  );
}

/**
 * Checks a `--database` URL before anything is opened: only postgres:// (anything else is refused
 * at once), and a warning on stderr when the password is on the command line. Never prints the password.
 */
export function checkDatabaseUrl(
  url: string | undefined,
  stderr: NodeJS.WritableStream = process.stderr,
): PostgresTarget | undefined {
  if (url === undefined) return undefined;
  const target = postgresTarget(url);
  if (target.hasPassword && process.env[DATABASE_URL_ENV] !== url) {
    stderr.write(
      `sanad: warning: the database password is on the command line, where \`ps\` and the shell history show it: set ${DATABASE_URL_ENV} instead, or leave the password out of the URL and use PGPASSWORD or ~/.pgpass (see docs/deployment.md).\n`,
    );
  }
  return target;
}

/** Refuses a folder option (`--dir`, `--data`) that names no folder, saying how to fix it. */
export function requireFolder(path: string, option: string, create?: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new SanadError(
      'ERR_FOLDER_NOT_FOUND',
      `The folder ${path} (${option}) does not exist: ${create ?? `create it (mkdir -p ${path}) or give ${option} an existing folder`}.`,
    );
  }
  if (!isFolder)
    throw new SanadError(
      'ERR_FOLDER_NOT_FOUND',
      `${path} (${option}) is a file, not a folder: give ${option} a folder.`,
    );
}

/** Creates a folder option's folder if missing (the sandbox's `--data`), or says why it cannot. */
export function createFolder(path: string, option: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a file is in the way'
          : `${code ?? 'it failed'}`;
    throw new SanadError(
      'ERR_FOLDER_NOT_FOUND',
      `The folder ${path} (${option}) cannot be created (${why}): give ${option} a folder you can write to.`,
      { cause },
    );
  }
  requireFolder(path, option);
}

/**
 * The listen failure of a CLI service, told with the options that fix it (`--port`, `--host`).
 * Other errors pass through unchanged.
 */
export function explainListenFailure(
  err: unknown,
  flags: { port: string; host?: string } = { port: '--port', host: '--host' },
): unknown {
  if (!isSanadError(err) || (err.code !== 'ERR_PORT_IN_USE' && err.code !== 'ERR_LISTEN_FAILED'))
    return err;
  const cause = err.cause as
    | (NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string })
    | undefined;
  const port = cause?.port;
  const host = cause?.address ?? cause?.hostname;
  const setHost = flags.host
    ? `pass ${flags.host} 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses`
    : 'listen on 127.0.0.1';
  switch (cause?.code) {
    case 'EADDRINUSE':
      return new SanadError(
        'ERR_PORT_IN_USE',
        `Port ${port} is in use (another service?): stop it or pass ${flags.port}.`,
        { cause },
      );
    case 'EACCES':
    case 'EPERM':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `Port ${port} needs administrator rights: pass ${flags.port} with a port from 1024 up (a reverse proxy or load balancer in front can keep 443), or give Node the right to bind low ports.`,
        { cause },
      );
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `${host ?? 'That address'} is not an address of this machine: ${setHost}.`,
        { cause },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `${host ?? 'That host'} is neither an IP address nor a host name this machine knows: ${setHost}.`,
        { cause },
      );
    default:
      return err;
  }
}

/**
 * {@link listen} for a CLI service, with failures told as {@link explainListenFailure} tells them.
 *
 * @example
 * ```ts
 * const server = await listenService((r) => app.fetch(r), { port: o.port, host: o.host })
 * ```
 */
export async function listenService(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { port: number; host: string },
): Promise<Listening> {
  try {
    return await listen(fetch, { port: options.port, hostname: options.host });
  } catch (err) {
    throw explainListenFailure(err);
  }
}
