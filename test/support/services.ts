/**
 * Real issuer and verifier services on loopback HTTP, over a chosen storage backend,
 * plus a wallet that talks to them through the OpenID4VC libraries.
 */
import {
  type Clock,
  createGuardedFetch,
  createGuardedHttpFetch,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  signerFromJwk,
  TrustList,
} from '@sanad/core';
import { CertificateAuthority } from '@sanad/core/x509';
import {
  createIssuer,
  generateBbsIssuerKey,
  type Issuer,
  type IssuerStore,
  refugeeStatusType,
} from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import {
  composeIssuerService,
  composeVerifierService,
  type IssuerService,
  type LogDestination,
  listen,
  type ServiceStore,
  standardPresets,
  type VerifierPreset,
  type VerifierService,
} from '@sanad/server';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';

allowInsecureHttpUrls(true);

/** The wallet's fetch for loopback services (production wallets refuse http and internal addresses). */
export const loopbackFetch = createGuardedHttpFetch({ allowInsecure: true });
export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
/**
 * Every test client sends from 127.0.0.1, standing for many wallets and desks: no per-client budget; and a test
 * machine may be loaded far past what a service would be run at: no lag shedding (test/dos tests both).
 */
export const TEST_DEFENCES = {
  rateLimit: false,
  loadShedding: { maxEventLoopLagMs: false },
} as const;

export interface Stores {
  issuer: IssuerStore;
  service: ServiceStore;
  /** Every row of the service store as text, to look for what must not be there. */
  dump(): Promise<string>;
}

export interface Services {
  issuer: Issuer;
  issuerService: IssuerService;
  issuerUrl: string;
  issuerDid: string;
  /** The issuer's BBS key identifier, with `bbs: true` (also on the verifier's trust list). */
  bbsIssuerDid?: string;
  /** The `iss` of the SD-JWT VC credentials: the DID, or with `identifier: 'https'` the issuer URL. */
  sdJwtIssuer: string;
  verifierService: VerifierService;
  verifierUrl: string;
  /** With `verifierX509`: the root CA that certified the verifier's request-signing key. */
  verifierAnchor?: string;
  dumpServiceStore(): Promise<string>;
  purgeServiceStore(now: number): Promise<number>;
  /** Shifts the services' clocks (expiry tests). */
  shiftClock(seconds: number): void;
  close(): Promise<void>;
}

