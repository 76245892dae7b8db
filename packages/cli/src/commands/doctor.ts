/**
 * `sanad doctor`: checks a deployment the way `sanad issuer serve` and `sanad verifier serve` will
 * use it (same folders and flags), without changing anything: operator token, file permissions,
 * https base URL, clock, trust list and status lists, backups, schema, dependency advisories.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError } from 'commander';
import { decodeJwt, isSanadError, loadTrustList, publicJwkOf } from '@sanad/core';
import {
  CERTIFICATE_CHAIN_FILE,
  ISSUER_KEY_FILE,
  loadCertificateChainFile,
  loadIssuerKeyFile,
  REGISTER_FILE,
  REGISTER_POINTER_FILE,
  RETIRED_KEYS_DIR,
  sqliteIssuerSchema,
} from '@sanad/issuer';
import { action } from '../command.js';
import { inRange, installedVersions, parseAdvisories } from '../doctor/advisories.js';
import { EXIT } from '../exit-codes.js';
import { readInput } from '../io.js';
import { OPERATOR_TOKEN_ENV } from '../serve.js';
import { pinnedKeyOption } from './authority.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Which check (stable): `operator-token`, `permissions`, `base-url`, `clock`, … */
  check: string;
  status: CheckStatus;
  /** What was found (stable, for scripts): `token-short`, `key-file-open`, `clock-skewed`, … */
  code: string;
  message: string;
}

interface DoctorOptions {
  dir?: string;
  data?: string;
  key?: string;
  trust?: string;
  pinnedKey?: string;
  baseUrl?: string;
  allowHttp?: boolean;
  statusCache?: string;
  backups?: string;
  backupMaxAge: number;
  clockUrl?: string;
  advisories?: string;
}

const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_ADVISORIES = join(CLI_DIR, 'advisories.json');
const DAY = 86_400_000;
/** The operator token `serve` asks for: at least this long, from a random generator. */
const MIN_TOKEN_LENGTH = 24;
/** Clock skew past which signed times (iat, exp, nonces) go wrong; warned about from a tenth of it. */
const MAX_SKEW_SECONDS = 300;

const result = (
  check: string,
  status: CheckStatus,
  code: string,
  message: string,
): CheckResult => ({ check, status, code, message });

function checkOperatorToken(): CheckResult {
  const token = process.env[OPERATOR_TOKEN_ENV];
  if (!token)
    return result(
      'operator-token',
      'fail',
      'token-missing',
      `${OPERATOR_TOKEN_ENV} is not set: the services do not start without it.`,
    );
  if (token.length < MIN_TOKEN_LENGTH)
    return result(
      'operator-token',
      'fail',
      'token-short',
      `${OPERATOR_TOKEN_ENV} has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones.`,
    );
  // A random token of this length uses many different characters; a word or a pattern does not.
  if (new Set(token).size < 12)
    return result(
      'operator-token',
      'warn',
      'token-guessable',
      `${OPERATOR_TOKEN_ENV} repeats few characters: make it random (e.g. openssl rand -base64 32).`,
    );
  return result(
    'operator-token',
    'ok',
    'token-strong',
    `${OPERATOR_TOKEN_ENV} is set, ${token.length} characters.`,
  );
}

function checkBaseUrl(o: DoctorOptions): CheckResult {
  if (o.baseUrl === undefined)
    return result('base-url', 'skip', 'not-given', 'No --base-url given.');
  if (o.baseUrl.startsWith('https://'))
    return result('base-url', 'ok', 'https', `${o.baseUrl} is https.`);
  if (o.baseUrl.startsWith('http://')) {
    return o.allowHttp
      ? result('base-url', 'warn', 'base-url-http', `${o.baseUrl} is plain http: local tests only.`)
      : result(
          'base-url',
          'fail',
          'base-url-http',
          `${o.baseUrl} is plain http: the services refuse it; put TLS in front and give the https URL.`,
        );
  }
  return result('base-url', 'fail', 'base-url-invalid', `${o.baseUrl} is not an https URL.`);
}

