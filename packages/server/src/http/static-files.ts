/**
 * A built web app (the verifier desk, the web wallet) served from a directory under a URL
 * prefix. Only known file types are served, never a dotfile or anything outside the directory;
 * HTML pages carry a strict Content-Security-Policy (no inline script or style, no framing).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { SanadError } from '@sanad/core';

export interface StaticFilesOptions {
  /** Absolute path of the directory to serve. */
  root: string;
  /** The URL path it is served under, ending in `/` (default `/`). */
  prefix?: string;
  /**
   * Origins the pages may reach besides their own (`connect-src`), e.g. `https:` for a wallet
   * that talks to issuers and verifiers anywhere.
   */
  connectSrc?: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite names what it builds into assets/ by content hash: a changed file is a new URL.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The Content-Security-Policy of the HTML pages, with `connectSrc` added to `connect-src`. */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "style-src 'self'",
    "script-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "worker-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The path segments under the prefix, or undefined when any is unsafe (`..`, a dotfile, an encoded separator). */
function segmentsOf(pathname: string, prefix: string): string[] | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  const segments: string[] = [];
  for (const raw of pathname.slice(prefix.length).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  // "/prefix/" and "/prefix/dir/" are that folder's index.html.
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html';
  return segments.includes('') ? undefined : segments;
}

/**
 * Serves `root` under `prefix`: GET and HEAD, 404 for anything missing, unsafe or of an unknown type.
 *
 * @example
 * ```ts
 * const desk = staticFiles({ root: '/srv/sanad/desk', prefix: '/desk/' })
 * app.get('/desk/*', (c) => desk(c.req.raw))
 * ```
 */
export function staticFiles(options: StaticFilesOptions): (request: Request) => Promise<Response> {
  if (!isAbsolute(options.root))
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'The static files directory must be an absolute path.',
    );
  const prefix = options.prefix ?? '/';
  if (!prefix.startsWith('/') || !prefix.endsWith('/'))
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'The static files prefix must start and end with "/".',
    );
  const csp = contentSecurityPolicy(options.connectSrc);
  const notFound = () =>
    new Response('Not found.\n', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
    const segments = segmentsOf(new URL(request.url).pathname, prefix);
    if (!segments) return notFound();
    const path = join(options.root, ...segments);
    // Belt and braces after the segment checks: the file must lie inside root.
    const inside = relative(options.root, path);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return notFound();
    const name = segments.at(-1)!;
    const type = CONTENT_TYPES[extname(name)];
    const info = type ? await stat(path).catch(() => undefined) : undefined;
    if (!type || !info?.isFile()) return notFound();

    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const html = type.startsWith('text/html');
    const headers = new Headers({
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
      // Pages, the service worker and the manifest must be revalidated so an update is seen.
      'Cache-Control': segments[0] === 'assets' && segments.length > 1 ? IMMUTABLE : 'no-cache',
    });
    if (html) {
      headers.set('Content-Security-Policy', csp);
      headers.set('Referrer-Policy', 'no-referrer');
    }
    // A Brotli or gzip copy made at build time (scripts/vite-precompress.mjs), when the browser takes it.
    const accepted = request.headers.get('accept-encoding') ?? '';
    let body = { path, size: info.size };
    for (const [encoding, suffix] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ] as const) {
      if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
      const copy = await stat(path + suffix).catch(() => undefined);
      if (!copy?.isFile()) continue;
      body = { path: path + suffix, size: copy.size };
      headers.set('Content-Encoding', encoding);
      headers.set('ETag', etag.replace(/"$/, `-${encoding}"`));
      break;
    }
    headers.set('Vary', 'Accept-Encoding');
    if (request.headers.get('if-none-match') === headers.get('ETag'))
      return new Response(null, { status: 304, headers });
    headers.set('Content-Length', String(body.size));
    return new Response(
      request.method === 'HEAD' ? null : new Uint8Array(await readFile(body.path)),
      { status: 200, headers },
    );
  };
}
