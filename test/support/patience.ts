/**
 * Time limits in tests only catch a hang; they never judge speed (timings live in `pnpm bench`).
 * So they are generous, and scale on a loaded machine: SANAD_TIME_SCALE (default 3) multiplies
 * every limit written with {@link patient}, and vitest's defaults (vitest.config.ts).
 */
export const TIME_SCALE = Math.max(1, Number(process.env.SANAD_TIME_SCALE ?? 3) || 3);

/** `ms`, scaled for a machine that may be busy with other work. */
export const patient = (ms: number): number => ms * TIME_SCALE;

/**
 * The CPU time (ms) this process spent while `run` ran: a bound on the work an input costs that,
 * unlike the wall clock, does not grow when other programs keep the machine's cores busy.
 */
export async function cpuMillisOf(run: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}
