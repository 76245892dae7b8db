/**
 * The route a request was answered by, as registered (`/sessions/:id`), never the raw path:
 * ids in paths are secrets or personal references, and raw paths would make one metric series
 * per request.
 */
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** What requests that matched no route are counted and logged as. */
export const UNMATCHED_ROUTE = 'unmatched';

export function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  // Middleware is registered for every method; the handler is the last route with a method of its own.
  const handler = routes.findLast((r) => r.method !== 'ALL');
  if (handler) return handler.path;
  // No handler: a middleware answered (a CORS preflight at '/token'), or nothing did ('*').
  const answered = routes[c.req.routeIndex];
  return answered && answered.path !== '*' && answered.path !== '/*'
    ? answered.path
    : UNMATCHED_ROUTE;
}
