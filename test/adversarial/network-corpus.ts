/**
 * Hostile DID documents and status lists: presentations whose issuer key or status must be
 * fetched, from a real HTTP server on loopback (or refused before any connection is made).
 * Every case names the rule it tests in `source`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { base58 } from '@scure/base';
import {
  fromBase64url,
  generateKeyPair,
  type JWK,
  jwkFromDidKey,
  type SanadErrorCode,
  type Signer,
  signerFromJwk,
  toBase64url,
} from '@sanad/core';
import { createPublicOnlyFetch } from '@sanad/core/node';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import type { VerifierOptions } from '@sanad/verifier';
import { amal, type Holder, makeAgency } from '../support/fixtures.js';
import { reissue, split, vpJwt, withKb } from './presentation-corpus.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface NetworkEnv {
  /** http://127.0.0.1:<port> */
  base: string;
  port: number;
  holder: Holder;
  /** Serves `handler` at `path` on the loopback server. */
  route(path: string, handler: Handler): void;
  /** Issuers the verifier's trust list names (each case adds its own). */
  trusted: Set<string>;
}

export interface NetworkCase {
  id: string;
  source: string;
  expected: SanadErrorCode;
  /**
   * `loopback`: the case's server is the test server (library: insecure fetch with a 1 s timeout;
   * CLI: `--allow-http`). `public`: the default guards, which must refuse before dialling.
   */
  network: 'loopback' | 'public';
  build: (env: NetworkEnv) => Promise<string>;
  /** Network options for the library run only (a test resolver standing in for DNS). */
  library?: (env: NetworkEnv) => Pick<VerifierOptions, 'fetch' | 'did'>;
  /** Why the CLI cannot run this case (it has no way to inject a resolver). */
  cliSkip?: string;
  /**
   * Set when the trust-list format itself refuses this issuer identifier (`parseTrustList`,
   * issue 14): the CLI, which loads its trust list from a file, stops there with
   * `ERR_TRUST_LIST_INVALID` (exit 2). The library run, on an in-memory `TrustList`, still meets
   * the identifier at resolution and must refuse it with `expected`.
   */
  trustListRefuses?: true;
}

const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
const text =
  (body: string | Uint8Array, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/statuslist+jwt' }).end(body);
  };
const slow =
  (ms: number, then: Handler): Handler =>
  (req, res) => {
    const timer = setTimeout(() => then(req, res), ms);
    res.on('close', () => clearTimeout(timer));
  };

async function keyPair(): Promise<{ signer: Signer; publicJwk: JWK }> {
  const { publicJwk, privateJwk } = await generateKeyPair('ES256');
  return { signer: await signerFromJwk(privateJwk), publicJwk };
}

/** An SD-JWT VC from `issuerId`, presented by the holder with a KB-JWT. */
async function presented(
  env: NetworkEnv,
  issuerId: string,
  kid: string,
  signer: Signer,
  statusBaseUrl = `${env.base}/unused-status`,
): Promise<string> {
  env.trusted.add(issuerId);
  const issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer,
    issuerId,
    kid,
    statusBaseUrl,
    types: [refugeeStatusType],
  });
  const { bundle } = await issuer.issue({
    type: 'refugee-status',
    claims: amal,
    holders: [env.holder],
  });
  return withKb(bundle.credentials[0]!, env.holder.signer);
}

/** A did:web issuer whose document the loopback server serves (changed by `edit`). */
async function didWebCase(
  env: NetworkEnv,
  id: string,
  serve: (doc: Record<string, unknown>, did: string) => Handler = (doc) => json(doc),
): Promise<string> {
  const { signer, publicJwk } = await keyPair();
  const did = `did:web:127.0.0.1%3A${env.port}:case:${id}`;
  const doc = {
    id: did,
    verificationMethod: [
      { id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: publicJwk },
    ],
    assertionMethod: [`${did}#key-1`],
  };
  env.route(`/case/${id}/did.json`, serve(doc, did));
  return presented(env, did, `${did}#key-1`, signer);
}

/** A did:web issuer on an internal host, spelled `host` (refused before any connection). */
async function internalDidWeb(env: NetworkEnv, host: string): Promise<string> {
  const { signer } = await keyPair();
  const did = `did:web:${host}`;
  return presented(env, did, `${did}#key-1`, signer);
}

