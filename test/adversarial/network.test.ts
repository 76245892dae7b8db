/**
 * The DID and status-list corpus against the verifier library and `sanad verify`, with a real
 * HTTP server on loopback; then the status policy: fail closed by default, the configured
 * policy otherwise, and never a false accept.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDid, createGuardedFetch, decodeJwt } from '@sanad/core';
import {
  createMemoryStatusCache,
  createVerifier,
  importStatusList,
  type VerifierOptions,
} from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeAgency, makeHolder, trustFor } from '../support/fixtures.js';
import { runSanad } from '../support/sanad-cli.js';
import { type Handler, type NetworkEnv, networkCases } from './network-corpus.js';
import { AUDIENCE, NONCE, withKb } from './presentation-corpus.js';
import { patient } from '../support/patience.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-network-corpus-'));
const routes = new Map<string, Handler>();
let server: Server;
let env: NetworkEnv;
const built = new Map<string, string>();

/** Loopback cases: http and local addresses allowed, short timeouts so slow servers fail fast. */
const loopbackNetwork = (): Pick<VerifierOptions, 'fetch' | 'did'> => ({
  fetch: createGuardedFetch({ allowInsecure: true, timeoutMs: 1000 }),
  did: { web: { allowInsecure: true, timeoutMs: 1000 } },
});

const trustList = () => trustFor(...[...env.trusted].map((did) => ({ did })));