/** `logs`: where both services write their JSON lines (default: nowhere). */
export async function startServices(
  stores: Stores,
  options: {
    presets?: VerifierPreset[];
    trustIssuer?: boolean;
    deskDir?: string;
    logs?: LogDestination;
    /** The issuer's SD-JWT VC identifier; with `https` the verifier fetches its JWT VC Issuer Metadata. */
    identifier?: 'did' | 'https';
    /** Give the issuer a BBS key too (bbs-2023 configurations). */
    bbs?: boolean;
    /** Certify the verifier's key under a test root (HAIP): its requests carry x5c, its client id this prefix. */
    verifierX509?: 'x509_san_dns' | 'x509_hash';
    /** The issuer service refuses token requests without DPoP (HAIP). */
    requireDpop?: boolean;
  } = {},
): Promise<Services> {
  const observability = options.logs
    ? { logDestination: options.logs, logLevel: 'info' as const }
    : { logLevel: 'silent' as const };
  let offset = 0;
  const clock: Clock = { now: () => Date.now() + offset * 1000 };
  let issuerHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  let verifierHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const issuerServer = await listen((r) => issuerHandler(r));
  const verifierServer = await listen((r) => verifierHandler(r));
  try {
    return await wire();
  } catch (err) {
    await Promise.all([issuerServer.close(), verifierServer.close()]);
    throw err;
  }

  async function wire(): Promise<Services> {
    const { publicJwk, privateJwk } = await generateKeyPair('ES256');
    const did = didKeyFromJwk(publicJwk);
    const bbs = options.bbs ? (await generateBbsIssuerKey()).key : undefined;
    const issuer = await createIssuer({
      store: stores.issuer,
      signer: await signerFromJwk(privateJwk),
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      statusBaseUrl: `${issuerServer.url}/status`,
      types: [refugeeStatusType],
      statusListTtlSeconds: 60,
      ...(bbs ? { bbs } : {}),
    });
    // The caller's stores, purged by the tests themselves (purgeServiceStore) at the shifted time.
    const common = {
      store: stores.service,
      operatorToken: OPERATOR_TOKEN,
      clock,
      observability,
      defences: TEST_DEFENCES,
      purgeEverySeconds: false,
    } as const;
    const issuerService = (
      await composeIssuerService({
        ...common,
        issuer,
        baseUrl: issuerServer.url,
        ...(options.identifier ? { identifier: options.identifier } : {}),
        ...(options.requireDpop ? { requireDpop: true } : {}),
      })
    ).service;
    issuerHandler = (r) => issuerService.app.fetch(r);

    const sdJwtIssuer = options.identifier === 'https' ? issuerServer.url : did;
    // Built directly (parseTrustList takes https ids only): the loopback issuer is http.
    const trustList = new TrustList({
      type: 'sanad-trust-list',
      version: 1,
      issuers:
        options.trustIssuer === false
          ? []
          : [
              {
                id: sdJwtIssuer,
                name: 'Test agency',
                // SD-JWT VC names the type by vct, the W3C formats by their VC type.
                credential_types: [
                  refugeeStatusType.definition.vct,
                  refugeeStatusType.definition.vcType,
                ],
              },
              ...(bbs
                ? [
                    {
                      id: bbs.issuerId,
                      name: 'Test agency (BBS key)',
                      credential_types: [refugeeStatusType.definition.vcType],
                    },
                  ]
                : []),
            ],
    });
    const verifierKey = await generateKeyPair('ES256');
    const verifierCa = options.verifierX509
      ? await CertificateAuthority.create({
          subject: { commonName: 'Test verifier root' },
          days: 30,
        })
      : undefined;
    const verifierChain = verifierCa
      ? [
          await verifierCa.issue({
            subject: { commonName: 'Al Noor Clinic desk' },
            publicJwk: verifierKey.publicJwk,
            days: 30,
            dnsNames: [new URL(verifierServer.url).hostname],
          }),
        ]
      : undefined;
    const verifierService = (
      await composeVerifierService({
        ...common,
        trustList,
        verification: {
          fetch: createGuardedFetch({ allowInsecure: true }),
          statusListReuseSeconds: 0,
          ...(options.identifier === 'https' ? { did: { web: { allowInsecure: true } } } : {}),
        },
        baseUrl: verifierServer.url,
        signer: await signerFromJwk(verifierKey.privateJwk),
        verifierName: 'Al Noor Clinic',
        ...(verifierChain ? { x5c: verifierChain, x509ClientId: options.verifierX509 } : {}),
        presets: options.presets ?? standardPresets(refugeeStatusType.definition.vct),
        ...(options.deskDir !== undefined ? { deskDir: options.deskDir } : {}),
      })
    ).service;
    verifierHandler = (r) => verifierService.app.fetch(r);

    return {
      issuer,
      issuerService,
      issuerUrl: issuerServer.url,
      issuerDid: did,
      ...(bbs ? { bbsIssuerDid: bbs.issuerId } : {}),
      sdJwtIssuer,
      verifierService,
      verifierUrl: verifierServer.url,
      ...(verifierCa ? { verifierAnchor: verifierCa.certificate } : {}),
      dumpServiceStore: () => stores.dump(),
      purgeServiceStore: (now) => stores.service.purgeExpired(now),
      shiftClock: (seconds) => {
        offset = seconds;
      },
      close: async () => {
        await Promise.all([issuerServer.close(), verifierServer.close()]);
        await Promise.all([stores.issuer.close(), stores.service.close()]);
      },
    };
  }
}

export function newWallet(): Promise<Wallet> {
  return createWallet(createMemoryStorage(), 'correct horse battery staple', {
    kdfParams: { N: 2 ** 15, r: 8, p: 1 },
  });
}

/** Calls the operator API. */
export async function operator(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token = OPERATOR_TOKEN,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/operator${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    json: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}