/** Private keys (owner-only), folders (never world-writable) and databases (not readable by others). */
async function checkPermissions(o: DoctorOptions): Promise<CheckResult[]> {
  if (process.platform === 'win32')
    return [result('permissions', 'skip', 'not-posix', 'File modes are not checked on Windows.')];
  const keys: string[] = [];
  const folders: string[] = [];
  const databases: string[] = [];
  if (o.dir !== undefined && existsSync(o.dir)) {
    folders.push(o.dir);
    keys.push(join(o.dir, ISSUER_KEY_FILE));
    const retired = join(o.dir, RETIRED_KEYS_DIR);
    if (existsSync(retired)) {
      folders.push(retired);
      for (const file of await readdir(retired)) keys.push(join(retired, file));
    }
    databases.push(join(o.dir, REGISTER_FILE), join(o.dir, 'service.sqlite'));
  }
  if (o.key !== undefined) keys.push(o.key);
  if (o.data !== undefined) {
    folders.push(o.data);
    databases.push(join(o.data, 'verifier.sqlite'));
  }
  const found: CheckResult[] = [];
  const modeOf = async (path: string): Promise<number | undefined> =>
    (await stat(path).catch(() => undefined))?.mode;
  for (const path of keys) {
    const mode = await modeOf(path);
    if (mode !== undefined && (mode & 0o077) !== 0)
      found.push(
        result(
          'permissions',
          'fail',
          'key-file-open',
          `${path} (a private key) is mode ${(mode & 0o777).toString(8)}: run chmod 600 ${path}.`,
        ),
      );
  }
  for (const path of folders) {
    const mode = await modeOf(path);
    if (mode !== undefined && (mode & 0o002) !== 0)
      found.push(
        result(
          'permissions',
          'fail',
          'folder-world-writable',
          `${path} can be written by anyone: run chmod o-w ${path}.`,
        ),
      );
  }
  for (const path of databases) {
    const mode = await modeOf(path);
    if (mode !== undefined && (mode & 0o007) !== 0)
      found.push(
        result(
          'permissions',
          'warn',
          'database-open',
          `${path} can be read by other users: run chmod o-rwx ${path}.`,
        ),
      );
  }
  if (keys.length + folders.length === 0)
    return [result('permissions', 'skip', 'not-given', 'No --dir, --key or --data given.')];
  return found.length > 0
    ? found
    : [
        result(
          'permissions',
          'ok',
          'owner-only',
          `${keys.length} key file(s) owner-only; folders not world-writable.`,
        ),
      ];
}

async function checkIssuerFolder(dir: string | undefined): Promise<CheckResult[]> {
  if (dir === undefined) return [];
  if (!existsSync(dir))
    return [result('issuer-folder', 'fail', 'folder-missing', `${dir} does not exist.`)];
  const found: CheckResult[] = [];
  try {
    await loadIssuerKeyFile(join(dir, ISSUER_KEY_FILE));
    found.push(
      result(
        'issuer-folder',
        'ok',
        'key-loaded',
        `${join(dir, ISSUER_KEY_FILE)} holds a private key.`,
      ),
    );
  } catch (err) {
    found.push(
      result(
        'issuer-folder',
        'fail',
        isSanadError(err) ? err.code : 'key-unreadable',
        `${join(dir, ISSUER_KEY_FILE)}: ${isSanadError(err) ? err.message : 'cannot be read.'}`,
      ),
    );
  }
  const register = join(dir, REGISTER_FILE);
  if (existsSync(join(dir, REGISTER_POINTER_FILE))) {
    found.push(
      result(
        'schema',
        'skip',
        'postgres',
        'The register is in PostgreSQL: its schema is checked and migrated when the service starts.',
      ),
    );
  } else if (!existsSync(register)) {
    found.push(
      result(
        'schema',
        'fail',
        'register-missing',
        `${register} does not exist: is ${dir} an issuer folder (sanad issuer init)?`,
      ),
    );
  } else {
    try {
      const { version, current } = sqliteIssuerSchema(register);
      if (version === current)
        found.push(
          result('schema', 'ok', 'schema-current', `The register is at schema version ${version}.`),
        );
      else if (version < current)
        found.push(
          result(
            'schema',
            'warn',
            'migration-pending',
            `The register is at schema version ${version}; this release migrates it to ${current} when it opens it: back it up first.`,
          ),
        );
      else
        found.push(
          result(
            'schema',
            'fail',
            'schema-newer',
            `The register is at schema version ${version}, written by a newer Sanad than this one (${current}).`,
          ),
        );
    } catch {
      found.push(
        result(
          'schema',
          'fail',
          'register-unreadable',
          `${register} cannot be read as a register.`,
        ),
      );
    }
  }
  return found;
}

