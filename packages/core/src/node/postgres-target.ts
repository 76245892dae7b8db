/**
 * Where a `postgres://` URL points, and why a server there cannot be reached, in words an
 * operator can act on: the host, port, database and user (never the password) and the cause
 * (refused, name not found, authentication, no such database, timeout, not PostgreSQL).
 * Shared by the issuer's and the services' PostgreSQL stores; free of the `pg` package itself.
 *
 * The password, as libpq takes it: from the URL, else PGPASSWORD, else the password file
 * (PGPASSFILE, or ~/.pgpass), so it never has to be on a command line. node-postgres 8 reads the
 * file too but warns that it will stop (pg 9), so Sanad reads it itself.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SanadError } from '../errors.js';

/** A parsed database URL, safe to print. */
export interface PostgresTarget {
  /** `db.internal:5432`, or the socket folder for a Unix-socket connection. */
  host: string;
  port: number;
  database: string;
  user: string;
  /** True when the URL itself carries a password (it then shows in `ps` and shell history). */
  hasPassword: boolean;
  /** The URL with any password replaced by `***`. */
  redacted: string;
  /** The URL to connect with: `url`, plus the password from the password file when neither it nor PGPASSWORD has one. Never print it. */
  connectionString: string;
  /** How long to wait for the server's answer: `connect_timeout` (seconds) in the URL, or PGCONNECT_TIMEOUT, or 10 s. */
  connectTimeoutMs: number;
}

const DEFAULT_CONNECT_TIMEOUT_S = 10;

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Replaces the password of a `scheme://user:password@host` URL with `***`.
 *
 * @example
 * ```ts
 * redactDatabaseUrl('postgres://sanad:s3cret@db/sanad') // 'postgres://sanad:***@db/sanad'
 * ```
 */
export function redactDatabaseUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/i, '$1***');
}

/**
 * Checks that `url` is a `postgres://` or `postgresql://` URL and describes where it points,
 * with the same defaults as node-postgres (PGHOST, PGPORT, PGUSER, PGDATABASE, then localhost:5432),
 * and the connection string to use: with the password from the password file (PGPASSFILE or
 * ~/.pgpass) when neither the URL nor PGPASSWORD has one. Anything else than PostgreSQL
 * (`mysql://`, `sqlite://`, a file name) is refused at once.
 *
 * @example
 * ```ts
 * const target = postgresTarget(process.env.SANAD_DATABASE_URL!)
 * console.log(`PostgreSQL at ${target.host}:${target.port}/${target.database}`)
 * const pool = new pg.Pool({ connectionString: target.connectionString })
 * ```
 */
export function postgresTarget(url: string, env: NodeJS.ProcessEnv = process.env): PostgresTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    const what = scheme ? `a ${scheme}: URL` : 'not a URL';
    throw new SanadError(
      'ERR_DATABASE_URL_INVALID',
      `The database URL is ${what}: Sanad stores its data in PostgreSQL; give postgres://user@host:5432/database (or leave --database out for SQLite).`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new SanadError(
      'ERR_DATABASE_URL_INVALID',
      `The database URL ${redactDatabaseUrl(url)} cannot be parsed: write it as postgres://user@host:5432/database (percent-encode special characters).`,
      { cause },
    );
  }
  const query = parsed.searchParams;
  const socketDir = query.get('host') ?? undefined;
  const host = decoded(parsed.hostname) || socketDir || env.PGHOST || 'localhost';
  const port = Number(parsed.port || query.get('port') || env.PGPORT || 5432);
  const user = decoded(parsed.username) || query.get('user') || env.PGUSER || env.USER || '';
  const database = decoded(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  const timeout = Number(
    query.get('connect_timeout') ?? env.PGCONNECT_TIMEOUT ?? DEFAULT_CONNECT_TIMEOUT_S,
  );
  const hasPassword = parsed.password !== '' || query.has('password');
  const fromFile =
    hasPassword || env.PGPASSWORD
      ? undefined
      : passwordFromFile(env, { host, port, database, user });
  let connectionString = url;
  if (fromFile !== undefined) {
    // A query parameter, which node-postgres reads like the user:password part (and works for socket URLs too).
    const withPassword = new URL(url);
    withPassword.searchParams.set('password', fromFile);
    connectionString = withPassword.toString();
  }
  return {
    host,
    port,
    database,
    user,
    hasPassword,
    redacted: redactDatabaseUrl(url),
    connectionString,
    connectTimeoutMs:
      Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : DEFAULT_CONNECT_TIMEOUT_S * 1000,
  };
}

/**
 * The password for `to` in the password file (PGPASSFILE, or ~/.pgpass), as libpq reads it: lines
 * `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped, `#` comments;
 * a file that others can read is ignored (libpq does the same). Undefined when there is none.
 */
