/**
 * The sandbox's verifier registry: its own registry authority (a key in the data folder) signs,
 * at every start, a registry in which the desk's verifier is registered for what its presets
 * ask. The web wallet's origin publishes both — the signed registry and the authority key the
 * wallet pins — beside the app, as a deployment of the wallet would (docs/verifier-registry.md).
 */
import { didKeyFromJwk, type JWK, type RegisteredVerifier, signerFromJwk, signVerifierRegistry } from '@sanad/core';
import type { VerifierPreset } from '../verifier-service/presets.js';

/** Where a web wallet finds them, next to its index.html. */
export const VERIFIER_REGISTRY_PATH = 'verifier-registry.jws';
export const VERIFIER_REGISTRY_KEYS_PATH = 'verifier-registry-keys.json';

/** How long each start's registry stays valid: a sandbox left running keeps working for a month. */
const VALID_DAYS = 30;

/** The desk's registration: each credential type its presets ask for, with the claims asked. */
function deskRegistration(clientId: string, presets: VerifierPreset[]): RegisteredVerifier {
  const claims = new Map<string, RegisteredVerifier['credentials'][number]['claims']>();
  for (const credential of presets.flatMap((p) => p.credentials)) {
    for (const type of credential.types) claims.set(type, [...(claims.get(type) ?? []), ...credential.claims]);
  }
  return {
    client_ids: [clientId],
    names: { en: 'Sandbox clinic', fr: 'Clinique bac à sable', ar: 'العيادة التجريبية', es: 'Clínica de pruebas' },
    purposes: [{ en: 'health partners, sandbox', fr: 'partenaires de santé, bac à sable', ar: 'شركاء صحيون، بيئة تجريبية', es: 'socios de salud, entorno de pruebas' }],
    credentials: [...claims].map(([credential_type, paths]) => ({ credential_type, claims: [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()] })),
  };
}

/**
 * Signs the sandbox registry with `authorityJwk` and answers the wallet origin's requests for it,
 * passing every other request to `next`.
 */
export async function publishVerifierRegistry(
  authorityJwk: JWK,
  desk: { clientId: string; presets: VerifierPreset[] },
  next: (r: Request) => Response | Promise<Response>,
): Promise<(r: Request) => Response | Promise<Response>> {
  const signer = await signerFromJwk(authorityJwk);
  const now = Date.now();
  const jws = await signVerifierRegistry(
    {
      type: 'sanad-verifier-registry',
      version: 1,
      name: 'Sandbox verifier registry',
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now + VALID_DAYS * 86_400_000).toISOString(),
      verifiers: [deskRegistration(desk.clientId, desk.presets)],
    },
    signer,
  );
  const files: Record<string, { body: string; type: string }> = {
    [`/${VERIFIER_REGISTRY_PATH}`]: { body: jws, type: 'application/jwt' },
    [`/${VERIFIER_REGISTRY_KEYS_PATH}`]: { body: JSON.stringify({ keys: [didKeyFromJwk(signer.publicJwk)] }), type: 'application/json' },
  };
  return (request) => {
    const file = request.method === 'GET' ? files[new URL(request.url).pathname] : undefined;
    // Never cached by the browser: the wallet keeps its own copy for when there is no network.
    return file ? new Response(file.body, { headers: { 'content-type': file.type, 'cache-control': 'no-store' } }) : next(request);
  };
}