/** Certificates run out on a date: warned about a month ahead, since every credential then fails. */
const CERTIFICATE_WARNING_DAYS = 30;

/** Where `notAfter` leaves a certificate at `now`: expired, expiring within the warning, or fine. */
function certificateDates(notAfter: Date, now: number): 'expired' | 'expiring' | 'valid' {
  const left = notAfter.getTime() - now;
  return left <= 0 ? 'expired' : left < CERTIFICATE_WARNING_DAYS * DAY ? 'expiring' : 'valid';
}

/** The issuer folder's certificate chain (HAIP), when it has one: for its key, and in its dates. */
async function checkCertificateChain(dir: string | undefined, now: number): Promise<CheckResult[]> {
  if (dir === undefined || !existsSync(join(dir, CERTIFICATE_CHAIN_FILE))) return [];
  const file = join(dir, CERTIFICATE_CHAIN_FILE);
  try {
    const { certifiesKey, parseCertificate } = await import('@sanad/core/x509');
    const chain = ((await loadCertificateChainFile(file)) ?? []).map(parseCertificate);
    const key = publicJwkOf(await loadIssuerKeyFile(join(dir, ISSUER_KEY_FILE)));
    const leaf = chain[0]!;
    if (!certifiesKey(leaf, key))
      return [
        result(
          'certificate',
          'fail',
          'certificate-key-mismatch',
          `${file} is not for the folder's key (after a key rotation?): \`sanad pki issuer --renew\`, or install the certificate of the current key.`,
        ),
      ];
    const found: CheckResult[] = [];
    for (const cert of chain) {
      const dates = certificateDates(cert.notAfter, now);
      if (dates !== 'valid')
        found.push(
          result(
            'certificate',
            dates === 'expired' ? 'fail' : 'warn',
            dates === 'expired' ? 'certificate-expired' : 'certificate-expiring',
            `"${cert.subjectName}" in ${file} ${dates === 'expired' ? 'expired' : 'expires'} at ${cert.notAfter.toISOString()}: credentials verify only while it is valid; renew it${dates === 'expired' ? ' and reissue' : ''}.`,
          ),
        );
    }
    return found.length > 0
      ? found
      : [
          result(
            'certificate',
            'ok',
            'certificate-valid',
            `${file}: ${leaf.uris.join(', ') || leaf.subjectName}, valid until ${leaf.notAfter.toISOString()}.`,
          ),
        ];
  } catch (err) {
    return [
      result(
        'certificate',
        'fail',
        isSanadError(err) ? err.code : 'certificate-unreadable',
        `${file}: ${isSanadError(err) ? err.message : 'cannot be read.'}`,
      ),
    ];
  }
}

/** The local clock against the Date header of a server the operator trusts (one second resolution). */
async function checkClock(url: string | undefined): Promise<CheckResult> {
  if (url === undefined)
    return result(
      'clock',
      'skip',
      'not-given',
      'Not compared: give --clock-url <https URL> (a server with a reliable clock) to compare.',
    );
  const before = Date.now();
  let date: string | null;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    date = response.headers.get('date');
  } catch {
    return result(
      'clock',
      'warn',
      'clock-unreachable',
      `${url} could not be reached: the clock was not compared.`,
    );
  }
  const after = Date.now();
  const theirs = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(theirs))
    return result(
      'clock',
      'warn',
      'clock-no-date',
      `${url} sent no usable Date header: the clock was not compared.`,
    );
  // Their second was somewhere in [theirs, theirs + 1 s); ours somewhere between sending and receiving.
  const skew =
    Math.max(0, Math.abs((before + after) / 2 - (theirs + 500)) - (after - before) / 2 - 500) /
    1000;
  const text = `The clock differs from ${url} by ${skew.toFixed(1)} s.`;
  if (skew > MAX_SKEW_SECONDS)
    return result(
      'clock',
      'fail',
      'clock-skewed',
      `${text} Credentials and nonces will be judged wrongly: set the time (NTP).`,
    );
  if (skew > MAX_SKEW_SECONDS / 10)
    return result('clock', 'warn', 'clock-drifting', `${text} Turn on time synchronisation (NTP).`);
  return result('clock', 'ok', 'clock-agrees', text);
}

