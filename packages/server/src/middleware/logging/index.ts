/**
 * Structured JSON logs (pino): one line per request with its id, method, route pattern, status
 * and duration, and the services' own messages with the id of the request they belong to.
 *
 * Nothing personal is ever logged: no claim values, transaction codes, tokens, pre-authorized
 * codes, nonces, bodies, query strings or presentations. Request lines carry the route
 * pattern, never the path (`test/observability/log-sentinels.test.ts` plants such values in a
 * full issue, receive, present and verify run and looks for them in every line).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import { type DestinationStream, type Level, type LevelWithSilent, type Logger, pino } from 'pino';
import { requestIdOf } from '../request-id/index.js';
import { routePattern } from './route-pattern.js';

export type { Logger } from 'pino';
/** Where JSON lines are written: anything with `write(line)`, such as a file stream. */
export type LogDestination = DestinationStream;

export interface ServiceLoggerOptions {
  /** `issuer` or `verifier`: the `service` field of every line. */
  service: string;
  /** Where the lines go (default: standard error, so a CLI's results on standard output stay clean). */
  destination?: DestinationStream;
  /** Default `SANAD_LOG_LEVEL`, else `info`; `silent` logs nothing. */
  level?: LevelWithSilent;
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const levelFrom = (value: string | undefined): LevelWithSilent | undefined =>
  value !== undefined && LEVELS.includes(value) ? (value as LevelWithSilent) : undefined;

/** The request being answered, for the lines written while answering it. */
const current = new AsyncLocalStorage<{ requestId: string }>();

/**
 * @example
 * ```ts
 * const logger = createServiceLogger({ service: 'verifier' })
 * logger.info('started')
 * ```
 */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? levelFrom(process.env.SANAD_LOG_LEVEL) ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const request = current.getStore();
        return request ? { req_id: request.requestId } : {};
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** The services' `log(message)`: one line at `level`, with the current request's id. */
export const messageLogger =
  (logger: Logger, level: Level = 'info') =>
  (message: string): void =>
    logger[level](message);

/**
 * Logs every request once it is answered; runs the request inside its id's context so that
 * what the service logs meanwhile carries the same `req_id`. Mount after {@link requestId}.
 *
 * @example
 * ```ts
 * app.use('*', requestId(), requestLogging(logger))
 * ```
 */
export function requestLogging(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await current.run({ requestId: requestIdOf(c) }, next);
    const status = c.res.status;
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    const line = {
      req_id: requestIdOf(c),
      method: c.req.method,
      route: routePattern(c),
      status,
      duration_ms: durationMs,
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
