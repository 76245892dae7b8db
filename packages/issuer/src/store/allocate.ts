/** Random status-index allocation shared by the stores. */
import { SanadError } from '@sanad/core';

/**
 * A uniformly random free index in [0, size): random probes first, then — when the list is
 * nearly full — a scan from a random start. Sequential indexes would reveal issuance order.
 */
export function pickFreeIndex(size: number, isUsed: (index: number) => boolean, random: (max: number) => number): number {
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const index = random(size);
    if (!isUsed(index)) return index;
  }
  const start = random(size);
  for (let step = 0; step < size; step += 1) {
    const index = (start + step) % size;
    if (!isUsed(index)) return index;
  }
  throw new SanadError('ERR_STATUS_LIST_FULL');
}
