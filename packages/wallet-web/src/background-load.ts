/**
 * What the first screen does not need, fetched once it is up: the holder's screens and the
 * protocol libraries while the holder types a passphrase, then the service worker. In that order
 * on purpose: the worker's precache then finds every chunk in the HTTP cache (they are immutable)
 * instead of downloading the app a second time over a slow link.
 */
import { signal } from '@preact/signals';
import { loadWalletLibrary } from './session.js';

type HolderScreens = typeof import('./holder-screens.js');

/** The holder's screens, once loaded. */
export const holderScreens = signal<HolderScreens | undefined>(undefined);

let loading: Promise<HolderScreens> | undefined;

/** Loads the holder's screens (once; a failed load, e.g. offline before any visit, is tried again on the next call). */
export function loadHolderScreens(): Promise<HolderScreens> {
  loading ??= import('./holder-screens.js').then(
    (screens) => (holderScreens.value = screens),
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

const whenIdle = (task: () => void): void => {
  // Safari has no requestIdleCallback.
  if ('requestIdleCallback' in window) requestIdleCallback(task);
  else setTimeout(task, 200);
};

let started = false;

/** Starts it all, once, when the browser is next idle. */
export function loadInBackground(): void {
  if (started) return;
  started = true;
  whenIdle(() => {
    void Promise.allSettled([loadHolderScreens(), loadWalletLibrary()]).then(() => {
      // After the first visit the app comes from the service worker: it opens with no network.
      if ('serviceWorker' in navigator && import.meta.env.PROD)
        void navigator.serviceWorker.register('./sw.js', { type: 'module', scope: './' });
    });
  });
}
