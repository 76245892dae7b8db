/**
 * One configuration file for both services: the settings operators tune, a named profile to start
 * from, and overrides. A file names a profile (`"profile": "high-risk"`) and changes fields; the
 * profile and the overrides are merged, then the result is validated as a whole. Every problem is
 * an `ERR_CONFIG_INVALID` naming the field's path (`verifier.sessionTtlSeconds: must be an integer
 * ≥ 30`), never its value (a database URL may hold a password). See docs/deployment.md,
 * "Configuration file and profiles".
 */
import { isPlainObject, SanadError } from '@sanad/core';
import type { LevelWithSilent } from 'pino';
import type { DefencesOptions } from '../middleware/defences/index.js';
import type { RateBudget } from '../middleware/rate-limit/index.js';

export interface BudgetConfig {
  /** Requests a client may send at once. */
  burst: number;
  /** Requests per second a client earns back. */
  perSecond: number;
}

export interface ServiceConfig {
  /** The profile these settings started from. */
  profile: ProfileName;
  /** JSON log level: `info` writes one line per request (the services' only record of who asked for what); `warn` none. */
  logLevel: LevelWithSilent;
  database: {
    /** `postgresql` for several instances on one database; the URL may come from `--database` or SANAD_DATABASE_URL instead. */
    backend: 'sqlite' | 'postgresql';
    url?: string;
    /** PostgreSQL schema of Sanad's tables (default `sanad`). */
    schema?: string;
  };
  defences: {
    /** Per-client rate limits; `false`: none (a reverse proxy does it). */
    rateLimit:
      | false
      | {
          public: BudgetConfig | false;
          operator: BudgetConfig | false;
          operatorFailures: BudgetConfig | false;
          /** Proxies in front whose `X-Forwarded-For` entry is believed (0: none). */
          trustProxy: number;
          /** Clients tracked at once per budget. */
          maxClients: number;
        };
    /** Load shedding; `false`: none. */
    loadShedding:
      | false
      | {
          maxInFlight: number | false;
          maxEventLoopLagMs: number | false;
          retryAfterSeconds: number;
        };
  };
  issuer: {
    /** How long an offer can be redeemed. */
    offerTtlSeconds: number;
    maxOpenOffers: number;
    /** Wrong transaction codes before an offer locks. */
    maxTxCodeAttempts: number;
    /** Wrong transaction codes one client may try across all offers in 10 minutes. */
    maxTxCodeAttemptsPerClient: number;
    /**
     * The `iss` of SD-JWT VC credentials: `did`, the issuer's DID (verifiers need no network for
     * the key, the trust list names the DID); `https`, the service's base URL, with its keys at
     * `/.well-known/jwt-vc-issuer` (verifiers fetch them, or pin them in the trust list).
     */
    identifier: 'did' | 'https';
    /** Refuse token requests without a DPoP proof (RFC 9449, HAIP): every access token is bound to the wallet's key. */
    requireDpop: boolean;
  };
  verifier: {
    /** How long a request can be answered. */
    sessionTtlSeconds: number;
    /** How long a result is kept for the desk to read, then forgotten. */
    resultRetentionSeconds: number;
    /** Delete a result as soon as the desk has read it (`resultRetentionSeconds` then bounds a result nobody reads). */
    forgetResultOnRead: boolean;
    /** Open sessions one instance holds at most. */
    maxOpenSessions: number;
    /** When no status list can be had: fail closed, or accept with `WARN_STATUS_UNAVAILABLE`. */
    statusPolicy: 'reject' | 'accept-with-warning';
    /** Status lists older than this are refused; `null`: only the list's own `exp` limits it. */
    maxStatusAgeSeconds: number | null;
    /** A fetched status list is reused for at most this long, even where its `ttl` allows longer; `null`: as its `ttl` says. */
    statusListReuseSeconds: number | null;
    /** Keep the last status list of each issuer on disk (`status-cache` in the data folder), for outages and restarts. */
    statusCache: boolean;
  };
}

export type ProfileName = 'standard' | 'field-office-offline' | 'high-risk' | 'ministry-scale';

/** What a file may say: any part of the settings, and a profile to start from. */
export type ServiceConfigFile = { profile?: ProfileName } & {
  [K in Exclude<keyof ServiceConfig, 'profile'>]?: unknown;
};

