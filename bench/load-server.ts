/**
 * The verifier service for `pnpm bench:load`, in its own process so that its cores can be
 * pinned (taskset) and its memory read from outside. Config (JSON file, argv[2]): the trusted
 * agency's DID, its signed status list, the SQLite file, and how many service processes share
 * the port and the store (`workers`, node:cluster; 1: this process serves). Prints `READY <url>`
 * when listening.
 */
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { generateKeyPair, signerFromJwk, TrustList } from '@sanad/core';
import { refugeeStatusType } from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import {
  createVerifierService,
  listen,
  openSqliteServiceStore,
  standardPresets,
} from '@sanad/server';
import { createMemoryStatusCache, createVerifier, importStatusList } from '@sanad/verifier';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  agencyDid: string;
  statusToken: string;
  dbPath: string;
  operatorToken: string;
  workers?: number;
  port?: number;
};
const workers = config.workers ?? 1;

if (workers > 1 && cluster.isPrimary) {
  // Every worker listens on port 0: node:cluster gives them one shared port and hands connections out in turn.
  const ready = (worker: ReturnType<typeof cluster.fork>) =>
    new Promise<string>((resolve, reject) => {
      worker.on('message', (m: { ready?: string }) => m.ready && resolve(m.ready));
      worker.once('exit', (code) => reject(new Error(`a service worker exited (${code})`)));
    });
  const [url] = await Promise.all(Array.from({ length: workers }, () => ready(cluster.fork())));
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
  process.stdout.write(`READY ${url!}\n`);
} else {
  allowInsecureHttpUrls(true); // Loopback only.
  const store = openSqliteServiceStore(config.dbPath);
  const statusCache = createMemoryStatusCache();
  await importStatusList(statusCache, config.statusToken);
  const trustList = new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: [{ id: config.agencyDid, credential_types: [refugeeStatusType.definition.vct] }],
  });
  // Offline status from the cached list: the desk's usual set-up, and no status server in the measurement.
  const verifier = createVerifier({ trustList, statusCache, offline: true });
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const server = await listen((request) => handler(request), { port: 0 });
  // Every worker signs with its own key: a session's request object is signed once, by the worker that made it.
  const service = await createVerifierService({
    verifier,
    store,
    baseUrl: server.url,
    signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
    verifierName: 'Load test desk',
    presets: standardPresets(refugeeStatusType.definition.vct),
    operatorToken: config.operatorToken,
    log: () => undefined,
    // One load generator stands for many wallets: no per-client budget; shedding stays on.
    defences: { rateLimit: false },
  });
  handler = (request) => service.app.fetch(request);
  const profileDir = process.env.SANAD_PROFILE;
  if (profileDir) {
    // SANAD_PROFILE=<dir>: the load generator profiles only the posting (PUT /__profile, then DELETE writes the file).
    const inspector = new Session();
    inspector.connect();
    handler = async (request) => {
      if (new URL(request.url).pathname !== '/__profile') return service.app.fetch(request);
      if (request.method === 'PUT') {
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
      } else {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(
          join(profileDir, `posting-${process.pid}-${Date.now()}.cpuprofile`),
          JSON.stringify(profile),
        );
      }
      return new Response(null, { status: 204 });
    };
  }
  process.on('SIGTERM', () => process.exit(0));
  if (cluster.isWorker) process.send!({ ready: server.url });
  else process.stdout.write(`READY ${server.url}\n`);
}
