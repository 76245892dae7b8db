/**
 * A local sandbox: the issuer and verifier services on loopback over plain HTTP, SQLite in a
 * data folder, one sample offer and one verifier request ready to try with the CLI wallet.
 * Keys and registers survive restarts; nothing listens beyond 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGuardedFetch, didKeyFromJwk, didKeyMultibase, generateKeyPair, randomBytes, signerFromJwk, toBase64url, TrustList } from '@sanad/core';
import { createIssuer, loadIssuerKeyFile, openSqliteIssuerStore, refugeeStatusType, saveIssuerKeyFile } from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { createVerifier } from '@sanad/verifier';
import { type CreatedOffer, createIssuerService, type IssuerService } from '../issuer-service/issuer-service.js';
import { listen } from '../node/listen.js';
import { schedulePurge } from '../store/purge.js';
import { openSqliteServiceStore } from '../store/sqlite-service-store.js';
import { standardPresets } from '../verifier-service/presets.js';
import { type CreatedSession, createVerifierService, serviceNonceStore, type VerifierService } from '../verifier-service/verifier-service.js';

export interface SandboxOptions {
  /** Where keys and SQLite files live (created if missing). */
  dataDir: string;
  /** Issuer port (default 8080); the verifier listens on the next one. 0: any free ports. */
  port?: number;
  log?: (message: string) => void;
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

async function tokenIn(path: string): Promise<string> {
  if (!existsSync(path)) await writeFile(path, `${toBase64url(randomBytes(24))}\n`, { mode: 0o600 });
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

  let issuerHandler: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  let verifierHandler: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const port = options.port ?? 8080;
  const issuerServer = await listen((r) => issuerHandler(r), { port });
  const verifierServer = await listen((r) => verifierHandler(r), { port: port === 0 ? 0 : port + 1 }).catch(async (err: unknown) => {
    await issuerServer.close();
    throw err;
  });

  const operatorToken = await tokenIn(join(options.dataDir, 'operator-token'));
  const issuerJwk = await keyIn(join(options.dataDir, 'issuer-key.json'));
  const signer = await signerFromJwk(issuerJwk);
  const did = didKeyFromJwk(signer.publicJwk);
  const issuerStore = openSqliteIssuerStore(join(options.dataDir, 'issuer.sqlite'));
  const serviceStore = openSqliteServiceStore(join(options.dataDir, 'service.sqlite'));
  const issuer = await createIssuer({
    store: issuerStore,
    signer,
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: `${issuerServer.url}/status`,
    types: [refugeeStatusType],
    statusListTtlSeconds: 60,
  });
  const issuerService = createIssuerService({ issuer, store: serviceStore, baseUrl: issuerServer.url, operatorToken, displayName: { en: 'Sanad sandbox agency' }, log });
  issuerHandler = (r) => issuerService.app.fetch(r);

  const trustList = new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    name: 'Sandbox trust list',
    issued_at: new Date().toISOString(),
    issuers: [{ id: did, name: 'Sanad sandbox agency', credential_types: [refugeeStatusType.definition.vct, refugeeStatusType.definition.vcType] }],
  });
  const verifierKey = await keyIn(join(options.dataDir, 'verifier-key.json'));
  const verifier = await createVerifierService({
    verifier: createVerifier({ trustList, nonceStore: serviceNonceStore(serviceStore), fetch: createGuardedFetch({ allowInsecure: true }) }),
    store: serviceStore,
    baseUrl: verifierServer.url,
    signer: await signerFromJwk(verifierKey),
    verifierName: 'Sandbox clinic',
    presets: standardPresets(refugeeStatusType.definition.vct),
    operatorToken,
    resultRetentionSeconds: 3600,
    requestTtlSeconds: 3600,
    log,
  });
  verifierHandler = (r) => verifier.app.fetch(r);

  const stopPurge = schedulePurge(serviceStore, { log });
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
    close: async () => {
      stopPurge();
      await Promise.all([issuerServer.close(), verifierServer.close()]);
      await Promise.all([issuerStore.close(), serviceStore.close()]);
    },
  };
}
