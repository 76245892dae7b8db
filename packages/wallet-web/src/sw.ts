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

// Filled in at build time by the `precache` plugin in vite.config.ts: the build's files (those
// kept on install, those kept when first used) and its hash.
const PRECACHE: string[] = JSON.parse('__SANAD_PRECACHE__');
const ON_DEMAND: string[] = JSON.parse('__SANAD_ON_DEMAND__');
const CACHE = `sanad-wallet-${'__SANAD_BUILD__'}`;
const scoped = (file: string) => new URL(file, sw.registration.scope).href;
const shell = scoped('./');
const onDemand = new Set(ON_DEMAND.map(scoped));
// Kept in a cache once an on-demand file was used: the next build then keeps them all on install,
// so a wallet that holds such a credential still opens it with no network after an update.
const USED_ON_DEMAND = scoped('./.on-demand-used');

/** Whether an earlier build's cache says the on-demand files were used. */
async function onDemandWasUsed(): Promise<boolean> {
  for (const name of await caches.keys())
    if (name.startsWith('sanad-wallet-') && (await (await caches.open(name)).match(USED_ON_DEMAND)))
      return true;
  return false;
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const used = await onDemandWasUsed();
      await cache.addAll([shell, ...PRECACHE.map(scoped), ...(used ? onDemand : [])]);
      if (used) await cache.put(USED_ON_DEMAND, new Response(''));
      await sw.skipWaiting();
    })(),
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
    caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
      if (kept) return kept;
      const response = await fetch(request);
      if (onDemand.has(request.url) && response.ok) {
        await cache.put(request, response.clone());
        await cache.put(USED_ON_DEMAND, new Response(''));
      }
      return response;
    }),
  );
});
