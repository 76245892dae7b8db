/**
 * What the defences answer when they turn a request away: the services' error shape with a
 * `Retry-After` (RFC 9110 section 10.2.3), and a hook for metrics.
 */
import { ERROR_CODES, type SanadErrorCode } from '@sanad/core';
import type { Context } from 'hono';
import { routePattern } from './logging/route-pattern.js';
import { metricsOf } from './metrics/index.js';

/** Which limit turned a request away. */
export type RefusalLimit =
  | 'public'
  | 'operator'
  | 'operator_failures'
  | 'in_flight'
  | 'event_loop_lag';

export interface Refusal {
  limit: RefusalLimit;
  status: 429 | 503;
  retryAfterSeconds: number;
}

/** Called once per refused request (e.g. to count rejections in metrics); never sees the body. */
export type OnRefusal = (refusal: Refusal, c: Context) => void;

const ERROR_FOR = { 429: 'rate_limited', 503: 'temporarily_unavailable' } as const;

export function refuse(
  c: Context,
  refusal: Refusal,
  code: SanadErrorCode,
  onRefusal?: OnRefusal,
): Response {
  onRefusal?.(refusal, c);
  // Counted here, where every 429 is made, so no caller has to remember the metric.
  if (refusal.status === 429) metricsOf(c)?.rateLimited.inc({ route: routePattern(c) });
  c.header('Retry-After', String(refusal.retryAfterSeconds));
  c.header('Cache-Control', 'no-store');
  return c.json(
    {
      error: ERROR_FOR[refusal.status],
      error_description: ERROR_CODES[code].message,
      sanad_code: code,
    },
    refusal.status,
  );
}
