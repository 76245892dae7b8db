/** Time comes in through this interface so tests and offline checks can fix "now". */
export interface Clock {
  /** Current time in milliseconds since the epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock frozen at `at` (ISO-8601 string, Date or epoch milliseconds). */
export function fixedClock(at: string | Date | number): Clock {
  const ms = typeof at === 'number' ? at : new Date(at).getTime();
  if (!Number.isFinite(ms)) throw new TypeError('invalid time');
  return { now: () => ms };
}

/** Seconds since the epoch, as JWT `iat`/`exp`/`nbf` use. */
export function epochSeconds(clock: Clock = systemClock): number {
  return Math.floor(clock.now() / 1000);
}
