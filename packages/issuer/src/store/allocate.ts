/** Random status-index allocation shared by the stores. */
import { SanadError } from '@sanad/core';

/**
 * The order in which to try indexes: uniformly random probes first, then — for a nearly full
 * list — every index from a random start. Sequential indexes would reveal issuance order.
 */
function* candidateIndexes(size: number, random: (max: number) => number): Generator<number> {
  for (let attempt = 0; attempt < 64; attempt += 1) yield random(size);
  const start = random(size);
  for (let step = 0; step < size; step += 1) yield (start + step) % size;
}

/** A random free index in [0, size), for stores that can answer synchronously (SQLite, memory). */
export function pickFreeIndex(
  size: number,
  isUsed: (index: number) => boolean,
  random: (max: number) => number,
): number {
  for (const index of candidateIndexes(size, random)) if (!isUsed(index)) return index;
  throw new SanadError('ERR_STATUS_LIST_FULL');
}

/** The same for stores that ask a database over the network (PostgreSQL). */
export async function pickFreeIndexAsync(
  size: number,
  isUsed: (index: number) => Promise<boolean>,
  random: (max: number) => number,
): Promise<number> {
  for (const index of candidateIndexes(size, random)) if (!(await isUsed(index))) return index;
  throw new SanadError('ERR_STATUS_LIST_FULL');
}
