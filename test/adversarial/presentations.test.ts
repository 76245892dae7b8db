/**
 * The adversarial presentation corpus against the verifier library and the `sanad verify`
 * command (run in-process), with the issuer's signed status list in an offline cache.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type VerificationResult } from '@sanad/core';
import {
  createDirectoryStatusCache,
  createFileNonceStore,
  createMemoryNonceStore,
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
  type NonceStore,
  type StatusCache,
} from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustFor, VCT } from '../support/fixtures.js';
import { runSanad } from '../support/sanad-cli.js';
import {
  AUDIENCE,
  buildCorpus,
  type Corpus,
  highSTwin,
  NONCE,
  presentationCases,
  split,
  withKb,
} from './presentation-corpus.js';
import { cpuMillisOf, patient } from '../support/patience.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-adversarial-'));
const cacheDir = join(work, 'status-cache');
let corpus: Corpus;
let statusCache: StatusCache;
const built = new Map<string, string>();

beforeAll(async () => {
  corpus = await buildCorpus('https://agency.example/status');
  statusCache = createMemoryStatusCache();
  const dirCache = createDirectoryStatusCache(cacheDir);
  for (const list of corpus.statusLists) {
    await importStatusList(statusCache, list);
    await importStatusList(dirCache, list);
  }
  writeFileSync(join(work, 'trust.json'), JSON.stringify(trust().document));
  for (const c of presentationCases) built.set(c.id, await c.build(corpus));
}, patient(120_000));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trust = () =>
  trustFor(
    { did: corpus.agency.did, types: [VCT, 'RefugeeStatusCredential'] },
    { did: corpus.otherIssuer.did },
  );
/** At test time, or pinned to the corpus's build time plus `offsetSeconds`. */
const verifierAt = (offsetSeconds?: number) =>
  createVerifier({
    trustList: trust(),
    statusCache,
    offline: true,
    ...(offsetSeconds !== undefined
      ? { clock: fixedClock((corpus.builtAt + offsetSeconds) * 1000) }
      : {}),
  });

/** `sanad verify … --json` in this process; returns the exit code and the printed JSON. */
async function sanadVerify(
  presentation: string,
  expectations: string[] = ['--nonce', NONCE, '--audience', AUDIENCE],
): Promise<{ code: number; result: { verified: boolean; errors: Array<{ code: string }> } }> {
  const file = join(work, 'presentation.txt');
  writeFileSync(file, presentation);
  const { code, stdout } = await runSanad([
    'verify',
    '--presentation',
    file,
    '--trust',
    join(work, 'trust.json'),
    ...expectations,
    '--status-cache',
    cacheDir,
    '--offline',
    '--json',
  ]);
  return { code, result: JSON.parse(stdout) };
}

describe('adversarial presentations', () => {
  it('the unmodified presentation verifies in both (the corpus starts from a valid input)', async () => {
    expect(
      (await verifierAt().verify(corpus.valid, { nonce: NONCE, audience: AUDIENCE })).errors,
    ).toEqual([]);
    const cli = await sanadVerify(corpus.valid);
    expect(cli.code).toBe(0);
    expect(cli.result.verified).toBe(true);
    // And the W3C (ldp_vc) presentation the ldp-vc cases start from.
    expect(
      (await verifierAt().verify(corpus.ldpVp, { nonce: NONCE, audience: AUDIENCE })).errors,
    ).toEqual([]);
    expect((await sanadVerify(corpus.ldpVp)).code).toBe(0);
  });

  for (const c of presentationCases) {
    it(`${c.id} -> ${c.expected}  [${c.source}]`, async () => {
      const presentation = built.get(c.id)!;
      let result!: VerificationResult;
      const work = await cpuMillisOf(
        async () =>
          (result = await verifierAt(c.atOffsetSeconds).verify(presentation, {
            nonce: NONCE,
            audience: AUDIENCE,
          })),
      );
      expect(work).toBeLessThan(2000);
      expect(result.verified).toBe(false);
      expect(result.claims).toEqual({});
      expect(result.errors.map((e) => e.code)).toContain(c.expected);
      const at =
        c.atOffsetSeconds === undefined
          ? []
          : ['--now', new Date((corpus.builtAt + c.atOffsetSeconds) * 1000).toISOString()];
      const cli = await sanadVerify(presentation, [
        '--nonce',
        NONCE,
        '--audience',
        AUDIENCE,
        ...at,
      ]);
      expect(cli.code).toBe(1);
      expect(cli.result.verified).toBe(false);
      expect(cli.result.errors.map((e) => e.code)).toContain(c.expected);
    });
  }
});

describe('adversarial replays', () => {
  /** A request from a verifier with a nonce store, and the holder's valid answer to it. */
  async function answered(nonceStore: NonceStore) {
    const request = await createPresentationRequest({
      clientId: AUDIENCE,
      purpose: { en: 'Adult check' },
      credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
      nonceStore,
    });
    const presentation = await withKb(corpus.credential, corpus.holder.signer, {
      nonce: request.nonce,
    });
    return {
      request,
      presentation,
      verifier: createVerifier({ trustList: trust(), statusCache, offline: true, nonceStore }),
    };
  }

  it('replay/same-verifier: a nonce is accepted once  [OpenID4VP 1.0 section 14.1; RFC 9901 section 9.3]', async () => {
    const { request, presentation, verifier } = await answered(createMemoryNonceStore());
    expect((await verifier.verify(presentation, { request })).verified).toBe(true);
    const again = await verifier.verify(presentation, { request });
    expect(again.errors.map((e) => e.code)).toContain('ERR_NONCE_REPLAYED');
  });

  it('replay/high-s-twin: the other ECDSA signature of an accepted KB-JWT is still a replay  [SEC 1 section 4.1.4 malleability]', async () => {
    const { request, presentation, verifier } = await answered(createMemoryNonceStore());
    expect((await verifier.verify(presentation, { request })).verified).toBe(true);
    const { jwt, disclosures, kb } = split(presentation);
    const twin = `${jwt}~${disclosures.map((d) => `${d}~`).join('')}${highSTwin(kb)}`;
    expect(twin).not.toBe(presentation);
    const result = await verifier.verify(twin, { request });
    // The twin's signature is valid: only the spent nonce stops it.
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it('replay/second-verifier: a presentation for one verifier is refused by another  [RFC 9901 section 7.3 step 5.e]', async () => {
    const result = await verifierAt().verify(corpus.valid, {
      nonce: NONCE,
      audience: 'https://bank.example',
    });
    expect(result.errors.map((e) => e.code)).toContain('ERR_AUDIENCE_MISMATCH');
  });

  it('replay/cli-nonce-store: `sanad verify --nonce-store` accepts a request once  [OpenID4VP 1.0 section 14.1]', async () => {
    const store = join(work, 'nonces.json');
    const { request, presentation } = await answered(createFileNonceStore(store));
    writeFileSync(join(work, 'request.json'), JSON.stringify(request));
    const args = ['--request', join(work, 'request.json'), '--nonce-store', store];
    expect((await sanadVerify(presentation, args)).code).toBe(0);
    const again = await sanadVerify(presentation, args);
    expect(again.code).toBe(1);
    expect(again.result.errors.map((e) => e.code)).toContain('ERR_NONCE_REPLAYED');
  });
});
