/**
 * How late the event loop runs, as one number for the whole process (every service in it shares
 * the loop). `monitorEventLoopDelay` samples the loop; each window's mean, less the sampling
 * resolution, is the lag. A mean, not a maximum, so one garbage collection or a moment without
 * CPU does not count as overload while a loop that stays behind does.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 20;
const WINDOW_MS = 500;

let histogram: IntervalHistogram | undefined;
let lagMs = 0;

/** The event loop's lag over the last half second, in ms (0 until the first window closes). */
export function eventLoopLagMs(): number {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    const sampler = setInterval(() => {
      const mean = histogram!.count > 0 ? histogram!.mean / 1e6 : 0;
      lagMs = Math.max(0, mean - RESOLUTION_MS);
      histogram!.reset();
    }, WINDOW_MS);
    // The sampler alone never keeps a process alive.
    sampler.unref();
  }
  return lagMs;
}
