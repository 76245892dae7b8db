/**
 * `/healthz`: the process is up and answering (cheap, no I/O: for liveness probes).
 * `/readyz`: this instance can do its work now: each named check runs (in parallel, bounded in
 * time) and the answer is 200 when all pass, else 503, with the state of each check. A failed
 * check names its Sanad code only: a storage error's message may hold a host name or a path.
 * An advisory check reports trouble shared by every instance (an issuer's status server down):
 * taking them all out of the load balancer would not help, so it makes the answer `degraded`,
 * still 200, for monitoring to alert on.
 */
import { isSanadError } from '@sanad/core';
import { Hono } from 'hono';

/** Resolves when ready; throws (a `SanadError`, ideally) when not. */
export type ReadinessCheck = () => Promise<unknown> | unknown;

export type CheckState =
  | { status: 'ok' }
  | { status: 'failed'; sanad_code: string }
  | { status: 'timed_out' };

export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
  /** Checks whose failure degrades the answer but leaves the instance ready. */
  advisories?: Record<string, ReadinessCheck>;
  /** A check still running after this long counts as failed (default 2000 ms). */
  timeoutMs?: number;
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<CheckState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<CheckState>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'timed_out' }), timeoutMs);
  });
  const checked = (async (): Promise<CheckState> => {
    try {
      await check();
      return { status: 'ok' };
    } catch (err) {
      return { status: 'failed', sanad_code: isSanadError(err) ? err.code : 'ERR_INTERNAL' };
    }
  })();
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @example
 * ```ts
 * app.route('/', healthRoutes({ checks: { store: () => store.count('session', now()) } }))
 * ```
 */
export function healthRoutes(options: HealthOptions): Hono {
  const timeoutMs = options.timeoutMs ?? 2000;
  const health = new Hono();
  health.get('/healthz', (c) => c.json({ status: 'ok' }));
  const runAll = async (checks: Record<string, ReadinessCheck>) => {
    const names = Object.keys(checks);
    const states = await Promise.all(names.map((name) => run(checks[name]!, timeoutMs)));
    return {
      states: Object.fromEntries(names.map((name, i) => [name, states[i]!])),
      allOk: states.every((s) => s.status === 'ok'),
    };
  };
  health.get('/readyz', async (c) => {
    const [required, advisory] = await Promise.all([
      runAll(options.checks),
      runAll(options.advisories ?? {}),
    ]);
    const status = !required.allOk ? 'not_ready' : advisory.allOk ? 'ready' : 'degraded';
    c.header('Cache-Control', 'no-store');
    return c.json(
      { status, checks: { ...required.states, ...advisory.states } },
      required.allOk ? 200 : 503,
    );
  });
  return health;
}
