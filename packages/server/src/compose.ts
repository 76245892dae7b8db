/**
 * The composition root of both services, shared by `sanad issuer serve` / `sanad verifier serve`,
 * the sandbox and the test support: parts already loaded (issuer, signer, trust list, presets)
 * go in; a service, its store, its observability and one `close()` come out. The store is opened
 * here when given as a place, expired records are purged on a schedule, and what was handed over
 * is closed once, in order (purge, store, then `closeAfter`), also when composing fails.
 */
import type { Clock, TrustList } from '@sanad/core';
import { createVerifier, type VerifierOptions } from '@sanad/verifier';
import {
  createIssuerService,
  type IssuerService,
  type IssuerServiceOptions,
} from './issuer-service/issuer-service.js';
import {
  createObservability,
  type Observability,
  type ObservabilityOptions,
} from './observability/observability.js';
import {
  openPostgresServiceStore,
  type PostgresServiceStoreOptions,
} from './store/postgres-service-store.js';
import { schedulePurge } from './store/purge.js';
import type { ServiceStore } from './store/service-store.js';
import { openSqliteServiceStore } from './store/sqlite-service-store.js';
import {
  createVerifierService,
  type VerifierService,
  type VerifierServiceOptions,
} from './verifier-service/verifier-service.js';

/** Anything the composition closes after the service (an issuer folder, an issuer store). */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Where protocol state lives: an open store, which its caller keeps and closes (one store may
 * serve both services), or a place to open one, which the composition closes.
 */
export type ServiceStoreSource =
  | ServiceStore
  | { sqlitePath: string }
  | { postgres: PostgresServiceStoreOptions };

interface ComposeOptions {
  store: ServiceStoreSource;
  /** The public URL of the service. */
  baseUrl: string;
  /** Bearer token for the operator API; without one the operator API is not served. */
  operatorToken?: string;
  /** Logs and metrics of this service (default: JSON logs on standard error at `SANAD_LOG_LEVEL`, else `info`). */
  observability?: ObservabilityOptions;
  clock?: Clock;
  /** Deletes expired records every this many seconds (default 60); `false`: the caller purges. */
  purgeEverySeconds?: number | false;
  /** Closed after the service and its store, in this order; also when composing fails. */
  closeAfter?: Closable[];
}

export interface Composed<S> {
  service: S;
  store: ServiceStore;
  observability: Observability;
  /** Stops the purge, closes the store if it was opened here, then `closeAfter`. */
  close(): Promise<void>;
}

export type ComposeIssuerOptions = ComposeOptions &
  Omit<IssuerServiceOptions, 'store' | 'baseUrl' | 'operatorToken' | 'observability' | 'clock'>;

export type ComposeVerifierOptions = ComposeOptions &
  Omit<
    VerifierServiceOptions,
    'verifier' | 'store' | 'baseUrl' | 'operatorToken' | 'observability' | 'clock'
  > & {
    trustList: TrustList;
    /** How presentations are checked (network, status policy, skew); the nonce store is the service store's. */
    verification?: Omit<VerifierOptions, 'trustList' | 'nonceStore'>;
  };

const isOpenStore = (source: ServiceStoreSource): source is ServiceStore =>
  'purgeExpired' in source;

async function openStore(
  source: ServiceStoreSource,
): Promise<{ store: ServiceStore; owned: boolean }> {
  if (isOpenStore(source)) return { store: source, owned: false };
  if ('sqlitePath' in source)
    return { store: openSqliteServiceStore(source.sqlitePath), owned: true };
  return { store: await openPostgresServiceStore(source.postgres), owned: true };
}

async function compose<S>(
  service: 'issuer' | 'verifier',
  options: ComposeOptions,
  create: (store: ServiceStore, observability: Observability) => S | Promise<S>,
): Promise<Composed<S>> {
  const closeAfter = async (): Promise<void> => {
    for (const part of options.closeAfter ?? []) await part.close();
  };
  let opened: { store: ServiceStore; owned: boolean };
  try {
    opened = await openStore(options.store);
  } catch (err) {
    await closeAfter();
    throw err;
  }
  const { store, owned } = opened;
  const closeStore = async (): Promise<void> => {
    if (owned) await store.close();
    await closeAfter();
  };
  const observability = createObservability(service, options.observability);
  let created: S;
  try {
    created = await create(store, observability);
  } catch (err) {
    await closeStore();
    throw err;
  }
  const log = (options as { log?: (message: string) => void }).log ?? observability.log;
  const stopPurge =
    options.purgeEverySeconds === false
      ? () => undefined
      : schedulePurge(store, {
          log,
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.purgeEverySeconds !== undefined
            ? { everySeconds: options.purgeEverySeconds }
            : {}),
        });
  let closing: Promise<void> | undefined;
  return {
    service: created,
    store,
    observability,
    close: () => {
      closing ??= (async () => {
        stopPurge();
        await closeStore();
      })();
      return closing;
    },
  };
}

/** The part of the options that {@link compose} handles; the rest goes to the service as given. */
function serviceOptions<T extends ComposeOptions>(
  options: T,
): Omit<T, 'store' | 'observability' | 'purgeEverySeconds' | 'closeAfter'> {
  const {
    store: _store,
    observability: _observability,
    purgeEverySeconds: _purge,
    closeAfter: _closeAfter,
    ...rest
  } = options;
  return rest;
}

/**
 * The issuer service over its store, with purging and one `close()`.
 *
 * @example
 * ```ts
 * const { service, close } = await composeIssuerService({ issuer, store: { sqlitePath: 'service.sqlite' }, baseUrl: 'https://issuer.agency.example', operatorToken })
 * ```
 */
export function composeIssuerService(
  options: ComposeIssuerOptions,
): Promise<Composed<IssuerService>> {
  return compose('issuer', options, (store, observability) =>
    createIssuerService({ ...serviceOptions(options), store, observability }),
  );
}

/**
 * The verifier service: its verifier (trust list, the store's nonces), its store, purging and one `close()`.
 *
 * @example
 * ```ts
 * const { service, close } = await composeVerifierService({ trustList, signer, verifierName: 'Al Noor Clinic', presets, store: { sqlitePath: 'verifier.sqlite' }, baseUrl, operatorToken })
 * ```
 */
export function composeVerifierService(
  options: ComposeVerifierOptions,
): Promise<Composed<VerifierService>> {
  const { trustList, verification, ...rest } = options;
  return compose('verifier', options, (store, observability) =>
    createVerifierService({
      ...serviceOptions(rest),
      verifier: createVerifier({ ...verification, trustList }),
      store,
      observability,
    }),
  );
}
