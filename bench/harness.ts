/** Measuring: median of rounds, peak memory, and the printed or JSON report. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection between rounds, so no round pays for the garbage of the one before. */
const collectGarbage = runInNewContext('gc') as () => void;

export interface Result {
  group: string;
  name: string;
  opsPerSecond: number;
  microsPerOp: number;
  /** Heap growth while this operation ran (MiB; garbage included), a rough memory cost. */
  heapPeakMiB: number;
}

export interface Target {
  name: string;
  /** The measured value, in `unit`. */
  value: number;
  unit: string;
  limit: number;
  /** `max`: value must be <= limit; `min`: value must be >= limit. */
  kind: 'max' | 'min';
  met: boolean;
  note?: string;
}

export class Bench {
  readonly results: Result[] = [];
  readonly targets: Target[] = [];
  #group = '';
  #peakRss = process.memoryUsage().rss;
  readonly #sampler = setInterval(
    () => (this.#peakRss = Math.max(this.#peakRss, process.memoryUsage().rss)),
    50,
  ).unref();

  constructor(
    readonly json: boolean,
    readonly rounds = 5,
    readonly roundMs = 400,
  ) {}

  group(title: string): void {
    this.#group = title;
    if (!this.json) process.stderr.write(`\n${title}\n`);
  }

  /**
   * Runs `fn` for `roundMs` per round after a warm-up and keeps the median rate. `perCall` is
   * how many operations one call performs (a batch of N counts as N).
   */
  async measure(name: string, fn: () => unknown, perCall = 1): Promise<Result> {
    for (let i = 0; i < 10; i += 1) await fn();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const rates: number[] = [];
    for (let round = 0; round < this.rounds; round += 1) {
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < this.roundMs) {
        await fn();
        n += 1;
        if ((n & 15) === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
      rates.push((n * perCall * 1000) / (performance.now() - start));
    }
    rates.sort((a, b) => a - b);
    const opsPerSecond = rates[Math.floor(this.rounds / 2)]!;
    const result = {
      group: this.#group,
      name,
      opsPerSecond,
      microsPerOp: 1e6 / opsPerSecond,
      heapPeakMiB: (heapPeak - heapBefore) / 2 ** 20,
    };
    this.results.push(result);
    if (!this.json)
      process.stderr.write(
        `  ${name.padEnd(66)} ${fmt(opsPerSecond, 0).padStart(9)} ops/s ${fmt(result.microsPerOp, 1).padStart(10)} µs\n`,
      );
    return result;
  }

  /** Times one call (for work too slow to repeat for seconds): median of `rounds` calls, in ms. */
  async once(name: string, fn: () => unknown, rounds = this.rounds): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(rounds / 2)]!;
    this.results.push({
      group: this.#group,
      name,
      opsPerSecond: 1000 / ms,
      microsPerOp: ms * 1000,
      heapPeakMiB: 0,
    });
    if (!this.json)
      process.stderr.write(
        `  ${name.padEnd(66)} ${fmt(1000 / ms, 1).padStart(9)} ops/s ${fmt(ms * 1000, 1).padStart(10)} µs\n`,
      );
    return ms;
  }

  /**
   * Measures `a` and `b` in alternating rounds (order swapped every round, a full GC before
   * each), the same number of rounds of the same length each, and keeps the median of the
   * per-round ratios b/a: drift of the machine (other work, frequency, heap growth) hits both
   * sides of a ratio alike. The ratio is of wall-clock rates; `cpuRatio` is the same of this
   * process's CPU time, which also counts V8's garbage-collection threads (on a quiet machine
   * they run on another core, so wall clock does not see them).
   */
  async compare(
    nameA: string,
    a: () => unknown,
    nameB: string,
    b: () => unknown,
    rounds = 2 * this.rounds + 1,
    warmup = 50,
    roundMs = this.roundMs,
  ) {
    const rate = async (fn: () => unknown): Promise<{ wall: number; cpu: number }> => {
      collectGarbage();
      let n = 0;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      while (performance.now() - start < roundMs) {
        await fn();
        n += 1;
      }
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      return { wall: (n * 1000) / wallMs, cpu: (n * 1e6) / (cpu.user + cpu.system) };
    };
    for (let i = 0; i < warmup; i += 1) {
      await a();
      await b();
    }
    const ratesA: Array<{ wall: number; cpu: number }> = [];
    const ratesB: Array<{ wall: number; cpu: number }> = [];
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 0) {
        ratesA.push(await rate(a));
        ratesB.push(await rate(b));
      } else {
        ratesB.push(await rate(b));
        ratesA.push(await rate(a));
      }
    }
    const median = (values: number[]): number =>
      [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const ratios = ratesA.map((r, i) => r.wall / ratesB[i]!.wall).sort((x, y) => x - y);
    const cpuRatio = median(ratesA.map((r, i) => r.cpu / ratesB[i]!.cpu));
    const results = (
      [
        [nameA, ratesA],
        [nameB, ratesB],
      ] as const
    ).map(([name, rates]) => {
      const opsPerSecond = median(rates.map((r) => r.wall));
      const result = {
        group: this.#group,
        name,
        opsPerSecond,
        microsPerOp: 1e6 / opsPerSecond,
        heapPeakMiB: 0,
      };
      this.results.push(result);
      if (!this.json)
        process.stderr.write(
          `  ${name.padEnd(66)} ${fmt(opsPerSecond, 0).padStart(9)} ops/s ${fmt(result.microsPerOp, 1).padStart(10)} µs\n`,
        );
      return result;
    });
    return { a: results[0]!, b: results[1]!, ratio: median(ratios), ratios, cpuRatio };
  }

  target(
    name: string,
    value: number,
    unit: string,
    kind: 'max' | 'min',
    limit: number,
    note?: string,
  ): void {
    this.targets.push({
      name,
      value,
      unit,
      limit,
      kind,
      met: kind === 'max' ? value <= limit : value >= limit,
      ...(note ? { note } : {}),
    });
  }

  get peakRssMiB(): number {
    return this.#peakRss / 2 ** 20;
  }

  close(): void {
    clearInterval(this.#sampler);
  }
}

export const fmt = (n: number, digits: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Cycles through prepared inputs, so that no cache sees the same input twice in a row. */
export function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}