const STANDARD: ServiceConfig = {
  profile: 'standard',
  logLevel: 'info',
  database: { backend: 'sqlite' },
  defences: {
    rateLimit: {
      public: { burst: 200, perSecond: 20 },
      operator: { burst: 200, perSecond: 20 },
      operatorFailures: { burst: 10, perSecond: 1 / 6 },
      trustProxy: 0,
      maxClients: 10_000,
    },
    loadShedding: { maxInFlight: 1024, maxEventLoopLagMs: 500, retryAfterSeconds: 2 },
  },
  issuer: {
    offerTtlSeconds: 72 * 3600,
    maxOpenOffers: 10_000,
    maxTxCodeAttempts: 5,
    maxTxCodeAttemptsPerClient: 20,
    identifier: 'did',
    requireDpop: false,
  },
  verifier: {
    sessionTtlSeconds: 300,
    resultRetentionSeconds: 300,
    forgetResultOnRead: false,
    maxOpenSessions: 10_000,
    statusPolicy: 'reject',
    maxStatusAgeSeconds: null,
    statusListReuseSeconds: null,
    statusCache: false,
  },
};

/**
 * The profiles a local team starts from (each is a set of overrides of `standard`).
 * - `standard`: the services' own defaults.
 * - `field-office-offline`: one machine on SQLite and a poor link; the last status list is kept
 *   on disk and used for up to 7 days when the issuer cannot be reached. The status policy stays
 *   `reject`: with a kept list there is an answer, and without one a cut link (which anyone near
 *   the office can cause) must not turn a revoked credential into an accepted one. Slow phones get
 *   10 minutes per session; the event loop of a small laptop may lag 2 s before shedding.
 * - `high-risk`: results forgotten after 60 s (long enough for the desk to read them), 2-minute
 *   sessions, status lists at most an hour old and `reject`, 3 PIN attempts, DPoP required, and `warn` logs, so
 *   no per-request line records who was checked when (the services keep no other history).
 * - `ministry-scale`: PostgreSQL shared by several instances behind a load balancer (one proxy
 *   hop trusted for client addresses), budgets sized for camps behind one address, larger caps.
 */
export const SERVICE_PROFILES: Readonly<Record<ProfileName, ServiceConfigFile>> = Object.freeze({
  standard: {},
  'field-office-offline': {
    database: { backend: 'sqlite' },
    defences: { loadShedding: { maxEventLoopLagMs: 2000 } },
    verifier: {
      sessionTtlSeconds: 600,
      maxStatusAgeSeconds: 7 * 24 * 3600,
      statusCache: true,
      statusPolicy: 'reject',
    },
  },
  'high-risk': {
    logLevel: 'warn',
    issuer: {
      offerTtlSeconds: 24 * 3600,
      maxTxCodeAttempts: 3,
      maxTxCodeAttemptsPerClient: 10,
      requireDpop: true,
    },
    verifier: {
      sessionTtlSeconds: 120,
      resultRetentionSeconds: 60,
      forgetResultOnRead: true,
      statusPolicy: 'reject',
      maxStatusAgeSeconds: 3600,
    },
  },
  'ministry-scale': {
    database: { backend: 'postgresql' },
    defences: {
      rateLimit: { public: { burst: 400, perSecond: 40 }, trustProxy: 1, maxClients: 100_000 },
      loadShedding: { maxInFlight: 2048 },
    },
    issuer: { maxOpenOffers: 100_000, maxTxCodeAttemptsPerClient: 100 },
    verifier: { maxOpenSessions: 50_000, maxStatusAgeSeconds: 24 * 3600 },
  },
});

export const PROFILE_NAMES = Object.keys(SERVICE_PROFILES) as ProfileName[];

const LOG_LEVELS: readonly string[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Objects merge field by field; anything else (a value, an array, `false`) replaces. */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override))
    return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

type Check = (value: unknown, path: string, problems: Problems) => void;

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value, path, problems) => {
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
      problems.add(
        path,
        max === Number.MAX_SAFE_INTEGER
          ? `must be an integer ≥ ${min}`
          : `must be an integer from ${min} to ${max}`,
      );
  };
const positiveNumber: Check = (value, path, problems) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    problems.add(path, 'must be a number > 0');
};
const oneOf =
  (choices: readonly string[]): Check =>
  (value, path, problems) => {
    if (typeof value !== 'string' || !choices.includes(value))
      problems.add(path, `must be one of ${choices.join(', ')}`);
  };
const boolean: Check = (value, path, problems) => {
  if (typeof value !== 'boolean') problems.add(path, 'must be true or false');
};
const orFalse =
  (check: Check): Check =>
  (value, path, problems) => {
    if (value !== false) check(value, path, problems);
  };
const orNull =
  (check: Check): Check =>
  (value, path, problems) => {
    if (value !== null) check(value, path, problems);
  };
const optional =
  (check: Check): Check =>
  (value, path, problems) => {
    if (value !== undefined) check(value, path, problems);
  };
/** An object with exactly these fields: a misspelt one is named, not ignored. */
const object =
  (fields: Record<string, Check>): Check =>
  (value, path, problems) => {
    if (!isPlainObject(value)) return problems.add(path, 'must be an object');
    for (const key of Object.keys(value))
      if (!(key in fields)) problems.add(`${path}.${key}`, 'is not a setting (misspelt?)');
    for (const [key, check] of Object.entries(fields)) {
      if (Object.hasOwn(value, key)) check(value[key], `${path}.${key}`, problems);
      else if (!isOptional(check)) problems.add(`${path}.${key}`, 'is missing');
    }
  };
