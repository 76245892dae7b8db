/**
 * A local sandbox: the issuer and verifier services on loopback over plain HTTP, SQLite in a
 * data folder, one sample offer and one verifier request ready to try with the CLI wallet,
 * and, when built, the web wallet (on a third port) and the verifier desk (`/desk/`).
 * Keys and registers survive restarts; nothing listens beyond 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createGuardedFetch,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  randomBytes,
  SanadError,
  type SanadErrorCode,
  signerFromJwk,
  toBase64url,
  TrustList,
} from '@sanad/core';
import {
  createIssuer,
  generateBbsIssuerKey,
  loadBbsKeyFile,
  loadIssuerKeyFile,
  openSqliteIssuerStore,
  refugeeStatusType,
  saveBbsKeyFile,
  saveIssuerKeyFile,
} from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { composeIssuerService, composeVerifierService } from '../compose.js';
import type { DefencesOptions } from '../middleware/defences/index.js';
import { staticFiles } from '../http/static-files.js';
import type { CreatedOffer, IssuerService } from '../issuer-service/issuer-service.js';
import { type Listening, listen } from '../node/listen.js';
import { standardPresets } from '../verifier-service/presets.js';
import type { CreatedSession, VerifierService } from '../verifier-service/verifier-service.js';
import { type SandboxVerifierRegistry, sandboxVerifierRegistry } from './verifier-registry.js';

export interface SandboxOptions {
  /** Where keys and SQLite files live (created if missing). */
  dataDir: string;
  /** Issuer port (default 8080); the verifier listens on the next one, the web wallet on the one after. 0: any free ports. */
  port?: number;
  /** The built web wallet (`@sanad/wallet-web`'s `dist`, an absolute path), served on its own origin. */
  walletDir?: string;
  /** The built verifier desk (`@sanad/verifier-web`'s `dist`, an absolute path), served at the verifier's `/desk/`. */
  deskDir?: string;
  log?: (message: string) => void;
  /** Both services' denial-of-service defences (default: on, as in production). */
  defences?: DefencesOptions | false;
}

export interface Sandbox {
  issuerUrl: string;
  verifierUrl: string;
  /** For the operator APIs of both services (stored in the data folder). */
  operatorToken: string;
  offer: CreatedOffer;
  session: CreatedSession;
  /** More offers, as the operator API would make them. */
  createOffer: IssuerService['createOffer'];
  verifier: VerifierService;
  /** The signed verifier registry in which the desk is registered, and its authority's public key (files in the data folder). */
  verifierRegistry: Pick<SandboxVerifierRegistry, 'file' | 'authorityKeyFile'>;
  /** The web wallet's origin, when `walletDir` was given. */
  walletUrl?: string;
  /** The desk page, when `deskDir` was given. */
  deskUrl?: string;
  /**
   * Revokes through the issuer's operator API, by credential id or by offer id (the batch id of
   * everything issued from that offer); resolves with the number of credentials changed.
   */
  revoke(id: string): Promise<number>;
  close(): Promise<void>;
}

/** Sample claims for the sandbox offer: an invented person. */
export const SANDBOX_CLAIMS = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'SANDBOX-0001',
  age_over_18: true,
};

async function keyIn(path: string) {
  if (!existsSync(path)) await saveIssuerKeyFile(path, (await generateKeyPair('ES256')).privateJwk);
  return loadIssuerKeyFile(path);
}

async function bbsKeyIn(path: string) {
  if (!existsSync(path)) await saveBbsKeyFile(path, (await generateBbsIssuerKey()).file);
  return (await loadBbsKeyFile(path))!;
}

async function tokenIn(path: string): Promise<string> {
  if (!existsSync(path))
    await writeFile(path, `${toBase64url(randomBytes(24))}\n`, { mode: 0o600 });
  return (await readFile(path, 'utf8')).trim();
}

