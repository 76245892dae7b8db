/**
 * The sandbox's verifier registry: its own registry authority (a key in the data folder) signs,
 * at every start, a registry in which the desk's verifier is registered for what its presets
 * ask. It is written to the data folder with the authority's public key, for the CLI wallet's
 * `--verifier-registry` and `--registry-key`, and the web wallet's origin publishes both beside
 * the app, as a deployment of the wallet would (docs/verifier-registry.md).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  didKeyFromJwk,
  type JWK,
  type RegisteredVerifier,
  signerFromJwk,
  signVerifierRegistry,
} from '@sanad/core';
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
    for (const type of credential.types)
      claims.set(type, [...(claims.get(type) ?? []), ...credential.claims]);
  }
  return {
    client_ids: [clientId],
    names: {
      en: 'Sandbox clinic',
      fr: 'Clinique bac à sable',
      ar: 'العيادة التجريبية',
      es: 'Clínica de pruebas',
    },
    purposes: [
      {
        en: 'health partners, sandbox',
        fr: 'partenaires de santé, bac à sable',
        ar: 'شركاء صحيون، بيئة تجريبية',
        es: 'socios de salud, entorno de pruebas',
      },
    ],
    credentials: [...claims].map(([credential_type, paths]) => ({
      credential_type,
      claims: [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()],
    })),
  };
}

export interface SandboxVerifierRegistry {
  /** The signed registry, in the data folder. */
  file: string;
  /** The authority's public JWK, in the data folder: what a wallet pins. */
  authorityKeyFile: string;
  /** Answers a wallet origin's requests for the registry and its keys, passing every other request to `next`. */
  serve(
    next: (r: Request) => Response | Promise<Response>,
  ): (r: Request) => Response | Promise<Response>;
}

/** Signs the sandbox registry with `authorityJwk` and writes it, with the public key, to `dataDir`. */
export async function sandboxVerifierRegistry(
  dataDir: string,
  authorityJwk: JWK,
  desk: { clientId: string; presets: VerifierPreset[] },
): Promise<SandboxVerifierRegistry> {
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
  const file = join(dataDir, VERIFIER_REGISTRY_PATH);
  const authorityKeyFile = join(dataDir, 'registry-authority.jwk.json');
  await writeFile(file, jws);
  await writeFile(authorityKeyFile, `${JSON.stringify(signer.publicJwk, null, 2)}\n`);
  const files: Record<string, { body: string; type: string }> = {
    [`/${VERIFIER_REGISTRY_PATH}`]: { body: jws, type: 'application/jwt' },
    [`/${VERIFIER_REGISTRY_KEYS_PATH}`]: {
      body: JSON.stringify({ keys: [didKeyFromJwk(signer.publicJwk)] }),
      type: 'application/json',
    },
  };
  return {
    file,
    authorityKeyFile,
    serve: (next) => (request) => {
      const published = request.method === 'GET' ? files[new URL(request.url).pathname] : undefined;
      // Never cached by the browser: the wallet keeps its own copy for when there is no network.
      return published
        ? new Response(published.body, {
            headers: { 'content-type': published.type, 'cache-control': 'no-store' },
          })
        : next(request);
    },
  };
}
