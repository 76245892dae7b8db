/** Serving a web-standard `fetch` handler on Node's HTTP server (`@hono/node-server`). */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { SanadError } from '@sanad/core';

export interface Listening {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0: any free port) and `hostname` (default loopback only).
 *
 * @example
 * ```ts
 * const { url, close } = await listen((req) => service.app.fetch(req), { port: 8080 })
 * ```
 */
export function listen(fetch: (request: Request) => Response | Promise<Response>, options: { port?: number; hostname?: string } = {}): Promise<Listening> {
  const hostname = options.hostname ?? '127.0.0.1';
  const port = options.port ?? 0;
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
      server = serve({ fetch, port, hostname }, listening);
    } catch (err) {
      // A port outside 0-65535 throws at once.
      reject(listenError(err, port, hostname));
      return;
    }
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
      return new SanadError('ERR_PORT_IN_USE', `Port ${port} on ${hostname} is in use (another service?): stop it or choose another port.`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new SanadError('ERR_LISTEN_FAILED', `Port ${port} needs administrator rights on this system: use a port from 1024 up (with a reverse proxy or load balancer in front), or give Node the right to bind low ports.`, { cause: err });
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return new SanadError('ERR_LISTEN_FAILED', `${hostname} is not an address of this machine: listen on 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses.`, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new SanadError('ERR_LISTEN_FAILED', `${hostname} is neither an IP address nor a host name this machine knows: listen on 127.0.0.1, 0.0.0.0 or one of its own addresses.`, { cause: err });
    case 'ERR_SOCKET_BAD_PORT':
      return new SanadError('ERR_LISTEN_FAILED', 'The port must be a whole number from 0 to 65535.', { cause: err });
    default:
      return new SanadError('ERR_LISTEN_FAILED', `The service cannot listen on ${hostname} port ${port}${code ? ` (${code})` : ''}.`, { cause: err });
  }
}