async function checkTrustList(o: DoctorOptions, now: number): Promise<CheckResult[]> {
  if (o.trust === undefined) return [];
  try {
    const pinnedKey = await pinnedKeyOption(o.pinnedKey);
    const { document, signed } = await loadTrustList(
      await readInput(o.trust),
      pinnedKey ? { pinnedKey } : {},
    );
    const found: CheckResult[] = [];
    if (!signed)
      found.push(
        result(
          'trust-list',
          'warn',
          'trust-list-unsigned',
          `${o.trust} is not signed: sign it, and pin the authority key with --pinned-key.`,
        ),
      );
    if (document.expires_at !== undefined && Date.parse(document.expires_at) - now < 7 * DAY) {
      found.push(
        result(
          'trust-list',
          'warn',
          'trust-list-expiring',
          `${o.trust} expires at ${document.expires_at}, within 7 days: get the next one.`,
        ),
      );
    }
    if ((document.trust_anchors ?? []).length > 0) {
      const { parseCertificate } = await import('@sanad/core/x509');
      for (const anchor of document.trust_anchors ?? []) {
        const ca = parseCertificate(anchor.certificate);
        const dates = certificateDates(ca.notAfter, now);
        if (dates !== 'valid')
          found.push(
            result(
              'trust-list',
              'warn',
              dates === 'expired' ? 'trust-anchor-expired' : 'trust-anchor-expiring',
              `The trust anchor "${anchor.name ?? ca.subjectName}" in ${o.trust} ${dates === 'expired' ? 'expired' : 'expires'} at ${ca.notAfter.toISOString()}: its issuers' credentials ${dates === 'expired' ? 'no longer verify' : 'stop verifying then'}; get its successor onto the list.`,
            ),
          );
      }
    }
    if (document.issued_at !== undefined && now - Date.parse(document.issued_at) > 30 * DAY) {
      found.push(
        result(
          'trust-list',
          'warn',
          'trust-list-old',
          `${o.trust} was issued at ${document.issued_at}, more than 30 days ago: check for a newer one.`,
        ),
      );
    }
    return found.length > 0
      ? found
      : [
          result(
            'trust-list',
            'ok',
            'trust-list-fresh',
            `${o.trust}: ${document.issuers.length} issuer(s)${document.trust_anchors?.length ? `, ${document.trust_anchors.length} trust anchor(s)` : ''}${document.expires_at ? `, expires ${document.expires_at}` : ''}.`,
          ),
        ];
  } catch (err) {
    const code = isSanadError(err) ? err.code : 'trust-list-unreadable';
    return [
      result(
        'trust-list',
        'fail',
        code,
        `${o.trust}: ${isSanadError(err) ? err.message : 'cannot be loaded.'}`,
      ),
    ];
  }
}

/** The status lists a verifier has cached (`--status-cache`): expired ones, and ones past their ttl. */
async function checkStatusCache(dir: string | undefined, now: number): Promise<CheckResult[]> {
  if (dir === undefined) return [];
  const files = (await readdir(dir).catch(() => undefined))?.filter(
    (f) => f.endsWith('.json') && !f.startsWith('.'),
  );
  if (files === undefined)
    return [result('status-lists', 'fail', 'status-cache-missing', `${dir} cannot be read.`)];
  if (files.length === 0)
    return [
      result(
        'status-lists',
        'warn',
        'status-cache-empty',
        `${dir} holds no status list: sync it before going offline.`,
      ),
    ];
  const found: CheckResult[] = [];
  for (const file of files) {
    try {
      const entry = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
        uri: string;
        token: string;
        fetchedAt: number;
      };
      const { payload } = decodeJwt(entry.token.trim());
      const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
      const ttl = typeof payload.ttl === 'number' ? payload.ttl * 1000 : undefined;
      if (exp !== undefined && exp < now)
        found.push(
          result(
            'status-lists',
            'fail',
            'status-list-expired',
            `The cached list ${entry.uri} expired at ${new Date(exp).toISOString()}.`,
          ),
        );
      else if (ttl !== undefined && entry.fetchedAt + ttl < now)
        found.push(
          result(
            'status-lists',
            'warn',
            'status-list-stale',
            `The cached list ${entry.uri} is past its ttl: sync it.`,
          ),
        );
    } catch {
      found.push(
        result(
          'status-lists',
          'fail',
          'status-list-unreadable',
          `${join(dir, file)} is not a cached status list.`,
        ),
      );
    }
  }
  return found.length > 0
    ? found
    : [
        result(
          'status-lists',
          'ok',
          'status-lists-fresh',
          `${files.length} cached status list(s), none expired or stale.`,
        ),
      ];
}

