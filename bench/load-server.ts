/**
 * The verifier service for `pnpm bench:load`, in its own process so that its cores can be
 * pinned (taskset) and its memory read from outside. Config (JSON file, argv[2]): the trusted
 * agency's DID, its signed status list, the SQLite file. Prints `READY <url>` when listening.
 */
import { readFileSync } from 'node:fs';
import { generateKeyPair, signerFromJwk, TrustList } from '@sanad/core';
import { refugeeStatusType } from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { createVerifierService, listen, openSqliteServiceStore, serviceNonceStore, standardPresets } from '@sanad/server';
import { createMemoryStatusCache, createVerifier, importStatusList } from '@sanad/verifier';

allowInsecureHttpUrls(true); // Loopback only.
const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { agencyDid: string; statusToken: string; dbPath: string; operatorToken: string };
const store = openSqliteServiceStore(config.dbPath);
const statusCache = createMemoryStatusCache();
await importStatusList(statusCache, config.statusToken);
const trustList = new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [{ id: config.agencyDid, credential_types: [refugeeStatusType.definition.vct] }] });
// Offline status from the cached list: the desk's usual set-up, and no status server in the measurement.
const verifier = createVerifier({ trustList, statusCache, offline: true, nonceStore: serviceNonceStore(store) });
let handler: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
const server = await listen((request) => handler(request));
const service = await createVerifierService({ verifier, store, baseUrl: server.url, signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk), verifierName: 'Load test desk', presets: standardPresets(refugeeStatusType.definition.vct), operatorToken: config.operatorToken, log: () => undefined });
handler = (request) => service.app.fetch(request);
process.on('SIGTERM', () => process.exit(0)); // A clean exit, so that --cpu-prof is written.
process.stdout.write(`READY ${server.url}\n`);