const optionalChecks = new WeakSet<Check>();
const isOptional = (check: Check): boolean => optionalChecks.has(check);
const maybe = (check: Check): Check => {
  const wrapped = optional(check);
  optionalChecks.add(wrapped);
  return wrapped;
};

const budget = object({ burst: integer(1), perSecond: positiveNumber });
const postgresUrl: Check = (value, path, problems) => {
  if (typeof value !== 'string' || !/^postgres(ql)?:\/\//.test(value))
    problems.add(path, 'must be a postgres:// URL');
};
const sqlIdentifier: Check = (value, path, problems) => {
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(value))
    problems.add(path, 'must be a lower-case SQL identifier');
};

const SCHEMA = object({
  profile: oneOf(PROFILE_NAMES),
  logLevel: oneOf(LOG_LEVELS),
  database: object({
    backend: oneOf(['sqlite', 'postgresql']),
    url: maybe(postgresUrl),
    schema: maybe(sqlIdentifier),
  }),
  defences: object({
    rateLimit: orFalse(
      object({
        public: orFalse(budget),
        operator: orFalse(budget),
        operatorFailures: orFalse(budget),
        trustProxy: integer(0, 10),
        maxClients: integer(1),
      }),
    ),
    loadShedding: orFalse(
      object({
        maxInFlight: orFalse(integer(1)),
        maxEventLoopLagMs: orFalse(positiveNumber),
        retryAfterSeconds: integer(1, 3600),
      }),
    ),
  }),
  issuer: object({
    offerTtlSeconds: integer(60, 30 * 24 * 3600),
    maxOpenOffers: integer(1),
    maxTxCodeAttempts: integer(1, 10),
    maxTxCodeAttemptsPerClient: integer(1),
    identifier: oneOf(['did', 'https']),
    requireDpop: boolean,
  }),
  verifier: object({
    sessionTtlSeconds: integer(30, 24 * 3600),
    resultRetentionSeconds: integer(10, 24 * 3600),
    forgetResultOnRead: boolean,
    maxOpenSessions: integer(1),
    statusPolicy: oneOf(['reject', 'accept-with-warning']),
    maxStatusAgeSeconds: orNull(integer(60)),
    statusListReuseSeconds: orNull(integer(0, 24 * 3600)),
    statusCache: boolean,
  }),
});

/**
 * The effective settings: `standard`, then the profile (`options.profile`, else the file's), then
 * the file's fields, validated together.
 *
 * @example
 * ```ts
 * const config = resolveServiceConfig({ profile: 'high-risk', verifier: { sessionTtlSeconds: 90 } })
 * config.verifier.resultRetentionSeconds // 60
 * ```
 */
export function resolveServiceConfig(
  file: unknown = {},
  options: { profile?: string } = {},
): ServiceConfig {
  if (!isPlainObject(file))
    throw new SanadError('ERR_CONFIG_INVALID', 'The configuration file must hold one JSON object.');
  const profile = options.profile ?? file.profile ?? 'standard';
  if (typeof profile !== 'string' || !(PROFILE_NAMES as string[]).includes(profile)) {
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `profile: must be one of ${PROFILE_NAMES.join(', ')}`,
    );
  }
  const merged = merge(merge(STANDARD, SERVICE_PROFILES[profile as ProfileName]), {
    ...file,
    profile,
  });
  const problems = new Problems();
  SCHEMA(merged, 'config', problems);
  const database = (merged as { database?: { backend?: unknown; url?: unknown } }).database;
  if (database?.backend === 'sqlite' && database.url !== undefined)
    problems.add(
      'config.database.url',
      'is set, but database.backend is sqlite (set it to postgresql)',
    );
  if (problems.list.length > 0) {
    // Paths start at the file's top level: `verifier.sessionTtlSeconds`, not `config.verifier…`.
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      problems.list.map((p) => p.replace(/^config\./, '')).join('; '),
    );
  }
  return merged as ServiceConfig;
}

/** The `defences` option of both services for these settings. */
export function defencesOf(config: ServiceConfig): DefencesOptions {
  const { rateLimit, loadShedding } = config.defences;
  const budgetOf = (b: BudgetConfig | false): RateBudget | false =>
    b === false ? false : { burst: b.burst, perSecond: b.perSecond };
  return {
    rateLimit:
      rateLimit === false
        ? false
        : {
            public: budgetOf(rateLimit.public),
            operator: budgetOf(rateLimit.operator),
            operatorFailures: budgetOf(rateLimit.operatorFailures),
            trustProxy: rateLimit.trustProxy,
            maxClients: rateLimit.maxClients,
          },
    loadShedding: loadShedding === false ? false : { ...loadShedding },
  };
}