async function checkBackups(
  dir: string | undefined,
  maxAgeHours: number,
  now: number,
): Promise<CheckResult> {
  if (dir === undefined)
    return result('backups', 'skip', 'not-given', 'No --backups folder given.');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined)
    return result('backups', 'fail', 'backups-missing', `${dir} cannot be read.`);
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(dir, e.name))).mtimeMs),
  );
  if (times.length === 0)
    return result('backups', 'fail', 'backup-none', `${dir} holds no backup.`);
  const hours = (now - Math.max(...times)) / 3_600_000;
  if (hours > maxAgeHours)
    return result(
      'backups',
      'fail',
      'backup-old',
      `The newest backup in ${dir} is ${Math.floor(hours)} h old (more than ${maxAgeHours} h).`,
    );
  return result(
    'backups',
    'ok',
    'backup-recent',
    `The newest backup in ${dir} is ${hours.toFixed(1)} h old.`,
  );
}

/** Installed versions of the packages named in the advisories file against the vulnerable ranges. */
async function checkAdvisories(path: string): Promise<CheckResult[]> {
  const advisories = parseAdvisories(await readInput(path), path);
  const found: CheckResult[] = [];
  for (const advisory of advisories) {
    for (const version of installedVersions(advisory.package, [CLI_DIR]).filter((v) =>
      inRange(v, advisory.vulnerable),
    )) {
      found.push(
        result(
          'advisories',
          'fail',
          advisory.id,
          `${advisory.package} ${version} is affected by ${advisory.id}: upgrade to ${advisory.fixed_in} or later.`,
        ),
      );
    }
  }
  return found.length > 0
    ? found
    : [
        result(
          'advisories',
          'ok',
          'none-applies',
          `${advisories.length} advisories in ${path}; none applies to the installed packages.`,
        ),
      ];
}

export function registerDoctorCommand(program: Command): void {
  action<DoctorOptions>(
    program
      .command('doctor')
      .description(
        'check a deployment: keys, permissions, clock, lists, backups, schema, advisories',
      )
      .option('--dir <dir>', 'the issuer folder `sanad issuer serve --dir` uses')
      .option('--data <dir>', 'the folder `sanad verifier serve --data` uses')
      .option('--key <file>', "the verifier's request-signing key (`verifier serve --key`)")
      .option('--trust <file>', 'the trust list the verifier uses')
      .option('--pinned-key <jwk-file|did>', 'trust-list authority key')
      .option('--base-url <url>', 'the public URL the service is given')
      .option('--allow-http', 'an http:// base URL is a warning, not a failure (local tests only)')
      .option('--status-cache <dir>', 'the status-list cache folder of a verifier')
      .option('--backups <dir>', 'the folder backups are written to')
      .option(
        '--backup-max-age <hours>',
        'the oldest the newest backup may be',
        (v) => {
          const n = Number(v);
          if (!(n > 0)) throw new InvalidArgumentError('Expected a positive number of hours.');
          return n;
        },
        24,
      )
      .option('--clock-url <url>', "compare the clock with this server's Date header")
      .option(
        '--advisories <file>',
        'the advisories file (default: the one shipped with this release)',
      ),
    async (o, out) => {
      const now = Date.now();
      const checks = [
        checkOperatorToken(),
        checkBaseUrl(o),
        ...(await checkPermissions(o)),
        ...(await checkIssuerFolder(o.dir)),
        ...(await checkCertificateChain(o.dir, now)),
        await checkClock(o.clockUrl),
        ...(await checkTrustList(o, now)),
        ...(await checkStatusCache(o.statusCache, now)),
        await checkBackups(o.backups, o.backupMaxAge, now),
        ...(await checkAdvisories(o.advisories ?? DEFAULT_ADVISORIES)),
      ];
      const failed = checks.some((c) => c.status === 'fail');
      out.result({ ok: !failed, checks }, () =>
        [
          ...checks.map(
            (c) =>
              `${c.status.toUpperCase().padEnd(4)}  ${c.check}: ${c.message}${c.status === 'ok' || c.status === 'skip' ? '' : ` (${c.code})`}`,
          ),
          failed ? 'Some checks failed.' : 'No check failed.',
        ].join('\n'),
      );
      return failed ? EXIT.REJECTED : EXIT.OK;
    },
  );
}