function passwordFromFile(
  env: NodeJS.ProcessEnv,
  to: { host: string; port: number; database: string; user: string },
): string | undefined {
  const file = env.PGPASSFILE || join(env.HOME || homedir(), '.pgpass');
  let text: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile() || (process.platform !== 'win32' && (stat.mode & 0o077) !== 0))
      return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // libpq: "localhost" in the file also matches a Unix-socket connection.
  const host = to.host.startsWith('/') ? 'localhost' : to.host;
  const wanted = [host, String(to.port), to.database, to.user];
  for (const line of text.split(/\r?\n/)) {
    if (line.trimStart().startsWith('#')) continue;
    const fields = pgpassFields(line);
    if (fields.length < 5) continue;
    const entry = fields.slice(0, 4);
    const password = fields[4]!;
    if (entry.every((field, i) => field === '*' || field === wanted[i])) return password;
  }
  return undefined;
}

/** The five fields of a password-file line; the password is the rest of the line. */
function pgpassFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      i += 1;
      field += line[i];
    } else if (c === ':' && fields.length < 4) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/** The cause of a failed connection, in words, and what to do about it. */
function reason(target: PostgresTarget, err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  const where = `${target.host}:${target.port}`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `connection refused: start PostgreSQL on ${where}, or check the host and port (and listen_addresses on the server)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `the host name ${target.host} was not found: check the host in the URL`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${target.host}: check the network and the host`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the server at ${where} closed the connection: check that it is PostgreSQL and that its TLS settings match sslmode`;
    case 'ENOENT':
      return `no PostgreSQL socket in ${target.host}: check the host and that PostgreSQL is running`;
    case '28P01':
      return `password authentication failed for user ${target.user}: check the password (PGPASSWORD, ~/.pgpass or SANAD_DATABASE_URL)`;
    case '28000':
      return `the server refused user ${target.user} from this machine: check the user, and pg_hba.conf on the server`;
    case '3D000':
      return `the database ${target.database} does not exist: create it (createdb -O ${target.user || '<user>'} ${target.database}) or fix its name in the URL`;
    case '53300':
      return 'the server has no connection slot left: lower the pool size of other clients or raise max_connections';
    case '57P03':
      return 'the server is starting up or shutting down: try again when it is ready';
  }
  if (/timeout/i.test(message))
    return `no answer from ${where} within ${target.connectTimeoutMs / 1000} s: check the host, the port and any firewall (connect_timeout in the URL waits longer)`;
  if (/client password must be a string|password authentication/i.test(message)) {
    return `the server asks for a password for user ${target.user} and none was given: set PGPASSWORD, or put it in ~/.pgpass (or the file PGPASSFILE names; mode 0600, or it is ignored)`;
  }
  if (/received invalid response|unexpected|not supported/i.test(message)) {
    return `the server at ${where} does not speak PostgreSQL (another database, such as MySQL on 3306?): check the port`;
  }
  if (/SSL|TLS|certificate/i.test(message))
    return `the TLS connection to ${where} failed: check sslmode in the URL and the server's certificate`;
  if (e?.cause !== undefined && e.cause !== err) return reason(target, e.cause);
  return `the connection to ${where} failed${e?.code ? ` (${e.code})` : ''}`;
}

/**
 * The typed error for a database that cannot be reached: it names the host, database and user
 * and the reason, never the password.
 *
 * @example
 * ```ts
 * try { await client.connect() } catch (err) { throw postgresUnreachable(target, err) }
 * ```
 */
export function postgresUnreachable(target: PostgresTarget, cause: unknown): SanadError {
  return new SanadError(
    'ERR_DATABASE_UNREACHABLE',
    `The database ${target.database} at ${target.host}:${target.port} (user ${target.user || 'unset'}) cannot be reached: ${reason(target, cause)}.`,
    { cause },
  );
}

/** What {@link probePostgres} needs of a node-postgres `Client`. */
export interface PostgresProbeClient {
  connect(): Promise<unknown>;
  end(): Promise<unknown>;
  readonly connection: { readonly stream: { destroy(): void } };
}

/**
 * Connects once to check the server answers, with typed errors, and always closes the socket.
 * node-postgres leaves the socket of a failed connection open when the server answered with
 * something other than PostgreSQL (a MySQL server, say); a pool then drops the client but not its
 * socket, and the process never exits.
 *
 * @example
 * ```ts
 * await probePostgres(target, () => new pg.Client({ connectionString, connectionTimeoutMillis: target.connectTimeoutMs }))
 * ```
 */
export async function probePostgres(
  target: PostgresTarget,
  newClient: () => PostgresProbeClient,
): Promise<void> {
  let client: PostgresProbeClient;
  try {
    client = newClient();
  } catch (cause) {
    throw new SanadError(
      'ERR_DATABASE_URL_INVALID',
      `The database URL ${target.redacted} cannot be parsed: write it as postgres://user@host:5432/database (percent-encode special characters).`,
      { cause },
    );
  }
  try {
    await client.connect();
  } catch (cause) {
    client.connection.stream.destroy();
    throw postgresUnreachable(target, cause);
  }
  await client.end();
}
