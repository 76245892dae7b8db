/**
 * Issue 14, "Set-up and start-up": every start-up failure of `sanad issuer serve`, `sanad verifier
 * serve` and `sanad sandbox` names its cause and its fix and exits 2, never hangs (a service manager
 * must see the exit to restart); the database password comes from the environment or a file; and
 * `sanad` runs as the README documents it, from any folder, with nothing but JSON on stdout.
 * Real processes, real sockets, real PostgreSQL; the only clock is the test runner's own timeout.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSanadError } from '@sanad/core';
import { openPostgresIssuerStore } from '@sanad/issuer';
import { openPostgresServiceStore } from '@sanad/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresSchema } from './support/postgres.js';
import { patient } from './support/patience.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-startup-'));
// Readable by all, so the CLI can also run as an unprivileged user (the low-port case).
chmodSync(work, 0o755);
const cliArgs = [
  '--conditions=@sanad/source',
  '--import',
  import.meta.resolve('tsx'),
  join(root, 'packages/cli/src/bin.ts'),
];
const token = 'operator-token-for-startup-tests-0123456789';
const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(work, { recursive: true, force: true });
});

/** The environment of a child: no database settings inherited from the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SANAD_OPERATOR_TOKEN: token };
  for (const k of [
    'SANAD_DATABASE_URL',
    'PGPASSWORD',
    'PGPASSFILE',
    'PGHOST',
    'PGPORT',
    'PGUSER',
    'PGDATABASE',
    'PGCONNECT_TIMEOUT',
  ])
    delete env[k];
  return { ...env, ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sanad <args>` as a real process and resolves when it has exited, however long that takes. */
function sanad(
  args: string[],
  options: { env?: Record<string, string>; uid?: number } = {},
): Promise<Run> {
  const spawnOptions: SpawnOptions = {
    cwd: work,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  if (options.uid !== undefined)
    Object.assign(spawnOptions, { uid: options.uid, gid: options.uid });
  const child = spawn(process.execPath, [...cliArgs, ...args], spawnOptions);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Starts a service (`sanad … --json` through tsx, or `command`) and resolves with its JSON start-up
 * report; `stop()` sends SIGTERM and resolves with the exit code.
 */
function serve(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; command?: string } = {},
): Promise<{
  info: Record<string, unknown>;
  stderr: () => string;
  stop: () => Promise<number | null>;
}> {
  const child = options.command
    ? spawn(options.command, [...args, '--json'], {
        cwd: options.cwd ?? work,
        env: options.env ?? cleanEnv(),
      })
    : spawn(process.execPath, [...cliArgs, ...args, '--json'], {
        cwd: options.cwd ?? work,
        env: options.env ?? cleanEnv(),
      });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      try {
        const info = JSON.parse(stdout) as Record<string, unknown>;
        resolve({ info, stderr: () => stderr, stop: () => (child.kill('SIGTERM'), exited) });
      } catch {
        // Wait for the whole object.
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

/** Runs a bash script and resolves when it has exited. */
function sh(script: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A TCP server on a free loopback port; `onSocket` decides what it says. */
async function tcpServer(
  onSocket: (socket: Socket) => void = () => undefined,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    // Read (and drop) what the client sends, so its end is seen.
    socket.resume();
    onSocket(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const { server, port } = await tcpServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a MySQL server says first: the protocol-10 handshake greeting (it then waits for the client). */
function mysqlGreeting(): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('8.0.36\0'),
    Buffer.from([1, 0, 0, 0]),
    Buffer.alloc(8, 0x61),
    Buffer.from([0, 0xff, 0xf7, 0xff, 2, 0, 0xff, 0xdf, 21]),
    Buffer.alloc(10),
    Buffer.alloc(13, 0x62),
    Buffer.from('caching_sha2_password\0'),
  ]);
  return Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);
}

/** A fake MySQL server that never closes a connection itself, and reports each connection's end. */
async function fakeMysql(): Promise<{ port: number; closed: Promise<void>[] }> {
  const closed: Promise<void>[] = [];
  const { port } = await tcpServer((socket) => {
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.write(mysqlGreeting());
  });
  return { port, closed };
}

const issuerServe = (...more: string[]) => [
  'issuer',
  'serve',
  '--dir',
  'agency',
  '--base-url',
  'https://issuer.agency.example',
  ...more,
];
const verifierServe = (...more: string[]) => [
  'verifier',
  'serve',
  '--base-url',
  'https://verify.clinic.example',
  '--name',
  'Al Noor Clinic',
  '--trust',
  'trust.json',
  '--key',
  'clinic.jwk.json',
  ...more,
];
/** Started for real: any free port, plain http on loopback. */
const local = ['--port', '0', '--allow-http'];

beforeAll(async () => {
  writeFileSync(
    join(work, 'trust.json'),
    JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }),
  );
  const init = await sanad([
    'issuer',
    'init',
    '--dir',
    'agency',
    '--status-base-url',
    'https://agency.example/status',
  ]);
  expect(init.code, init.stderr).toBe(0);
});

