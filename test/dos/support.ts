/**
 * The DoS suites' set-up: the real issuer and verifier services on loopback, with the default
 * defences unless told otherwise and short server timeouts so that slow clients are cut off
 * within the test. Clients are told apart by the loopback address they send from (127.0.0.0/8
 * is all loopback on Linux), exactly as the services see distinct clients in the field.
 */
import { Agent, request } from 'node:http';
import {
  createGuardedFetch,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  signerFromJwk,
  TrustList,
} from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import {
  createIssuerService,
  createMemoryServiceStore,
  createVerifierService,
  type DefencesOptions,
  listen,
  type Listening,
  type ServerLimits,
  type ServiceStore,
  serviceNonceStore,
  standardPresets,
} from '@sanad/server';
import { createVerifier } from '@sanad/verifier';
import { OPERATOR_TOKEN } from '../support/services.js';

export { OPERATOR_TOKEN };

export interface DosServices {
  issuerUrl: string;
  verifierUrl: string;
  store: ServiceStore;
  /** Counts and removes every record the services hold (offers, tokens, nonces, sessions), expired or not. */
  takeHeldRecords(): Promise<number>;
  close(): Promise<void>;
}

export async function startDosServices(
  options: { limits?: Partial<ServerLimits>; defences?: DefencesOptions | false } = {},
): Promise<DosServices> {
  const store = createMemoryServiceStore();
  let issuerHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  let verifierHandler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const servers: Listening[] = [
    await listen((r) => issuerHandler(r), { limits: options.limits ?? {} }),
    await listen((r) => verifierHandler(r), { limits: options.limits ?? {} }),
  ];
  const [issuerServer, verifierServer] = servers as [Listening, Listening];
  const keys = await generateKeyPair('ES256');
  const did = didKeyFromJwk(keys.publicJwk);
  const issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: `${issuerServer.url}/status`,
    types: [refugeeStatusType],
  });
  const defences = options.defences === undefined ? {} : { defences: options.defences };
  const issuerService = createIssuerService({
    issuer,
    store,
    baseUrl: issuerServer.url,
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
    ...defences,
  });
  issuerHandler = (r) => issuerService.app.fetch(r);
  const trustList = new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: [{ id: did, name: 'Agency', credential_types: [refugeeStatusType.definition.vct] }],
  });
  const verifier = createVerifier({
    trustList,
    nonceStore: serviceNonceStore(store),
    fetch: createGuardedFetch({ allowInsecure: true }),
  });
  const verifierService = await createVerifierService({
    verifier,
    store,
    baseUrl: verifierServer.url,
    signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
    verifierName: 'Al Noor Clinic',
    presets: standardPresets(refugeeStatusType.definition.vct),
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
    ...defences,
  });
  verifierHandler = (r) => verifierService.app.fetch(r);
  return {
    issuerUrl: issuerServer.url,
    verifierUrl: verifierServer.url,
    store,
    // Purging as of the far future removes, and so counts, every record there is.
    takeHeldRecords: () => store.purgeExpired(Number.MAX_SAFE_INTEGER),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await store.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface Client {
  /** One request from this client's address; `body` as given, JSON-encoded unless a string. */
  send(
    method: string,
    url: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<Answer>;
  close(): void;
}

/** An HTTP client sending from one loopback address, over keep-alive connections. */
export function clientFrom(localAddress: string, maxSockets = 16): Client {
  const agent = new Agent({ keepAlive: true, maxSockets, localAddress });
  return {
    send: (method, url, options = {}) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const body =
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body);
        const headers = {
          ...(body !== undefined && typeof options.body !== 'string'
            ? { 'content-type': 'application/json' }
            : {}),
          ...options.headers,
        };
        const req = request(url, { method, agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

export const operatorHeaders = (token = OPERATOR_TOKEN): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/** Runs `count` calls of `task`, `concurrency` at a time, and gives their results in order. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export const tally = (statuses: number[]): Record<number, number> =>
  statuses.reduce<Record<number, number>>((t, s) => {
    t[s] = (t[s] ?? 0) + 1;
    return t;
  }, {});

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