/** A did:key issuer identifier built from raw multicodec bytes. */
const didKeyOf = (multicodec: number[], key: Uint8Array): string =>
  `did:key:z${base58.encode(Uint8Array.from([...multicodec, ...key]))}`;

/** A compressed P-256 "point" whose x has no y on the curve. */
function offCurveP256(): Uint8Array {
  for (let x = 1; ; x += 1) {
    const bytes = new Uint8Array(33);
    bytes[0] = 0x02;
    bytes[32] = x;
    try {
      jwkFromDidKey(didKeyOf([0x80, 0x24], bytes));
    } catch {
      return bytes;
    }
  }
}

/** A status-list case: an agency whose lists live under /case/<id>/status, answered by `serve`. */
async function statusCase(
  env: NetworkEnv,
  id: string,
  serve: (
    lists: Map<string, string>,
    agency: Awaited<ReturnType<typeof makeAgency>>,
  ) => Promise<Map<string, Handler>>,
  format: 'dc+sd-jwt' | 'jwt_vc_json' = 'dc+sd-jwt',
  after?: (agency: Awaited<ReturnType<typeof makeAgency>>, batchId: string) => Promise<void>,
): Promise<string> {
  const agency = await makeAgency(`${env.base}/case/${id}/status`);
  env.trusted.add(agency.did);
  const issued = await agency.issuer.issue({
    type: 'refugee-status',
    claims: amal,
    holders: [env.holder],
    ...(format === 'jwt_vc_json' ? { format } : {}),
  });
  await after?.(agency, issued.batchId);
  const lists = new Map(
    (await agency.issuer.publishStatusLists()).map((l) => [new URL(l.uri).pathname, l.token]),
  );
  for (const [path, handler] of await serve(lists, agency)) env.route(path, handler);
  const credential = issued.bundle.credentials[0]!;
  if (format === 'dc+sd-jwt') return withKb(credential, env.holder.signer);
  return credential;
}

const serveAll = (
  lists: Map<string, string>,
  change: (token: string, path: string) => Handler | Promise<Handler> = (t) => text(t),
): Promise<Map<string, Handler>> =>
  Promise.all(
    [...lists].map(async ([path, token]) => [path, await change(token, path)] as const),
  ).then((entries) => new Map(entries));

/** Re-signs a status list JWT after changing its payload, with the agency's (or another) key. */
async function resignedList(
  token: string,
  signer: Signer,
  change: (p: Record<string, unknown>) => void,
): Promise<string> {
  return reissue(token, { payload: change }, signer);
}

/** 64 MiB of zeros, zlib- or gzip-compressed to ~64 KiB. */
const bomb = async (kind: 'zlib' | 'gzip'): Promise<string> => {
  const { deflateSync } = await import('node:zlib');
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  return toBase64url(
    kind === 'zlib' ? deflateSync(zeros, { level: 9 }) : gzipSync(zeros, { level: 9 }),
  );
};

/** A resolver standing in for DNS: every name points at `address`. */
const resolvesTo = (address: string) => async () => [address];