describe('sanad issuer serve, verifier serve and sandbox: start-up failures name their cause and fix', () => {
  it(
    'a port in use: "port N is in use (another service?): stop it or pass --port", exit 2',
    async () => {
      const { port } = await tcpServer();
      for (const args of [
        issuerServe('--port', String(port)),
        verifierServe('--port', String(port)),
        ['sandbox', '--port', String(port), '--data', 'sandbox-data'],
      ]) {
        const run = await sanad(args);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toContain(
          `Port ${port} is in use (another service?): stop it or pass --port`,
        );
        expect(run.stderr).toContain('(ERR_PORT_IN_USE)');
        expect(run.stderr).not.toContain('ERR_INTERNAL');
      }
    },
    patient(240_000),
  );

  const unprivilegedFrom = existsSync('/proc/sys/net/ipv4/ip_unprivileged_port_start')
    ? Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'))
    : 1024;
  it.skipIf(unprivilegedFrom <= 80)(
    'a low port without the right to bind it: names the port and says to pass --port from 1024 up, exit 2',
    async () => {
      // As root, run the CLI as `nobody`, which has no right to bind port 80.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534 } : {};
      const data = join(work, 'unprivileged');
      mkdirSync(data, { mode: 0o777 });
      chmodSync(data, 0o777);
      const run = await sanad(
        ['sandbox', '--port', '80', '--data', join(data, 'sandbox')],
        asNobody,
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('Port 80 needs administrator rights: pass --port');
      expect(run.stderr).toContain('from 1024 up');
      expect(run.stderr).toContain('(ERR_LISTEN_FAILED)');
    },
    patient(240_000),
  );

  it(
    'a bad --port (abc, 70000, -1, 8080.5) is a usage error from the option parser, exit 2',
    async () => {
      const cases: [string, string[]][] = [
        ...['abc', '70000', '-1', '8080.5'].map((bad): [string, string[]] => [
          bad,
          issuerServe('--port', bad),
        ]),
        ['abc', verifierServe('--port', 'abc')],
        ['70000', ['sandbox', '--port', '70000', '--data', 'sandbox-data']],
      ];
      for (const [bad, args] of cases) {
        const run = await sanad(args);
        expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
        expect(run.stderr).toContain(`option '--port <port>' argument '${bad}' is invalid`);
        expect(run.stderr).not.toContain('ERR_INTERNAL');
      }
      // The sandbox also takes the next two ports.
      const sandbox = await sanad(['sandbox', '--port', '65535', '--data', 'sandbox-data']);
      expect(sandbox.code).toBe(2);
      expect(sandbox.stderr).toContain('from 1 to 65533');
    },
    patient(240_000),
  );

  it(
    'a bad --host: an address of another machine, or a name nothing resolves, exit 2',
    async () => {
      const foreign = await sanad(issuerServe('--port', '0', '--host', '192.0.2.1'));
      expect(foreign.code, foreign.stderr).toBe(2);
      expect(foreign.stderr).toContain(
        '192.0.2.1 is not an address of this machine: pass --host 127.0.0.1',
      );
      const unknown = await sanad(verifierServe('--port', '0', '--host', 'no-such-host.invalid'));
      expect(unknown.code, unknown.stderr).toBe(2);
      expect(unknown.stderr).toContain(
        'no-such-host.invalid is neither an IP address nor a host name this machine knows',
      );
      expect(unknown.stderr).toContain('(ERR_LISTEN_FAILED)');
    },
    patient(240_000),
  );

  it(
    'a missing --dir or --data folder (or --key in a missing folder) is named with the fix, exit 2',
    async () => {
      const dir = await sanad([
        'issuer',
        'serve',
        '--dir',
        'no-such-agency',
        '--base-url',
        'https://issuer.agency.example',
      ]);
      expect(dir.code).toBe(2);
      expect(dir.stderr).toContain(
        'The folder no-such-agency (--dir) does not exist: check the path, or create an issuer there with `sanad issuer init --dir no-such-agency`',
      );
      expect(dir.stderr).toContain('(ERR_FOLDER_NOT_FOUND)');
      const data = await sanad(verifierServe('--data', 'no-such-data'));
      expect(data.code).toBe(2);
      expect(data.stderr).toContain(
        'The folder no-such-data (--data) does not exist: create it (mkdir -p no-such-data)',
      );
      const key = await sanad([
        'verifier',
        'serve',
        '--base-url',
        'https://verify.clinic.example',
        '--name',
        'Clinic',
        '--trust',
        'trust.json',
        '--key',
        'no-such-keys/verifier.jwk.json',
      ]);
      expect(key.code).toBe(2);
      expect(key.stderr).toContain('The folder no-such-keys (--key) does not exist');
      const sandbox = await sanad(['sandbox', '--port', '0', '--data', 'trust.json/sandbox']);
      expect(sandbox.code).toBe(2);
      expect(sandbox.stderr).toContain(
        'The folder trust.json/sandbox (--data) cannot be created (a file is in the way)',
      );
    },
    patient(240_000),
  );
});

describe('a database that cannot be used: named (host, never the password) with the reason, exit 2, never a hang', () => {
  it(
    'an unknown scheme (mysql://, sqlite://, no URL at all) is refused at once, before any connection',
    async () => {
      // On a real MySQL port: node-postgres used to connect, fail, and leave the process hanging.
      const mysql = await fakeMysql();
      for (const url of [
        `mysql://sanad:mysql-pass-7f3a@127.0.0.1:${mysql.port}/sanad`,
        'sqlite://agency/issuer.sqlite',
        'agency/issuer.sqlite',
      ]) {
        for (const args of [
          issuerServe('--port', '0', '--database', url),
          verifierServe('--port', '0', '--database', url),
        ]) {
          const run = await sanad(args);
          expect(run.code, run.stderr).toBe(2);
          expect(run.stderr).toContain('(ERR_DATABASE_URL_INVALID)');
          expect(run.stderr).toContain('give postgres://user@host:5432/database');
          expect(run.stderr).not.toContain('mysql-pass-7f3a');
        }
      }
      expect(mysql.closed).toHaveLength(0);
    },
    patient(240_000),
  );

  it(
    'a server that is not PostgreSQL (MySQL behind a postgres:// URL) ends the process with the reason',
    async () => {
      const mysql = await fakeMysql();
      for (const args of [
        issuerServe('--port', '0', '--database', `postgres://sanad@127.0.0.1:${mysql.port}/sanad`),
        verifierServe(
          '--port',
          '0',
          '--database',
          `postgres://sanad@127.0.0.1:${mysql.port}/sanad`,
        ),
      ]) {
        const run = await sanad(args);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toContain(
          `The database sanad at 127.0.0.1:${mysql.port} (user sanad) cannot be reached: the server at 127.0.0.1:${mysql.port} does not speak PostgreSQL`,
        );
        expect(run.stderr).toContain('(ERR_DATABASE_UNREACHABLE)');
      }
    },
    patient(240_000),
  );

  it(
    'connection refused, host name not found and no answer (timeout) each name the host and the reason',
    async () => {
      const refusedPort = await closedPort();
      const refused = await sanad(
        issuerServe('--port', '0', '--database', `postgres://sanad@127.0.0.1:${refusedPort}/sanad`),
      );
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(
        `The database sanad at 127.0.0.1:${refusedPort} (user sanad) cannot be reached: connection refused: start PostgreSQL on 127.0.0.1:${refusedPort}`,
      );

      const unknown = await sanad(
        verifierServe(
          '--port',
          '0',
          '--database',
          'postgres://sanad@db.no-such-host.invalid/sanad',
        ),
      );
      expect(unknown.code, unknown.stderr).toBe(2);
      expect(unknown.stderr).toContain(
        'cannot be reached: the host name db.no-such-host.invalid was not found: check the host in the URL',
      );

      // A server that accepts and then says nothing: connect_timeout (seconds, as in libpq) bounds the wait.
      const { port: silentPort } = await tcpServer();
      const silent = await sanad(
        issuerServe(
          '--port',
          '0',
          '--database',
          `postgres://sanad@127.0.0.1:${silentPort}/sanad?connect_timeout=1`,
        ),
      );
      expect(silent.code, silent.stderr).toBe(2);
      expect(silent.stderr).toContain(
        `cannot be reached: no answer from 127.0.0.1:${silentPort} within 1 s`,
      );
      expect(silent.stderr).toContain('(ERR_DATABASE_UNREACHABLE)');
    },
    patient(240_000),
  );

  it(
    'openPostgresIssuerStore and openPostgresServiceStore refuse with ERR_DATABASE_UNREACHABLE and close their socket',
    async () => {
      const mysql = await fakeMysql();
      const connectionString = `postgres://sanad:store-pass-41c9@127.0.0.1:${mysql.port}/sanad`;
      for (const open of [
        () => openPostgresIssuerStore({ connectionString }),
        () => openPostgresServiceStore({ connectionString }),
      ]) {
        const err = await open().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isSanadError(err) && err.code).toBe('ERR_DATABASE_UNREACHABLE');
        expect(String((err as Error).message)).toContain(`127.0.0.1:${mysql.port}`);
        expect(String((err as Error).message)).not.toContain('store-pass-41c9');
      }
      // The server saw both connections end: nothing is left to keep a process alive.
      expect(mysql.closed).toHaveLength(2);
      await Promise.all(mysql.closed);
      const unknownScheme = await openPostgresServiceStore({
        connectionString: 'mysql://sanad@127.0.0.1/sanad',
      }).catch((e: unknown) => e);
      expect(isSanadError(unknownScheme) && unknownScheme.code).toBe('ERR_DATABASE_URL_INVALID');
    },
    patient(240_000),
  );
});