/**
 * Starts the sandbox.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ dataDir: '.sanad-sandbox' })
 * console.log(sandbox.offer.offerUri, sandbox.offer.txCode)
 * ```
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  allowInsecureHttpUrls(true);

  let issuerHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  let verifierHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  let walletHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const port = options.port ?? 8080;
  const servers: Listening[] = [];
  const listenNext = async (
    handler: (r: Request) => Response | Promise<Response>,
    offset: number,
  ): Promise<Listening> => {
    try {
      const server = await listen(handler, { port: port === 0 ? 0 : port + offset });
      servers.push(server);
      return server;
    } catch (err) {
      await Promise.all(servers.map((s) => s.close()));
      throw err;
    }
  };
  const issuerServer = await listenNext((r) => issuerHandler(r), 0);
  const verifierServer = await listenNext((r) => verifierHandler(r), 1);
  const walletServer =
    options.walletDir !== undefined ? await listenNext((r) => walletHandler(r), 2) : undefined;

  const operatorToken = await tokenIn(join(options.dataDir, 'operator-token'));
  const issuerJwk = await keyIn(join(options.dataDir, 'issuer-key.json'));
  const signer = await signerFromJwk(issuerJwk);
  const did = didKeyFromJwk(signer.publicJwk);
  const issuerStore = openSqliteIssuerStore(join(options.dataDir, 'issuer.sqlite'));
  // A BBS key too, so the sandbox offers bbs-2023 W3C credentials (unlinkable presentations).
  const bbs = await bbsKeyIn(join(options.dataDir, 'bbs-key.json'));
  const issuer = await createIssuer({
    store: issuerStore,
    signer,
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    bbs,
    statusBaseUrl: `${issuerServer.url}/status`,
    types: [refugeeStatusType],
    // A minute (Token Status List: ttl is a positive number); the sandbox's own verifier fetches
    // the list for every presentation, so a revocation shows there at once.
    statusListTtlSeconds: 60,
  });
  // One service store for both services: the issuer's composition opens, purges and closes it.
  const issuing = await composeIssuerService({
    issuer,
    store: { sqlitePath: join(options.dataDir, 'service.sqlite') },
    baseUrl: issuerServer.url,
    operatorToken,
    ...(options.defences !== undefined ? { defences: options.defences } : {}),
    displayName: {
      en: 'Sanad sandbox agency',
      fr: 'Agence bac à sable Sanad',
      ar: 'وكالة سند التجريبية',
      es: 'Agencia de pruebas Sanad',
    },
    log,
    closeAfter: [issuerStore],
  });
  const issuerService = issuing.service;
  issuerHandler = (r) => issuerService.app.fetch(r);

  const trustList = new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    name: 'Sandbox trust list',
    issued_at: new Date().toISOString(),
    issuers: [
      {
        id: did,
        name: 'Sanad sandbox agency',
        credential_types: [refugeeStatusType.definition.vct, refugeeStatusType.definition.vcType],
      },
      {
        id: bbs.issuerId,
        name: 'Sanad sandbox agency (BBS key)',
        credential_types: [refugeeStatusType.definition.vcType],
      },
    ],
  });
  const verifierKey = await keyIn(join(options.dataDir, 'verifier-key.json'));
  const presets = [
    ...standardPresets(refugeeStatusType.definition.vct),
    // The same question of a W3C VCDM 2.0 credential (ldp_vc), for the sandbox's W3C offers.
    {
      id: 'over-18-w3c',
      name: { en: 'Over 18 (W3C credential)', fr: 'Plus de 18 ans (attestation W3C)' },
      purpose: { en: 'Confirm that you are an adult', fr: 'Confirmer que vous êtes majeur' },
      purposeClaims: ['age_over_18'],
      credentials: [
        {
          id: 'refugee-status',
          format: 'ldp_vc' as const,
          types: [refugeeStatusType.definition.vcType],
          claims: [['age_over_18']],
        },
      ],
    },
  ];
  const closeStarted = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.close()));
    await issuing.close();
  };
  const verifying = await composeVerifierService({
    trustList,
    verification: { fetch: createGuardedFetch({ allowInsecure: true }), statusListReuseSeconds: 0 },
    store: issuing.store,
    purgeEverySeconds: false,
    baseUrl: verifierServer.url,
    signer: await signerFromJwk(verifierKey),
    verifierName: 'Sandbox clinic',
    presets,
    operatorToken,
    ...(options.defences !== undefined ? { defences: options.defences } : {}),
    resultRetentionSeconds: 3600,
    requestTtlSeconds: 3600,
    ...(options.deskDir !== undefined ? { deskDir: options.deskDir } : {}),
    log,
  }).catch(async (err: unknown) => {
    await closeStarted();
    throw err;
  });
  const verifier = verifying.service;
  verifierHandler = (r) => verifier.app.fetch(r);
  // The wallet's pages may reach these services (and any https issuer or verifier), nothing else.
  const verifierRegistry = await sandboxVerifierRegistry(
    options.dataDir,
    await keyIn(join(options.dataDir, 'registry-authority-key.json')),
    { clientId: verifier.clientId, presets },
  );
  // Beside the app, the verifier registry it checks verifiers against, with the key it pins.
  if (options.walletDir !== undefined)
    walletHandler = verifierRegistry.serve(
      staticFiles({
        root: options.walletDir,
        connectSrc: ['https:', issuerServer.url, verifierServer.url],
      }),
    );

  const offer = await issuerService.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
  const session = await verifier.createSession({ preset: 'over-18' });
  return {
    issuerUrl: issuerServer.url,
    verifierUrl: verifierServer.url,
    operatorToken,
    offer,
    session,
    createOffer: issuerService.createOffer,
    verifier,
    verifierRegistry: {
      file: verifierRegistry.file,
      authorityKeyFile: verifierRegistry.authorityKeyFile,
    },
    ...(walletServer ? { walletUrl: walletServer.url } : {}),
    ...(options.deskDir !== undefined ? { deskUrl: `${verifierServer.url}/desk/` } : {}),
    revoke: async (id) => {
      // Through the operator route, so the service re-signs its status lists now.
      const response = await issuerService.app.fetch(
        new Request(`${issuerServer.url}/operator/credentials/${encodeURIComponent(id)}/revoke`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operatorToken}` },
        }),
      );
      const body = (await response.json()) as {
        changed?: unknown[];
        error_description?: string;
        sanad_code?: SanadErrorCode;
      };
      if (!response.ok)
        throw new SanadError(body.sanad_code ?? 'ERR_INTERNAL', body.error_description);
      return body.changed?.length ?? 0;
    },
    close: async () => {
      await verifying.close();
      await closeStarted();
    },
  };
}
