/** Shared test fixtures: a real issuer, real holder keys, hand-made presentations. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeDisclosure,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  type HolderKey,
  type JWK,
  parseSdJwt,
  sdHash,
  type Signer,
  signerFromJwk,
  signJwt,
  TrustList,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  type CredentialType,
  defineCredentialType,
  type Issuer,
  refugeeStatusType,
} from '@sanad/issuer';
import type { WalletOptions } from '@sanad/wallet';
import { nodeScrypt } from '@sanad/wallet/node';

/** Low scrypt cost keeps tests fast; the policy floor itself is tested with the real defaults. */
export const LOW_COST_WALLET: WalletOptions = {
  kdf: nodeScrypt,
  kdfParams: { N: 2 ** 10, r: 8, p: 1 },
  kdfPolicy: { min: { N: 2 ** 10, r: 8, p: 1 }, max: { N: 2 ** 20, r: 16, p: 4 } },
};

export const amal = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'AMM-2026-044817',
  photo_digest: 'sha-256:4f1a3b0c9d5e6f7081920a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455',
  age_over_18: true,
};

export const VCT = refugeeStatusType.definition.vct;

const label = (en: string) => ({ en, fr: `${en} (fr)`, ar: `${en} (ar)` });
/** A type with nested-object and array-element disclosures. */
export const registrationType = defineCredentialType({
  id: 'registration',
  vct: 'https://sanad.example/credentials/registration',
  vcType: 'RegistrationCredential',
  name: label('Registration'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['household_size', 'address', 'nationalities'],
    properties: {
      household_size: { type: 'integer', minimum: 1 },
      address: {
        type: 'object',
        additionalProperties: false,
        properties: {
          locality: { type: 'string' },
          camp: { type: 'string' },
          country: { type: 'string' },
        },
      },
      nationalities: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{3}$' } },
    },
  },
  selectivelyDisclosable: ['household_size', 'address.locality', 'address.camp', 'nationalities[]'],
  validity: { days: 365 },
  claimDisplay: {
    household_size: label('Household size'),
    address: label('Address'),
    nationalities: label('Nationalities'),
    'address.locality': label('Locality'),
    'address.camp': label('Camp'),
  },
});

export interface Holder extends HolderKey {
  signer: Signer;
  privateJwk: JWK;
  kid: string;
}

export async function makeHolder(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<Holder> {
  const { publicJwk, privateJwk } = await generateKeyPair(alg);
  const did = didKeyFromJwk(publicJwk);
  return {
    did,
    jwk: publicJwk,
    privateJwk,
    signer: await signerFromJwk(privateJwk),
    kid: `${did}#${didKeyMultibase(did)}`,
  };
}

export interface Agency {
  issuer: Issuer;
  did: string;
  signer: Signer;
  publicJwk: JWK;
}

export async function makeAgency(
  statusBaseUrl = 'https://agency.example/status',
  alg: 'ES256' | 'EdDSA' = 'ES256',
  types: CredentialType[] = [refugeeStatusType],
): Promise<Agency> {
  const { publicJwk, privateJwk } = await generateKeyPair(alg);
  const did = didKeyFromJwk(publicJwk);
  const signer = await signerFromJwk(privateJwk);
  const issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer,
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl,
    types,
  });
  return { issuer, did, signer, publicJwk };
}

export function trustFor(...issuers: Array<{ did: string; types?: string[] }>): TrustList {
  return new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: issuers.map((i) => ({
      id: i.did,
      name: 'Test agency',
      credential_types: i.types ?? [VCT, 'RefugeeStatusCredential'],
    })),
  });
}

/** Keeps the disclosures whose claim name is in `names` and appends a KB-JWT. */
export async function presentSdJwt(
  credential: string,
  holder: Signer,
  names: string[],
  kb:
    | { nonce: string; aud: string; iat?: number; sdHashOverride?: string; typ?: string }
    | undefined,
): Promise<string> {
  const parsed = parseSdJwt(credential);
  const kept = parsed.disclosures.filter((d) => {
    const name = decodeDisclosure(d).name;
    return name !== undefined && names.includes(name);
  });
  const base = `${credential.split('~')[0]}~${kept.map((d) => `${d}~`).join('')}`;
  if (!kb) return base;
  const kbJwt = await signJwt(
    holder,
    { typ: kb.typ ?? 'kb+jwt' },
    {
      nonce: kb.nonce,
      aud: kb.aud,
      iat: kb.iat ?? Math.floor(Date.now() / 1000),
      sd_hash: kb.sdHashOverride ?? sdHash(base),
    },
  );
  return `${base}${kbJwt}`;
}

/** A real HTTP server on 127.0.0.1 serving `routes` (path -> body). */
export async function serve(
  routes: Map<string, string | (() => string)>,
  options: { delayMs?: number; status?: number } = {},
): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    const body = routes.get(req.url ?? '');
    setTimeout(() => {
      if (body === undefined || options.status !== undefined) {
        res.writeHead(options.status ?? 404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/statuslist+jwt' })
        .end(typeof body === 'function' ? body() : body);
    }, options.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits: () => hits };
}