describeWithPostgres(
  'the database password: from the environment or a file, never printed',
  (url) => {
    const u = new URL(url);
    const withPassword = (password: string | undefined, database = u.pathname.slice(1)) => {
      const v = new URL(url);
      v.password = password ?? '';
      v.pathname = `/${database}`;
      return v.toString();
    };
    const noPassword = withPassword(undefined);

    it(
      'authentication failed, no password given and database does not exist: named with the fix; a password on the command line gets a warning and is never printed',
      async () => {
        const wrong = await sanad(
          issuerServe(
            '--port',
            '0',
            '--schema',
            postgresSchema(),
            '--database',
            withPassword('wrong-pass-8d2f'),
          ),
        );
        expect(wrong.code, wrong.stderr).toBe(2);
        expect(wrong.stderr).toContain(
          `The database ${u.pathname.slice(1)} at ${u.hostname}:${u.port} (user ${u.username}) cannot be reached: password authentication failed for user ${u.username}`,
        );
        expect(wrong.stderr).toContain(
          'sanad: warning: the database password is on the command line',
        );
        expect(wrong.stderr + wrong.stdout).not.toContain('wrong-pass-8d2f');

        const none = await sanad(
          verifierServe('--port', '0', '--schema', postgresSchema(), '--database', noPassword),
        );
        expect(none.code, none.stderr).toBe(2);
        expect(none.stderr).toContain(
          `the server asks for a password for user ${u.username} and none was given: set PGPASSWORD, or put it in ~/.pgpass`,
        );
        expect(none.stderr).not.toContain('warning');

        const missing = await sanad(
          issuerServe(
            '--port',
            '0',
            '--schema',
            postgresSchema(),
            '--database',
            withPassword(undefined, 'sanad_no_such_db'),
          ),
          { env: { PGPASSWORD: u.password } },
        );
        expect(missing.code, missing.stderr).toBe(2);
        expect(missing.stderr).toContain(
          `the database sanad_no_such_db does not exist: create it (createdb -O ${u.username} sanad_no_such_db)`,
        );
        expect(missing.stderr).toContain('(ERR_DATABASE_UNREACHABLE)');
      },
      patient(240_000),
    );

    it(
      'SANAD_DATABASE_URL instead of --database: the service runs on PostgreSQL with no warning',
      async () => {
        const service = await serve(
          [
            'issuer',
            'serve',
            '--dir',
            'agency',
            '--base-url',
            'http://127.0.0.1:1',
            ...local,
            '--schema',
            postgresSchema(),
          ],
          { env: cleanEnv({ SANAD_DATABASE_URL: url }) },
        );
        expect(service.info).toMatchObject({ storage: 'postgresql' });
        expect(await service.stop()).toBe(0);
        expect(service.stderr()).not.toContain('warning');
      },
      patient(240_000),
    );

    it(
      'the password from PGPASSWORD, ~/.pgpass or PGPASSFILE (the URL holds none), with no warning',
      async () => {
        const pgpass = join(work, 'pgpass');
        writeFileSync(pgpass, `${u.hostname}:${u.port}:*:${u.username}:${u.password}\n`, {
          mode: 0o600,
        });
        const home = join(work, 'home');
        mkdirSync(home, { recursive: true });
        writeFileSync(
          join(home, '.pgpass'),
          `${u.hostname}:${u.port}:*:${u.username}:${u.password}\n`,
          { mode: 0o600 },
        );
        const sources: Record<string, string>[] = [
          { PGPASSWORD: u.password },
          { PGPASSFILE: pgpass },
          { HOME: home },
        ];
        for (const env of sources) {
          const service = await serve(
            [
              'verifier',
              'serve',
              '--base-url',
              'http://127.0.0.1:1',
              ...local,
              '--name',
              'Clinic',
              '--trust',
              'trust.json',
              '--key',
              'clinic.jwk.json',
              '--schema',
              postgresSchema(),
              '--database',
              noPassword,
            ],
            { env: cleanEnv(env) },
          );
          expect(service.info, JSON.stringify(env)).toMatchObject({
            client_id: expect.any(String),
          });
          expect(await service.stop()).toBe(0);
          expect(service.stderr()).not.toContain('warning');
        }
      },
      patient(240_000),
    );
  },
);

