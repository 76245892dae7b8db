/** Serving a web-standard `fetch` handler on Node's HTTP server (`@hono/node-server`). */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

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
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) => {
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
    });
    server.once('error', reject);
  });
}
