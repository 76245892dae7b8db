/** Serving a web-standard `fetch` handler on Node's HTTP server (`@hono/node-server`). */
import type { ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { SanadError } from '@sanad/core';

export interface Listening {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * How long and how much a client may hold of the server before it is cut off (Node's own
 * defaults let a request body trickle in for 5 minutes). Chosen for phones on slow 3G or EDGE
 * (about 100 kbit/s, 0.5-2 s round trips): headers are a few hundred bytes, the largest body
 * Sanad accepts is 256 KiB (about 20 s at that speed), so honest clients finish well inside
 * these bounds while a slowloris client is dropped.
 */
export interface ServerLimits {
  /** Time to receive a request's headers (Node: `headersTimeout`), default 15 s. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (Node: `requestTimeout`), default 30 s. */
  requestTimeoutMs: number;
  /** How long an idle kept-alive connection stays open (Node: `keepAliveTimeout`), default 10 s. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (slow readers), default 60 s. */
  idleTimeoutMs: number;
  /** Largest request head, request line and headers together (Node: `maxHeaderSize`), default 16 KiB. */
  maxHeaderBytes: number;
  /** Open connections at most; more are closed on arrival (Node: `maxConnections`), default 4096. */
  maxConnections: number;
  /** How often the header and request timeouts are checked (Node: `connectionsCheckingInterval`), default 1 s. */
  checkIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 4096,
  checkIntervalMs: 1_000,
});

export interface ListenOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** Default loopback only. */
  hostname?: string;
  /** Overrides of {@link DEFAULT_SERVER_LIMITS}. */
  limits?: Partial<ServerLimits>;
}

// The socket address of each request served by `listen`, for per-client limits. Kept beside the
// request rather than in a header, so a client cannot write it.
const remoteAddresses = new WeakMap<Request, string>();

/**
 * The address of the peer that sent `request`: the socket's, when `listen` (or
 * `@hono/node-server` with `env`) served it; undefined otherwise (e.g. `app.request()`).
 */
export function remoteAddressOf(request: Request, env?: unknown): string | undefined {
  return (
    remoteAddresses.get(request) ??
    (env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress
  );
}

function checkedLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Server limit ${name} must be a positive whole number.`,
      );
  }
  // Node refuses a headers timeout longer than the request timeout.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'Server limit headersTimeoutMs must not exceed requestTimeoutMs.',
    );
  return limits;
}

/**
 * Listens on `port` (0: any free port) and `hostname` (default loopback only), with the
 * {@link ServerLimits} against slow and greedy clients.
 *
 * @example
 * ```ts
 * const { url, close } = await listen((req) => service.app.fetch(req), { port: 8080, limits: { requestTimeoutMs: 60_000 } })
 * ```
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  options: ListenOptions = {},
): Promise<Listening> {
  const hostname = options.hostname ?? '127.0.0.1';
  const port = options.port ?? 0;
  let limits: ServerLimits;
  try {
    limits = checkedLimits(options.limits);
  } catch (err) {
    return Promise.reject(err);
  }
  const serverOptions: ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
  const track = (
    request: Request,
    env: HttpBindings | Http2Bindings,
  ): Response | Promise<Response> => {
    const address = env.incoming.socket.remoteAddress;
    if (address !== undefined) remoteAddresses.set(request, address);
    return fetch(request);
  };
  return new Promise((resolve, reject) => {
    const listening = (info: AddressInfo): void => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets would hold close() open for their idle timeout.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    };
    let server: ReturnType<typeof serve>;
    try {
      server = serve({ fetch: track, port, hostname, serverOptions }, listening);
    } catch (err) {
      // A port outside 0-65535 throws at once.
      reject(listenError(err, port, hostname));
      return;
    }
    const http = server as unknown as { maxConnections: number; setTimeout(ms: number): void };
    http.maxConnections = limits.maxConnections;
    http.setTimeout(limits.idleTimeoutMs);
    server.once('error', (err) => reject(listenError(err, port, hostname)));
  });
}

/**
 * Why a server could not listen, as a typed error that says what to do. The error's `cause`
 * keeps Node's own error (its `code`, `port` and `address`).
 */
export function listenError(err: unknown, port: number, hostname: string): SanadError {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return new SanadError(
        'ERR_PORT_IN_USE',
        `Port ${port} on ${hostname} is in use (another service?): stop it or choose another port.`,
        { cause: err },
      );
    case 'EACCES':
    case 'EPERM':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `Port ${port} needs administrator rights on this system: use a port from 1024 up (with a reverse proxy or load balancer in front), or give Node the right to bind low ports.`,
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `${hostname} is not an address of this machine: listen on 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses.`,
        { cause: err },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `${hostname} is neither an IP address nor a host name this machine knows: listen on 127.0.0.1, 0.0.0.0 or one of its own addresses.`,
        { cause: err },
      );
    case 'ERR_SOCKET_BAD_PORT':
      return new SanadError(
        'ERR_LISTEN_FAILED',
        'The port must be a whole number from 0 to 65535.',
        { cause: err },
      );
    default:
      return new SanadError(
        'ERR_LISTEN_FAILED',
        `The service cannot listen on ${hostname} port ${port}${code ? ` (${code})` : ''}.`,
        { cause: err },
      );
  }
}
