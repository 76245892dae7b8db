/** Keeping only what was asked for: claim paths, selection and the list of what was dropped. */
import { type ClaimPath, isPlainObject, pathsOverlap, setOwn } from '@sanad/core';

/** A DCQL claim path: names, array indexes, and `null` for "every element". */
export type RequestedPath = Array<string | number | null>;

function select(value: unknown, path: RequestedPath): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (head === null) {
    if (!Array.isArray(value)) return undefined;
    const items = value.map((v) => select(v, rest)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof head === 'number') {
    if (!Array.isArray(value) || head >= value.length) return undefined;
    const inner = select(value[head], rest);
    return inner === undefined ? undefined : [inner];
  }
  if (!isPlainObject(value) || !Object.hasOwn(value, head)) return undefined;
  const inner = select(value[head], rest);
  if (inner === undefined) return undefined;
  const out: Record<string, unknown> = {};
  setOwn(out, head, inner);
  return out;
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    // Own members only: an inherited `__proto__` read here would merge into Object.prototype.
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    if (isPlainObject(existing) && isPlainObject(value)) merge(existing, value);
    else setOwn(target, key, value);
  }
}

/** Whether every requested path is present in `claims`. */
export function hasPath(claims: Record<string, unknown>, path: RequestedPath): boolean {
  return select(claims, path) !== undefined;
}

/**
 * The part of `claims` the requested paths name, and nothing else.
 *
 * @example
 * ```ts
 * pickClaims({ a: 1, b: { c: 2, d: 3 } }, [['b', 'c']]) // { b: { c: 2 } }
 * ```
 */
export function pickClaims(
  claims: Record<string, unknown>,
  paths: RequestedPath[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const part = select(claims, path);
    if (isPlainObject(part)) merge(out, part);
  }
  return out;
}

/** True when a disclosed path lies on (or inside) one of the requested paths. */
export function isRequested(disclosed: ClaimPath, requested: RequestedPath[]): boolean {
  return requested.some((path) => pathsOverlap(disclosed, path));
}

/** Human-readable form of a claim path for reports: `address.locality`, `nationalities[1]`. */
export function formatPath(path: ReadonlyArray<string | number | null>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : p === null ? '[]' : i === 0 ? p : `.${p}`))
    .join('');
}
