/**
 * A fetch for untrusted URLs (did:web documents, status lists): https only, no internal
 * addresses, bounded time and size, redirects re-checked hop by hop.
 */
import { concatBytes } from '../encoding.js';
import { SanadError } from '../errors.js';
import { isInternalAddress, isIpLiteral } from './ip-address.js';

/** Resolves a host name to the addresses it would be dialled at. */
export type HostResolver = (host: string) => Promise<string[]>;

export interface GuardedFetchOptions {
  /** Permit http and internal addresses: tests and closed networks only. */
  allowInsecure?: boolean;
  /** Default 5000 ms for the whole exchange, body included. */
  timeoutMs?: number;
  /** Default 512 KiB. */
  maxBytes?: number;
  maxRedirects?: number;
  fetch?: typeof globalThis.fetch;
  /**
   * Checks where a name points before it is fetched (Node: `nodeHostResolver` from
   * `@sanad/core/node`). Without one, only IP literals and `localhost` names are checked.
   * Check-then-connect leaves a DNS-rebinding window; see docs/threat-model.md.
   */
  resolveHost?: HostResolver;
  headers?: Record<string, string>;
}

export interface GuardedResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The URL finally fetched, after redirects. */
  url: string;
}

export type GuardedFetch = (url: string) => Promise<GuardedResponse>;

async function checkUrl(raw: string, options: GuardedFetchOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new SanadError('ERR_FETCH_URL_FORBIDDEN', 'The URL is not valid.', { cause });
  }
  const insecure = options.allowInsecure === true;
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:'))
    throw new SanadError('ERR_FETCH_URL_FORBIDDEN', 'Only https URLs may be fetched.');
  if (url.username !== '' || url.password !== '')
    throw new SanadError('ERR_FETCH_URL_FORBIDDEN', 'URLs with credentials are refused.');
  if (insecure) return url;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost'))
    throw new SanadError('ERR_FETCH_URL_FORBIDDEN', 'Loopback hosts are refused.');
  const addresses = isIpLiteral(host)
    ? [host]
    : options.resolveHost
      ? await options.resolveHost(host)
      : [];
  if (addresses.some(isInternalAddress)) {
    throw new SanadError(
      'ERR_FETCH_URL_FORBIDDEN',
      'The host is a loopback, private or link-local address.',
    );
  }
  return url;
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new SanadError('ERR_FETCH_TOO_LARGE');
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new SanadError('ERR_FETCH_TOO_LARGE');
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** A failed exchange as a typed error: a timeout when our abort fired, a fetch failure otherwise. */
function asFetchError(err: unknown, signal: AbortSignal): SanadError {
  // HTTP clients wrap a refusal from the connection's lookup ("fetch failed", cause: ours).
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth += 1) {
    if (e instanceof SanadError) return e;
  }
  return new SanadError(signal.aborted ? 'ERR_FETCH_TIMEOUT' : 'ERR_FETCH_FAILED', undefined, {
    cause: err,
  });
}

/**
 * Creates a guarded fetch.
 *
 * @example
 * ```ts
 * const get = createGuardedFetch({ resolveHost: nodeHostResolver })
 * const { body } = await get('https://issuer.example/.well-known/did.json')
 * ```
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 512 * 1024;
  const maxRedirects = options.maxRedirects ?? 3;
  return async (raw) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let url = await checkUrl(raw, options);
      for (let hop = 0; ; hop += 1) {
        const response = await doFetch(url, {
          redirect: 'manual',
          signal: controller.signal,
          headers: options.headers ?? {},
        });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location !== null) {
          await response.body?.cancel();
          if (hop >= maxRedirects) throw new SanadError('ERR_FETCH_FAILED', 'Too many redirects.');
          url = await checkUrl(new URL(location, url).href, options);
          continue;
        }
        return {
          status: response.status,
          headers: response.headers,
          body: await readBounded(response, maxBytes),
          url: url.href,
        };
      }
    } catch (err) {
      throw asFetchError(err, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The same guards as {@link createGuardedFetch} behind the standard `fetch` signature, for protocol
 * libraries that POST (OpenID4VCI, OpenID4VP). Redirects are not followed: an endpoint that
 * redirects is refused rather than re-checked, since a POST body must not travel to a new host.
 *
 * @example
 * ```ts
 * const client = new Openid4vciClient({ callbacks: { ...callbacks, fetch: createGuardedHttpFetch({ resolveHost }) } })
 * ```
 */
export function createGuardedHttpFetch(options: GuardedFetchOptions = {}): typeof globalThis.fetch {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 512 * 1024;
  return async (input, init) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const url = await checkUrl(raw, options);
      const response = await doFetch(url, {
        ...init,
        redirect: 'manual',
        signal: controller.signal,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new SanadError(
          'ERR_FETCH_FAILED',
          'The endpoint answered with a redirect, which is not followed.',
        );
      }
      const body = await readBounded(response, maxBytes);
      return new Response(
        response.status === 204 || response.status === 205
          ? null
          : (body as Uint8Array<ArrayBuffer>),
        { status: response.status, headers: response.headers },
      );
    } catch (err) {
      throw asFetchError(err, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };
}