beforeAll(async () => {
  server = createServer((req, res) => {
    const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  env = {
    base: `http://127.0.0.1:${port}`,
    port,
    holder: await makeHolder(),
    route: (path, handler) => routes.set(path, handler),
    trusted: new Set(),
  };
  for (const c of networkCases) built.set(c.id, await c.build(env));
  // One trust list for the CLI runs: without the identifiers the trust-list format refuses (those cases get their own).
  writeFileSync(
    join(work, 'trust.json'),
    JSON.stringify({
      ...trustList().document,
      issuers: trustList().document.issuers.filter((i) => usableDid(i.id)),
    }),
  );
}, patient(120_000));

const usableDid = (id: string): boolean => {
  try {
    checkDid(id);
    return true;
  } catch {
    return false;
  }
};
const issuerOf = (presentation: string): string =>
  String(decodeJwt(presentation.split('~')[0]!).payload.iss);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

async function sanadVerify(
  presentation: string,
  extra: string[],
): Promise<{ code: number; result: { verified: boolean; errors: Array<{ code: string }> } }> {
  const file = join(work, 'presentation.txt');
  writeFileSync(file, presentation);
  const { code, stdout } = await runSanad([
    'verify',
    '--presentation',
    file,
    '--trust',
    join(work, 'trust.json'),
    '--nonce',
    NONCE,
    '--audience',
    AUDIENCE,
    '--json',
    ...extra,
  ]);
  return { code, result: JSON.parse(stdout) };
}

describe('adversarial DIDs and status lists', () => {
  for (const c of networkCases) {
    it(
      `${c.id} -> ${c.expected}  [${c.source}]`,
      async () => {
        const presentation = built.get(c.id)!;
        const network = c.library
          ? c.library(env)
          : c.network === 'loopback'
            ? loopbackNetwork()
            : {};
        const result = await createVerifier({ trustList: trustList(), ...network }).verify(
          presentation,
          { nonce: NONCE, audience: AUDIENCE },
        );
        expect(result.verified).toBe(false);
        expect(result.claims).toEqual({});
        expect(result.errors.map((e) => e.code)).toContain(c.expected);
        if (c.cliSkip) return;
        expect(usableDid(issuerOf(presentation))).toBe(c.trustListRefuses !== true);
        if (c.trustListRefuses) {
          const own = join(work, 'own-trust.json');
          writeFileSync(own, JSON.stringify(trustFor({ did: issuerOf(presentation) }).document));
          writeFileSync(join(work, 'own-presentation.txt'), presentation);
          const refused = await runSanad([
            'verify',
            '--presentation',
            join(work, 'own-presentation.txt'),
            '--trust',
            own,
            '--nonce',
            NONCE,
            '--audience',
            AUDIENCE,
            '--json',
          ]);
          expect(refused.code).toBe(2);
          expect(JSON.parse(refused.stdout).error).toMatchObject({
            code: 'ERR_TRUST_LIST_INVALID',
            message: expect.stringMatching(/^Issuer 0 id is not a usable DID: /),
          });
          return;
        }
        const cli = await sanadVerify(
          presentation,
          c.network === 'loopback' ? ['--allow-http'] : [],
        );
        expect(cli.code).toBe(1);
        expect(cli.result.verified).toBe(false);
        expect(cli.result.errors.map((e) => e.code)).toContain(c.expected);
      },
      patient(20_000),
    );
  }
});

describe('status policy', () => {
  /** A holder's valid presentation whose status list is served by `serve` (mutable: the server "fails" and "recovers"). */
  async function served(id: string, revoke = false) {
    const agency = await makeAgency(`${env.base}/policy/${id}/status`);
    const { bundle, batchId } = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [env.holder],
    });
    if (revoke) await agency.issuer.revoke(batchId);
    const [list] = await agency.issuer.publishStatusLists();
    const state = { mode: 'up' as 'up' | 'down' | 'garbage' };
    routes.set(new URL(list!.uri).pathname, (_req, res) => {
      if (state.mode === 'up') res.writeHead(200).end(list!.token);
      else if (state.mode === 'garbage') res.writeHead(200).end('<html>maintenance</html>');
      else res.writeHead(503).end();
    });
    const trust = trustFor({ did: agency.did });
    return {
      presentation: await withKb(bundle.credentials[0]!, env.holder.signer),
      trust,
      state,
      list: list!,
    };
  }

  it('an unreachable status server rejects by default, and is accepted with a warning only when the policy says so', async () => {
    const { presentation, trust, state } = await served('down');
    state.mode = 'down';
    const strict = await createVerifier({ trustList: trust, ...loopbackNetwork() }).verify(
      presentation,
      { nonce: NONCE, audience: AUDIENCE },
    );
    expect(strict.verified).toBe(false);
    expect(strict.errors.map((e) => e.code)).toEqual(['ERR_STATUS_UNAVAILABLE']);
    const lenient = await createVerifier({
      trustList: trust,
      ...loopbackNetwork(),
      onStatusUnavailable: 'accept-with-warning',
    }).verify(presentation, { nonce: NONCE, audience: AUDIENCE });
    expect(lenient.verified).toBe(true);
    expect(lenient.status).toBe('unknown');
    expect(lenient.warnings.map((w) => w.code)).toContain('WARN_STATUS_UNAVAILABLE');
    expect(lenient.claims.age_over_18).toBe(true);
  });

  it('the lenient policy never accepts a revoked credential or a list that fails its checks', async () => {
    const revoked = await served('revoked', true);
    const lenient = createVerifier({
      trustList: revoked.trust,
      ...loopbackNetwork(),
      onStatusUnavailable: 'accept-with-warning',
    });
    expect(
      (await lenient.verify(revoked.presentation, { nonce: NONCE, audience: AUDIENCE })).errors.map(
        (e) => e.code,
      ),
    ).toEqual(['ERR_STATUS_REVOKED']);
    const garbage = await served('garbage');
    garbage.state.mode = 'garbage';
    const result = await createVerifier({
      trustList: garbage.trust,
      ...loopbackNetwork(),
      onStatusUnavailable: 'accept-with-warning',
    }).verify(garbage.presentation, { nonce: NONCE, audience: AUDIENCE });
    expect(result.verified).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_STATUS_LIST_INVALID']);
  });

  it('with the server down, a cached signed list is used and its age reported; past maxStatusAgeSeconds it is refused', async () => {
    const { presentation, trust, state, list } = await served('cached');
    const statusCache = createMemoryStatusCache();
    await importStatusList(statusCache, list.token);
    state.mode = 'down';
    const result = await createVerifier({
      trustList: trust,
      ...loopbackNetwork(),
      statusCache,
    }).verify(presentation, { nonce: NONCE, audience: AUDIENCE });
    expect(result.verified).toBe(true);
    expect(result.statusSource?.source).toBe('cache');
    expect(result.warnings.map((w) => w.code)).toContain('WARN_STATUS_FROM_CACHE');
    const later = { now: () => Date.now() + 7_200_000 };
    const stale = await createVerifier({
      trustList: trust,
      ...loopbackNetwork(),
      statusCache,
      clock: later,
      maxStatusAgeSeconds: 3600,
    }).verify(presentation, { nonce: NONCE, audience: AUDIENCE });
    expect(stale.verified).toBe(false);
    expect(stale.errors.map((e) => e.code)).toContain('ERR_STATUS_LIST_EXPIRED');
  });

  it('`sanad verify --on-status-unavailable accept-with-warning` follows the same policy', async () => {
    const { presentation, trust, state } = await served('cli');
    state.mode = 'down';
    writeFileSync(join(work, 'policy-trust.json'), JSON.stringify(trust.document));
    const file = join(work, 'policy.txt');
    writeFileSync(file, presentation);
    const base = [
      'verify',
      '--presentation',
      file,
      '--trust',
      join(work, 'policy-trust.json'),
      '--nonce',
      NONCE,
      '--audience',
      AUDIENCE,
      '--allow-http',
      '--json',
    ];
    const strict = await runSanad(base);
    expect(strict.code).toBe(1);
    const lenient = await runSanad([...base, '--on-status-unavailable', 'accept-with-warning']);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).warnings.map((w: { code: string }) => w.code)).toContain(
      'WARN_STATUS_UNAVAILABLE',
    );
  });
});
