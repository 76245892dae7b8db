/**
 * Asking the issuers about the holder's credentials when it is useful and cheap: after each
 * unlock and when the network comes back, at most once per ten minutes (slow, metered links),
 * and whenever the holder asks. Offline, nothing is tried: the cards keep the last known status.
 */
import { effect, signal } from '@preact/signals';
import type { ErrorReport } from '@sanad/core';
import { protocolFetch, touched, wallet } from './session.js';

const AT_MOST_EVERY_MS = 10 * 60_000;

/** True while the lists are being fetched. */
export const checkingStatus = signal(false);
/** Why the last check could not reach or accept a list; the cards then show the last known status. */
export const statusProblem = signal<ErrorReport | undefined>(undefined);

let lastCheck: number | undefined;

/** Checks now, whatever the last check was (the holder's "Check status now"). */
export async function refreshStatusNow(): Promise<void> {
  const open = wallet.peek();
  if (!open || checkingStatus.peek()) return;
  checkingStatus.value = true;
  lastCheck = Date.now();
  try {
    const results = await open.refreshStatus({ fetch: protocolFetch });
    statusProblem.value = results.find((r) => r.error)?.error;
  } catch (err) {
    statusProblem.value = {
      code: 'ERR_STATUS_UNAVAILABLE',
      message: err instanceof Error ? err.message : 'The status could not be checked.',
    };
  } finally {
    checkingStatus.value = false;
    if (wallet.peek() === open) touched();
  }
}

function refreshIfDue(): void {
  if (navigator.onLine && (lastCheck === undefined || Date.now() - lastCheck >= AT_MOST_EVERY_MS))
    void refreshStatusNow();
}

/** Starts the automatic checks; call once. */
export function startStatusRefresh(): void {
  effect(() => {
    // Each unlock is a fresh look; the lock forgets when the last one was.
    if (wallet.value === undefined) lastCheck = undefined;
    else refreshIfDue();
  });
  addEventListener('online', refreshIfDue);
}