export const networkCases: NetworkCase[] = [
  // --- did:web pointing inside the verifier's network (SSRF) -----------------------------------
  ...(
    [
      ['127.1', 'short IPv4 loopback'],
      ['0x7f000001', 'hexadecimal IPv4 loopback'],
      ['2130706433', 'decimal IPv4 loopback'],
      ['0177.0.0.1', 'octal IPv4 loopback'],
      ['%5B%3A%3Affff%3A127.0.0.1%5D', 'IPv4-mapped IPv6 loopback [::ffff:127.0.0.1]'],
      ['%5B%3A%3A1%5D', 'IPv6 loopback [::1]'],
      ['169.254.169.254', 'link-local cloud metadata address'],
      ['10.0.0.8', 'RFC 1918 private address'],
      ['192.168.1.1', 'RFC 1918 private address'],
      ['%5Bfd00%3A%3A1%5D', 'IPv6 unique-local address [fd00::1]'],
      ['%5Bfe80%3A%3A1%5D', 'IPv6 link-local address [fe80::1]'],
      ['localhost', 'the name localhost'],
      ['0.0.0.0', 'the unspecified address (dials loopback on Linux)'],
    ] as const
  ).map(
    ([host, what]): NetworkCase => ({
      id: `did/web-internal-${host.replace(/%5B|%5D/g, '').replace(/%3A/g, ':')}`,
      source: `did:web method section 2.5.2 (security: SSRF) and OWASP SSRF prevention: ${what}`,
      expected: 'ERR_FETCH_URL_FORBIDDEN',
      network: 'public',
      build: (env) => internalDidWeb(env, host),
    }),
  ),
  {
    id: 'did/web-name-resolving-to-private-address',
    source: 'OWASP SSRF prevention (resolve, then check every address); did:web section 2.5.2',
    expected: 'ERR_FETCH_URL_FORBIDDEN',
    network: 'public',
    build: (env) => internalDidWeb(env, 'agency.internal.example'),
    library: () => ({ did: { web: { resolveHost: resolvesTo('10.20.30.40') } } }),
    cliSkip:
      'needs a DNS name that resolves to a private address; the library run injects that resolver',
  },
  {
    id: 'did/web-dns-rebinding-checked-at-dial',
    source:
      'DNS rebinding (the name is public when checked, 127.0.0.1 when dialled): the dialled address is checked',
    expected: 'ERR_FETCH_URL_FORBIDDEN',
    network: 'public',
    build: (env) => internalDidWeb(env, 'rebinding.example'),
    library: () => ({
      did: {
        web: {
          resolveHost: resolvesTo('93.184.216.34'),
          // The connection's own lookup gets the second, rebound answer.
          fetch: createPublicOnlyFetch({
            lookup: (_host, _options, callback) =>
              callback(null, [{ address: '127.0.0.1', family: 4 }]),
          }),
        },
      },
    }),
    cliSkip:
      'needs a DNS server answering differently at check and at dial; the library run injects the lookup',
  },
  {
    id: 'did/web-redirect-to-internal-address',
    source: 'RFC 9110 section 15.4 redirects, re-checked hop by hop (OWASP SSRF prevention)',
    expected: 'ERR_FETCH_URL_FORBIDDEN',
    network: 'public',
    build: async (env) => {
      env.route('/.well-known/did.json', (_req, res) =>
        res
          .writeHead(302, { location: `https://127.0.0.1:${env.port}/case/redirected/did.json` })
          .end(),
      );
      return internalDidWeb(env, 'public-agency.example');
    },
    // A public name (test resolver) whose server is the loopback test server, which redirects inward.
    library: (env) => ({
      did: {
        web: {
          resolveHost: async (host) =>
            host === 'public-agency.example' ? ['93.184.216.34'] : ['127.0.0.1'],
          fetch: (input, init) =>
            globalThis.fetch(
              String(input).replace('https://public-agency.example', env.base),
              init,
            ),
        },
      },
    }),
    cliSkip:
      'needs a public name served by the loopback server; the library run injects resolver and transport',
  },
  // --- did:web documents that lie, grow or stall ----------------------------------------------
  {
    id: 'did/web-document-id-is-another-did',
    source: 'did:web section 2.5.1 (the document id must equal the DID); DID Core section 7.1.2',
    expected: 'ERR_DID_RESOLUTION_FAILED',
    network: 'loopback',
    build: (env) =>
      didWebCase(env, 'other-id', (doc) => json({ ...doc, id: 'did:web:attacker.example' })),
  },
  {
    id: 'did/web-document-oversized',
    source: 'Resource exhaustion (CWE-400): documents are read up to 512 KiB',
    expected: 'ERR_FETCH_TOO_LARGE',
    network: 'loopback',
    build: (env) =>
      didWebCase(env, 'oversized', (doc) => json({ ...doc, padding: 'x'.repeat(600 * 1024) })),
  },
  {
    id: 'did/web-document-oversized-chunked',
    source: 'CWE-400: a body without Content-Length is counted as it streams',
    expected: 'ERR_FETCH_TOO_LARGE',
    network: 'loopback',
    build: (env) =>
      didWebCase(env, 'chunked', () => (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const more = (): void => {
          while (sent < 40 && res.write(chunk)) sent += 1;
          if (sent < 40) res.once('drain', more);
          else res.end();
        };
        res.on('error', () => undefined);
        more();
      }),
  },
  {
    id: 'did/web-document-slow',
    source: 'CWE-400 (slowloris-style responses): the whole exchange is time-bounded',
    expected: 'ERR_FETCH_TIMEOUT',
    network: 'loopback',
    build: (env) => didWebCase(env, 'slow', (doc) => slow(6_000, json(doc))),
  },
  {
    id: 'did/web-document-not-json',
    source: 'DID Core section 6.2 (JSON representation)',
    expected: 'ERR_DID_RESOLUTION_FAILED',
    network: 'loopback',
    build: (env) => didWebCase(env, 'not-json', () => text('<html>hello</html>')),
  },
  {
    id: 'did/web-document-missing',
    source: 'DID Resolution section 7.1 (notFound)',
    expected: 'ERR_DID_RESOLUTION_FAILED',
    network: 'loopback',
    build: (env) => didWebCase(env, 'missing', () => json({ error: 'not found' }, 404)),
  },
  {
    id: 'did/web-kid-not-authorised-for-assertion',
    source:
      'DID Core section 5.3.2 (assertionMethod): a key listed only for authentication must not sign credentials',
    expected: 'ERR_ISSUER_KEY_NOT_FOUND',
    network: 'loopback',
    build: (env) =>
      didWebCase(env, 'auth-only', (doc, did) =>
        json({ ...doc, assertionMethod: [], authentication: [`${did}#key-1`] }),
      ),
  },
  {
    id: 'did/web-document-publishes-private-key',
    source: 'DID Core section 5.2.1 (publicKeyJwk must not contain private key members)',
    expected: 'ERR_INVALID_KEY',
    network: 'loopback',
    build: async (env) => {
      const { privateJwk } = await generateKeyPair('ES256');
      const did = `did:web:127.0.0.1%3A${env.port}:case:private-key`;
      env.route(
        '/case/private-key/did.json',
        json({
          id: did,
          verificationMethod: [
            {
              id: `${did}#key-1`,
              type: 'JsonWebKey2020',
              controller: did,
              publicKeyJwk: privateJwk,
            },
          ],
          assertionMethod: [`${did}#key-1`],
        }),
      );
      return presented(env, did, `${did}#key-1`, await signerFromJwk(privateJwk));
    },
  },
  // --- did:key and did:jwk identifiers that are not what they claim ---------------------------
  {
    id: 'did/key-wrong-multicodec-x25519',
    source:
      'did:key section 3.1.2 (X25519 keys are for key agreement, not signatures); multicodec table 0xec',
    expected: 'ERR_DID_METHOD_UNSUPPORTED',
    network: 'public',
    trustListRefuses: true,
    build: async (env) => {
      const { signer } = await keyPair();
      const did = 'did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F';
      return presented(env, did, `${did}#z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F`, signer);
    },
  },
  {
    id: 'did/key-p256-point-not-on-curve',
    source: 'SEC 1 section 2.3.4 (point decompression must fail); invalid-curve attacks',
    expected: 'ERR_DID_INVALID',
    network: 'public',
    build: async (env) => {
      const { signer } = await keyPair();
      const did = didKeyOf([0x80, 0x24], offCurveP256());
      return presented(env, did, `${did}#${did.slice('did:key:'.length)}`, signer);
    },
  },
  {
    id: 'did/key-truncated-key-bytes',
    source: 'did:key section 3.1.3 (the multicodec value must have the key type length)',
    expected: 'ERR_DID_INVALID',
    network: 'public',
    trustListRefuses: true,
    build: async (env) => {
      const { signer } = await keyPair();
      const did = didKeyOf([0xed, 0x01], new Uint8Array(20).fill(7));
      return presented(env, did, `${did}#${did.slice('did:key:'.length)}`, signer);
    },
  },
  {
    id: 'did/key-not-base58btc',
    source: 'did:key section 3.1.1 (multibase base58btc, prefix z)',
    expected: 'ERR_DID_INVALID',
    network: 'public',
    trustListRefuses: true,
    build: async (env) => {
      const { signer } = await keyPair();
      return presented(env, 'did:key:z0OIl', 'did:key:z0OIl#z0OIl', signer);
    },
  },
  {
    id: 'did/jwk-carrying-private-key',
    source: 'did:jwk specification section 2 (the JWK must not contain private key members)',
    expected: 'ERR_DID_INVALID',
    network: 'public',
    trustListRefuses: true,
    build: async (env) => {
      const { privateJwk } = await generateKeyPair('ES256');
      const did = `did:jwk:${toBase64url(JSON.stringify(privateJwk))}`;
      return presented(env, did, `${did}#0`, await signerFromJwk(privateJwk));
    },
  },
  // --- status lists ---------------------------------------------------------------------------
  {
    id: 'status/list-signed-by-another-issuer',
    source:
      'Token Status List section 8.3 step 4 (the list must be signed by the credential issuer)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'other-signer', async (lists) =>
        serveAll(lists, async (token) =>
          text(await resignedList(token, (await keyPair()).signer, () => undefined)),
        ),
      ),
  },
  {
    id: 'status/list-iss-is-another-issuer',
    source: 'Token Status List section 8.3 (iss of the status list)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'other-iss', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await resignedList(token, agency.signer, (p) => {
              p.iss = 'did:web:other.example';
            }),
          ),
        ),
      ),
  },
  {
    id: 'status/list-expired',
    source: 'Token Status List section 5.1 (exp) and section 8.3 step 5',
    expected: 'ERR_STATUS_LIST_EXPIRED',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'expired', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await resignedList(token, agency.signer, (p) => {
              p.exp = Math.floor(Date.now() / 1000) - 600;
            }),
          ),
        ),
      ),
  },
  {
    id: 'status/list-published-for-another-uri',
    source: 'Token Status List section 8.3 step 3 (sub must equal the referenced uri)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'other-uri', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await resignedList(token, agency.signer, (p) => {
              p.sub = 'https://agency.example/status/tsl/99';
            }),
          ),
        ),
      ),
  },
  {
    id: 'status/list-flipped-signature',
    source: 'RFC 7515 section 5.2 (JWS validation) on the status list',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'flipped', async (lists) =>
        serveAll(lists, (token) => {
          const [h, p, s] = token.split('.') as [string, string, string];
          const sig = fromBase64url(s);
          sig[5]! ^= 0x10;
          return text(`${h}.${p}.${toBase64url(sig)}`);
        }),
      ),
  },
  {
    id: 'status/list-bits-3',
    source: 'Token Status List section 4.1 (bits must be 1, 2, 4 or 8)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'bits-3', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await resignedList(token, agency.signer, (p) => {
              (p.status_list as { bits: number }).bits = 3;
            }),
          ),
        ),
      ),
  },
  {
    id: 'status/list-zlib-bomb',
    source:
      'Token Status List section 4.1 (zlib, RFC 1950) and CWE-409 (decompression bomb): inflated size capped',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: async (env) => {
      const lst = await bomb('zlib');
      return statusCase(env, 'zlib-bomb', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await resignedList(token, agency.signer, (p) => {
              (p.status_list as { lst: string }).lst = lst;
            }),
          ),
        ),
      );
    },
  },
  {
    id: 'status/bitstring-gzip-bomb',
    source:
      'W3C Bitstring Status List section 3.2 (GZIP, RFC 1952) and CWE-409: inflated size capped',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: async (env) => {
      const encoded = `u${await bomb('gzip')}`;
      return statusCase(
        env,
        'gzip-bomb',
        async (lists, agency) =>
          serveAll(lists, async (token, path) =>
            path.includes('/bsl/')
              ? text(
                  await resignedList(token, agency.signer, (p) => {
                    (
                      p.vc as { credentialSubject: { encodedList: string } }
                    ).credentialSubject.encodedList = encoded;
                  }),
                )
              : text(token),
          ),
        'jwt_vc_json',
      ).then((vc) => vpJwt(vc, env.holder));
    },
  },
  {
    id: 'status/index-out-of-range',
    source: 'Token Status List section 8.3 step 6 (idx beyond the list is an error, not "valid")',
    expected: 'ERR_STATUS_INDEX_OUT_OF_RANGE',
    network: 'loopback',
    build: async (env) => {
      const agency = await makeAgency(`${env.base}/case/out-of-range/status`);
      env.trusted.add(agency.did);
      const { bundle } = await agency.issuer.issue({
        type: 'refugee-status',
        claims: amal,
        holders: [env.holder],
      });
      for (const l of await agency.issuer.publishStatusLists())
        env.route(new URL(l.uri).pathname, text(l.token));
      const { jwt, disclosures } = split(bundle.credentials[0]!);
      const far = await reissue(
        jwt,
        {
          payload: (p) => {
            (p.status as { status_list: { idx: number } }).status_list.idx = 50_000_000;
          },
        },
        agency.signer,
      );
      return withKb(`${far}~${disclosures.map((d) => `${d}~`).join('')}`, env.holder.signer);
    },
  },
  {
    id: 'status/endpoint-down',
    source:
      'Token Status List section 8.3 / section 13 (policy when unavailable): fail closed by default',
    expected: 'ERR_STATUS_UNAVAILABLE',
    network: 'loopback',
    build: async (env) => {
      // A port that nothing listens on: connection refused.
      const agency = await makeAgency('http://127.0.0.1:1/status');
      env.trusted.add(agency.did);
      const { bundle } = await agency.issuer.issue({
        type: 'refugee-status',
        claims: amal,
        holders: [env.holder],
      });
      return withKb(bundle.credentials[0]!, env.holder.signer);
    },
  },
  {
    id: 'status/endpoint-500',
    source: 'Token Status List section 8.3: a failed fetch is no status (fail closed)',
    expected: 'ERR_STATUS_UNAVAILABLE',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'http-500', async (lists) =>
        serveAll(lists, () => text('upstream error', 500)),
      ),
  },
  {
    id: 'status/endpoint-slow',
    source: 'CWE-400: the status fetch is time-bounded, then fails closed',
    expected: 'ERR_STATUS_UNAVAILABLE',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'slow', async (lists) =>
        serveAll(lists, (token) => slow(6_000, text(token))),
      ),
  },
  {
    id: 'status/endpoint-garbage',
    source: 'Token Status List section 5.1 (the response must be a statuslist+jwt)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'garbage', async (lists) =>
        serveAll(lists, () => text('<html><body>Captive portal: please log in</body></html>')),
      ),
  },
  {
    id: 'status/endpoint-oversized',
    source: 'CWE-400: a status response is read up to 512 KiB',
    expected: 'ERR_STATUS_UNAVAILABLE',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'oversized', async (lists) =>
        serveAll(lists, () => text(new Uint8Array(700 * 1024).fill(0x41))),
      ),
  },
  {
    id: 'status/list-wrong-typ',
    source:
      'Token Status List section 5.1 (typ statuslist+jwt), RFC 8725 section 3.11 (explicit typing)',
    expected: 'ERR_STATUS_LIST_INVALID',
    network: 'loopback',
    build: (env) =>
      statusCase(env, 'wrong-typ', async (lists, agency) =>
        serveAll(lists, async (token) =>
          text(
            await reissue(
              token,
              {
                header: (h) => {
                  h.typ = 'JWT';
                },
              },
              agency.signer,
            ),
          ),
        ),
      ),
  },
  {
    id: 'status/revoked',
    source: 'Token Status List section 7.1 (0x01 INVALID)',
    expected: 'ERR_STATUS_REVOKED',
    network: 'loopback',
    build: (env) =>
      statusCase(
        env,
        'revoked',
        async (lists) => serveAll(lists),
        'dc+sd-jwt',
        async (agency, batch) => void (await agency.issuer.revoke(batch)),
      ),
  },
  {
    id: 'status/suspended',
    source: 'Token Status List section 7.1 (0x02 SUSPENDED)',
    expected: 'ERR_STATUS_SUSPENDED',
    network: 'loopback',
    build: (env) =>
      statusCase(
        env,
        'suspended',
        async (lists) => serveAll(lists),
        'dc+sd-jwt',
        async (agency, batch) => void (await agency.issuer.suspend(batch)),
      ),
  },
  {
    id: 'status/bitstring-revoked',
    source: 'W3C Bitstring Status List section 3.3 (statusPurpose revocation)',
    expected: 'ERR_STATUS_REVOKED',
    network: 'loopback',
    build: (env) =>
      statusCase(
        env,
        'bsl-revoked',
        async (lists) => serveAll(lists),
        'jwt_vc_json',
        async (agency, batch) => void (await agency.issuer.revoke(batch)),
      ).then((vc) => vpJwt(vc, env.holder)),
  },
];