describe('sanad as the README documents it, on a fresh clone with only Node.js and npm', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const line = (start: string) => readme.split('\n').find((l) => l.startsWith(start));

  it.skipIf(!existsSync(join(root, '.git')))(
    'runs from a folder outside the checkout: paths from that folder, nothing but JSON on stdout with --json',
    async () => {
      const install = line('npx --yes pnpm@10.34.9 install && npx --yes pnpm@10.34.9 build');
      const path = line('export PATH=');
      expect(install, 'README: the install-and-build line').toBeDefined();
      expect(path, 'README: the export PATH line').toBeDefined();

      const clone = join(work, 'clone');
      const outside = join(work, 'elsewhere');
      mkdirSync(outside);
      const head = (await sh('git rev-parse HEAD', root)).stdout.trim();
      const cloned = await sh(
        `git clone --quiet --no-checkout "${root}" "${clone}" && git -C "${clone}" checkout --quiet --detach ${head}`,
        work,
      );
      expect(cloned.code, cloned.stderr).toBe(0);
      // The README's lines as written, one per line (they end in comments); packages from the local store when it has them.
      const built = await sh(
        ['set -e', 'exec 3>&1 1>&2', install!, path!, 'printf %s "$PATH" >&3'].join('\n'),
        clone,
        { ...process.env, npm_config_prefer_offline: 'true' },
      );
      expect(built.code, built.stderr).toBe(0);
      const env = cleanEnv({ PATH: built.stdout });
      expect((await sh('command -v sanad', outside, env)).stdout.trim()).toBe(
        join(clone, 'packages/cli/bin/sanad'),
      );

      // (a) and (c): `sanad` from the PATH; with --json, stdout is exactly one JSON object.
      const init = await sh(
        'sanad issuer init --dir agency --status-base-url https://agency.example/status --json',
        outside,
        env,
      );
      expect(init.code, init.stderr).toBe(0);
      expect(JSON.parse(init.stdout)).toMatchObject({
        dir: 'agency',
        issuer: expect.stringMatching(/^did:key:/),
      });
      // (b): relative paths are the caller's, not the checkout's.
      expect(existsSync(join(outside, 'agency', 'issuer-key.jwk.json'))).toBe(true);
      expect(existsSync(join(clone, 'agency'))).toBe(false);

      // verifier serve's default --key lands in the caller's folder, never in the checkout.
      const verifier = await serve(
        [
          'verifier',
          'serve',
          '--base-url',
          'http://127.0.0.1:1',
          ...local,
          '--name',
          'Clinic',
          '--trust',
          join(work, 'trust.json'),
        ],
        { command: 'sanad', cwd: outside, env },
      );
      expect(verifier.info).toMatchObject({ client_id: expect.any(String) });
      expect(await verifier.stop()).toBe(0);
      expect(existsSync(join(outside, 'verifier-key.jwk.json'))).toBe(true);
      expect(existsSync(join(clone, 'verifier-key.jwk.json'))).toBe(false);
    },
    patient(900_000),
  );
});
