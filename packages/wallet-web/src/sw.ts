/**
 * The service worker: keeps the app shell (every file of this build) so the wallet opens with no
 * network. Each build has its own cache, filled on install and swapped in on activate; requests
 * to issuers and verifiers (other origins) and anything but GET pass straight through.
 */

// The DOM and WebWorker type libraries cannot share one program, so the few types used are here.
interface SwEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwFetchEvent extends SwEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', listener: (event: SwEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: SwFetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { scope: string };
}
const sw = self as unknown as SwScope;

// Filled in at build time by the `precache` plugin in vite.config.ts: the build's files and its hash.
const PRECACHE: string[] = JSON.parse('__SANAD_PRECACHE__');
const CACHE = `sanad-wallet-${'__SANAD_BUILD__'}`;
const shell = new URL('./', sw.registration.scope).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        cache.addAll([shell, ...PRECACHE.map((file) => new URL(file, sw.registration.scope).href)]),
      )
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith('sanad-wallet-') && n !== CACHE)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(sw.registration.scope)) return;
  // Every page of the app is the same shell; links carry their data in the query (?open=…).
  const key = request.mode === 'navigate' ? shell : request;
  event.respondWith(
    caches
      .open(CACHE)
      .then(
        async (cache) =>
          (await cache.match(key, { ignoreSearch: request.mode === 'navigate' })) ?? fetch(request),
      ),
  );
});
