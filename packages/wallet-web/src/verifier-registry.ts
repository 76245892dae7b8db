/**
 * The verifier registry the consent screen checks verifiers against. It is published beside the
 * app (`verifier-registry.jws`), with the registry authority keys it must be signed by
 * (`verifier-registry-keys.json`): the origin that serves the wallet's code also says whose
 * signature to trust, as a key built into the app would. The newest registry that verifies is
 * kept in localStorage, so a phone that was online once still knows who is registered offline.
 */
import {
  isPlainObject,
  loadVerifierRegistry,
  tryParseJson,
  type VerifierRegistry,
} from '@sanad/core';

const CACHE_KEY = 'sanad-verifier-registry';

interface Published {
  keys: string[];
  registry: string;
}

const isPublishedKeys = (json: unknown): json is { keys: string[] } =>
  isPlainObject(json) &&
  Array.isArray(json.keys) &&
  json.keys.length > 0 &&
  json.keys.every((k) => typeof k === 'string');

/** A file beside the app, or undefined (no network, not published). */
async function fetchBeside(name: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL(name, document.baseURI), { cache: 'no-store' });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** The registry of `published`, when its signature verifies with its keys; an expired one is kept to say so. */
async function verified(
  published: Published | undefined,
): Promise<{ published: Published; registry: VerifierRegistry } | undefined> {
  if (!published) return undefined;
  try {
    return {
      published,
      registry: await loadVerifierRegistry(published.registry, {
        pinnedKey: published.keys,
        keepExpired: true,
      }),
    };
  } catch {
    return undefined;
  }
}

async function refresh(): Promise<VerifierRegistry | undefined> {
  const stored = tryParseJson(localStorage.getItem(CACHE_KEY) ?? '');
  const cached =
    isPublishedKeys(stored) && typeof (stored as { registry?: unknown }).registry === 'string'
      ? (stored as Published)
      : undefined;
  const [keysText, registryText] = await Promise.all([
    fetchBeside('verifier-registry-keys.json'),
    fetchBeside('verifier-registry.jws'),
  ]);
  const keys = tryParseJson(keysText ?? '');
  const fetched =
    isPublishedKeys(keys) && registryText !== undefined
      ? { keys: keys.keys, registry: registryText }
      : undefined;
  // The newest that verifies: an older registry served again (a registration since withdrawn) does not replace it.
  const candidates = (await Promise.all([verified(fetched), verified(cached)])).filter(
    (c) => c !== undefined,
  );
  const issued = (c: (typeof candidates)[number]) =>
    Date.parse(c.registry.document.issued_at ?? '') || 0;
  const best = candidates.sort((a, b) => issued(b) - issued(a))[0];
  if (best && best.published !== cached)
    localStorage.setItem(CACHE_KEY, JSON.stringify(best.published));
  return best?.registry;
}

let current: Promise<VerifierRegistry | undefined> | undefined;

/** The registry to check verifiers against (undefined: none published, none kept); fetched once per start and when the network returns. */
export const verifierRegistry = (): Promise<VerifierRegistry | undefined> =>
  (current ??= refresh());

addEventListener('online', () => {
  current = refresh();
});
