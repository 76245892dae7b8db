/** The verifier library against real credentials, real signatures and a real status server. */
import { DcqlQuery } from 'dcql';
import { createVerifiablePresentationJwt } from 'did-jwt-vc';
import {
  createGuardedFetch,
  fromBase64url,
  fromUtf8,
  type PresentationRequest,
  toBase64url,
  utf8,
} from '@sanad/core';
import { base64urlSigner } from '@sanad/issuer';
import {
  createMemoryNonceStore,
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
  type VerifierOptions,
} from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Agency,
  amal,
  type Holder,
  makeAgency,
  makeHolder,
  presentSdJwt,
  serve,
  trustFor,
  VCT,
} from './support/fixtures.js';

const CLINIC = 'https://clinic.example';
const codes = (r: { errors: Array<{ code: string }> }): string[] => r.errors.map((e) => e.code);

let agency: Agency;
let holder: Holder;
let credential: string;
let server: Awaited<ReturnType<typeof serve>>;
const routes = new Map<string, string>();

async function publish(): Promise<void> {
  for (const list of await agency.issuer.publishStatusLists())
    routes.set(`/status/${list.path}`, list.token);
}

beforeAll(async () => {
  server = await serve(routes);
  agency = await makeAgency(`${server.url}/status`);
  holder = await makeHolder();
  const issued = await agency.issuer.issue({
    type: 'refugee-status',
    claims: amal,
    holders: [holder],
  });
  credential = issued.bundle.credentials[0]!;
  await publish();
});
afterAll(() => server.server.close());

function verifierFor(options: Partial<VerifierOptions> = {}) {
  return createVerifier({
    trustList: trustFor(agency),
    fetch: createGuardedFetch({ allowInsecure: true }),
    ...options,
  });
}

async function clinicRequest(
  nonceStore = createMemoryNonceStore(),
  claims: string[][] = [['age_over_18']],
): Promise<PresentationRequest> {
  return createPresentationRequest({
    clientId: CLINIC,
    verifierName: 'Al Noor Clinic',
    purpose: { en: 'Adult check' },
    credentials: [{ id: 'refugee', format: 'dc+sd-jwt', types: [VCT], claims }],
    nonceStore,
  });
}

describe('SD-JWT VC presentations', () => {
  it('accepts a valid presentation and returns only the requested claim', async () => {
    const nonceStore = createMemoryNonceStore();
    const request = await clinicRequest(nonceStore);
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: request.nonce,
      aud: CLINIC,
    });
    const result = await verifierFor({ nonceStore }).verify(
      { vp_token: { refugee: [presentation] } },
      { request },
    );
    expect(result).toMatchObject({
      verified: true,
      format: 'dc+sd-jwt',
      issuer: agency.did,
      credentialType: VCT,
      status: 'valid',
      errors: [],
    });
    expect(result.claims).toEqual({ age_over_18: true });
    expect(result.statusSource?.source).toBe('network');
  });

  it('drops and reports claims that were disclosed but not requested (names, never values)', async () => {
    const request = await clinicRequest();
    const presentation = await presentSdJwt(
      credential,
      holder.signer,
      ['age_over_18', 'given_name', 'case_number'],
      { nonce: request.nonce, aud: CLINIC },
    );
    const result = await verifierFor().verify(presentation, { request });
    expect(result.verified).toBe(true);
    expect(result.claims).toEqual({ age_over_18: true });
    const warning = result.warnings.find((w) => w.code === 'WARN_EXTRA_CLAIMS_DROPPED');
    expect(warning?.message).toContain('given_name');
    expect(JSON.stringify(result)).not.toContain('Amal');
    expect(JSON.stringify(result)).not.toContain('AMM-2026');
  });

  it('rejects a presentation that does not disclose a requested claim', async () => {
    const request = await clinicRequest();
    const presentation = await presentSdJwt(credential, holder.signer, ['given_name'], {
      nonce: request.nonce,
      aud: CLINIC,
    });
    const result = await verifierFor().verify(presentation, { request });
    expect(codes(result)).toEqual(['ERR_REQUEST_NOT_SATISFIED']);
    expect(result.claims).toEqual({});
  });

  it('rejects a credential of another type than requested', async () => {
    const request = await createPresentationRequest({
      clientId: CLINIC,
      purpose: { en: 'x' },
      credentials: [
        {
          format: 'dc+sd-jwt',
          types: ['https://other.example/vaccination'],
          claims: [['age_over_18']],
        },
      ],
    });
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: request.nonce,
      aud: CLINIC,
    });
    expect(codes(await verifierFor().verify(presentation, { request }))).toContain(
      'ERR_CREDENTIAL_TYPE_MISMATCH',
    );
  });

  it('parses a DCQL query once for many presentations, and still tells credential types apart', async () => {
    const verifier = verifierFor();
    const parse = vi.spyOn(DcqlQuery, 'parse');
    try {
      // The same query (as a service's preset asks it) in fresh requests, each answered once.
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        const request = await createPresentationRequest({
          clientId: CLINIC,
          purpose: { en: 'cache' },
          credentials: [
            { id: 'cached', format: 'dc+sd-jwt', types: [VCT], claims: [['given_name']] },
          ],
        });
        answers.push({
          request,
          presentation: await presentSdJwt(credential, holder.signer, ['given_name'], {
            nonce: request.nonce,
            aud: CLINIC,
          }),
        });
      }
      parse.mockClear();
      for (const { request, presentation } of answers) {
        expect(
          await verifier.verify({ vp_token: { cached: [presentation] } }, { request }),
        ).toMatchObject({ verified: true, claims: { given_name: 'Amal' } });
      }
      expect(parse).toHaveBeenCalledTimes(1);
      // Another type under the same query id: a match of the cached query is not reused for it.
      const other = await createPresentationRequest({
        clientId: CLINIC,
        purpose: { en: 'cache' },
        credentials: [
          {
            id: 'cached',
            format: 'dc+sd-jwt',
            types: ['https://other.example/vaccination'],
            claims: [['given_name']],
          },
        ],
      });
      const presentation = await presentSdJwt(credential, holder.signer, ['given_name'], {
        nonce: other.nonce,
        aud: CLINIC,
      });
      expect(
        codes(await verifier.verify({ vp_token: { cached: [presentation] } }, { request: other })),
      ).toContain('ERR_CREDENTIAL_TYPE_MISMATCH');
    } finally {
      parse.mockRestore();
    }
  });

  it('accepts a nonce once only (replay)', async () => {
    const nonceStore = createMemoryNonceStore();
    const request = await clinicRequest(nonceStore);
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: request.nonce,
      aud: CLINIC,
    });
    const verifier = verifierFor({ nonceStore });
    expect((await verifier.verify(presentation, { request })).verified).toBe(true);
    const again = await verifier.verify(presentation, { request });
    expect(codes(again)).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it('refuses a nonce the verifier never issued', async () => {
    const request = await clinicRequest(createMemoryNonceStore());
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: request.nonce,
      aud: CLINIC,
    });
    expect(
      codes(
        await verifierFor({ nonceStore: createMemoryNonceStore() }).verify(presentation, {
          request,
        }),
      ),
    ).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it.each([
    ['wrong nonce', { nonce: 'another-nonce-value-123' }, 'ERR_NONCE_MISMATCH'],
    ['wrong audience', { aud: 'https://bank.example' }, 'ERR_AUDIENCE_MISMATCH'],
    ['stale iat', { iat: Math.floor(Date.now() / 1000) - 3600 }, 'ERR_PRESENTATION_IAT_INVALID'],
    ['future iat', { iat: Math.floor(Date.now() / 1000) + 3600 }, 'ERR_PRESENTATION_IAT_INVALID'],
    [
      'wrong sd_hash',
      { sdHashOverride: toBase64url(new Uint8Array(32)) },
      'ERR_KB_SD_HASH_MISMATCH',
    ],
    ['wrong typ', { typ: 'JWT' }, 'ERR_KB_JWT_MALFORMED'],
  ])('rejects a KB-JWT with a %s', async (_name, override, code) => {
    const verifier = verifierFor();
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
      ...override,
    });
    const result = await verifier.verify(presentation, {
      nonce: 'n-0123456789abcdef',
      audience: CLINIC,
    });
    expect(codes(result)).toEqual([code]);
  });

  it('rejects a missing KB-JWT and a KB-JWT signed by another key', async () => {
    const verifier = verifierFor();
    const bare = await presentSdJwt(credential, holder.signer, ['age_over_18'], undefined);
    expect(
      codes(await verifier.verify(bare, { nonce: 'n-0123456789abcdef', audience: CLINIC })),
    ).toEqual(['ERR_HOLDER_BINDING_MISSING']);
    const thief = await makeHolder();
    const stolen = await presentSdJwt(credential, thief.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
    });
    expect(
      codes(await verifier.verify(stolen, { nonce: 'n-0123456789abcdef', audience: CLINIC })),
    ).toEqual(['ERR_HOLDER_BINDING_INVALID']);
  });

  it('rejects a flipped disclosure instead of dropping it (CVE-2026-62374)', async () => {
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
    });
    const parts = presentation.split('~');
    const disclosure = fromUtf8(fromBase64url(parts[1]!)).replace('true', 'false');
    parts[1] = toBase64url(utf8(disclosure));
    const result = await verifierFor().verify(parts.join('~'), {
      nonce: 'n-0123456789abcdef',
      audience: CLINIC,
    });
    expect(codes(result)).toContain('ERR_SDJWT_DISCLOSURE_UNREFERENCED');
    expect(result.verified).toBe(false);
  });

  it('rejects a tampered issuer signature, an untrusted issuer and an issuer not trusted for the type', async () => {
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
    });
    const [jwt, ...rest] = presentation.split('~');
    const [h, p, s] = jwt!.split('.');
    const payload = JSON.parse(fromUtf8(fromBase64url(p!)));
    payload.exp += 1;
    const forged = [`${h}.${toBase64url(utf8(JSON.stringify(payload)))}.${s}`, ...rest].join('~');
    const expectation = { nonce: 'n-0123456789abcdef', audience: CLINIC };
    expect(codes(await verifierFor().verify(forged, expectation))).toEqual([
      'ERR_SIGNATURE_INVALID',
    ]);
    const stranger = await makeAgency();
    expect(
      codes(
        await createVerifier({ trustList: trustFor(stranger) }).verify(presentation, expectation),
      ),
    ).toEqual(['ERR_ISSUER_UNTRUSTED']);
    const wrongType = verifierFor({
      trustList: trustFor({ did: agency.did, types: ['https://other.example/vaccination'] }),
    });
    expect(codes(await wrongType.verify(presentation, expectation))).toEqual([
      'ERR_ISSUER_NOT_AUTHORIZED',
    ]);
  });

  it('rejects expired and not-yet-valid credentials, within the clock skew', async () => {
    const h = await makeHolder();
    const past = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [h],
      validFrom: new Date(Date.now() - 10 * 86_400_000),
      validUntil: new Date(Date.now() - 120_000),
    });
    const future = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [h],
      validFrom: new Date(Date.now() + 86_400_000),
    });
    const edge = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [h],
      validFrom: new Date(Date.now() - 86_400_000),
      validUntil: new Date(Date.now() - 30_000),
    });
    await publish();
    const expectation = { nonce: 'n-0123456789abcdef', audience: CLINIC };
    const present = (c: string) =>
      presentSdJwt(c, h.signer, ['age_over_18'], { nonce: expectation.nonce, aud: CLINIC });
    const verifier = verifierFor();
    expect(
      codes(await verifier.verify(await present(past.bundle.credentials[0]!), expectation)),
    ).toEqual(['ERR_CREDENTIAL_EXPIRED']);
    expect(
      codes(await verifier.verify(await present(future.bundle.credentials[0]!), expectation)),
    ).toEqual(['ERR_CREDENTIAL_NOT_YET_VALID']);
    expect(
      codes(await verifier.verify(await present(edge.bundle.credentials[0]!), expectation)),
    ).toEqual([]);
  });

  it('rejects a credential with the wrong typ', async () => {
    const [jwt] = credential.split('~');
    const header = JSON.parse(fromUtf8(fromBase64url(jwt!.split('.')[0]!)));
    expect(header.typ).toBe('dc+sd-jwt');
    const forged = `${toBase64url(utf8(JSON.stringify({ ...header, typ: 'JWT' })))}.${credential.slice(jwt!.indexOf('.') + 1)}`;
    expect(
      codes(await verifierFor().verify(forged, { nonce: 'n-0123456789abcdef', audience: CLINIC })),
    ).toEqual(['ERR_SDJWT_TYP_INVALID']);
  });
});

describe('status', () => {
  it('reports suspended, then revoked, from freshly published lists', async () => {
    const h = await makeHolder();
    const issued = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [h],
    });
    const expectation = { nonce: 'n-0123456789abcdef', audience: CLINIC };
    const presentation = await presentSdJwt(
      issued.bundle.credentials[0]!,
      h.signer,
      ['age_over_18'],
      { nonce: expectation.nonce, aud: CLINIC },
    );
    await agency.issuer.suspend(issued.batchId);
    await publish();
    const suspended = await verifierFor().verify(presentation, expectation);
    expect([suspended.status, codes(suspended)]).toEqual(['suspended', ['ERR_STATUS_SUSPENDED']]);
    await agency.issuer.revoke(issued.batchId);
    await publish();
    const revoked = await verifierFor().verify(presentation, expectation);
    expect([revoked.status, codes(revoked)]).toEqual(['revoked', ['ERR_STATUS_REVOKED']]);
  });

  it('fails closed when the status list cannot be fetched', async () => {
    const down = await serve(new Map(), { status: 503 });
    const a = await makeAgency(`${down.url}/status`);
    const h = await makeHolder();
    const { bundle } = await a.issuer.issue({ type: 'refugee-status', claims: amal, holders: [h] });
    const presentation = await presentSdJwt(bundle.credentials[0]!, h.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
    });
    const result = await createVerifier({
      trustList: trustFor(a),
      fetch: createGuardedFetch({ allowInsecure: true }),
    }).verify(presentation, { nonce: 'n-0123456789abcdef', audience: CLINIC });
    expect([result.verified, result.status, codes(result)]).toEqual([
      false,
      'unknown',
      ['ERR_STATUS_UNAVAILABLE'],
    ]);
    down.server.close();
    // The default fetch refuses http and loopback status URLs outright: still fail closed.
    const strict = await createVerifier({ trustList: trustFor(agency) }).verify(
      await presentSdJwt(credential, holder.signer, ['age_over_18'], {
        nonce: 'n-0123456789abcdef',
        aud: CLINIC,
      }),
      { nonce: 'n-0123456789abcdef', audience: CLINIC },
    );
    expect(codes(strict)).toEqual(['ERR_STATUS_UNAVAILABLE']);
  });

  it('works offline from a cached list and reports its age; without a cached list it fails closed', async () => {
    const statusCache = createMemoryStatusCache();
    const token = (await agency.issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;
    await importStatusList(statusCache, token);
    const expectation = { nonce: 'n-0123456789abcdef', audience: CLINIC };
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: expectation.nonce,
      aud: CLINIC,
    });
    const hitsBefore = server.hits();
    const result = await verifierFor({
      statusCache,
      offline: true,
      clock: { now: () => Date.now() + 0 },
    }).verify(presentation, expectation);
    expect(result.verified).toBe(true);
    expect(result.statusSource).toMatchObject({ source: 'cache' });
    expect(result.statusSource?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(result.warnings.map((w) => w.code)).toContain('WARN_STATUS_FROM_CACHE');
    expect(server.hits()).toBe(hitsBefore);
    const empty = await verifierFor({
      statusCache: createMemoryStatusCache(),
      offline: true,
    }).verify(presentation, expectation);
    expect(codes(empty)).toEqual(['ERR_STATUS_UNAVAILABLE']);
    const tooOld = await verifierFor({
      statusCache,
      offline: true,
      maxStatusAgeSeconds: 60,
      clock: { now: () => Date.now() + 3_600_000 },
    }).verify(
      await presentSdJwt(credential, holder.signer, ['age_over_18'], {
        nonce: expectation.nonce,
        aud: CLINIC,
        iat: Math.floor(Date.now() / 1000) + 3600,
      }),
      expectation,
    );
    expect(codes(tooOld)).toEqual(['ERR_STATUS_LIST_EXPIRED']);
  });

  it('refuses a status list signed by another issuer', async () => {
    const impostor = await makeAgency(`${server.url}/status`);
    await impostor.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [await makeHolder()],
    });
    const fake = (await impostor.issuer.publishStatusLists()).find(
      (l) => l.kind === 'token',
    )!.token;
    const statusCache = createMemoryStatusCache();
    // The impostor's list, cached under the URL the genuine credential names.
    const { uri } = (await agency.issuer.publishStatusLists()).find((l) => l.kind === 'token')!;
    await statusCache.put({ uri, token: fake, fetchedAt: Date.now() });
    const presentation = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
      nonce: 'n-0123456789abcdef',
      aud: CLINIC,
    });
    const result = await verifierFor({ statusCache, offline: true }).verify(presentation, {
      nonce: 'n-0123456789abcdef',
      audience: CLINIC,
    });
    expect(codes(result)).toEqual(['ERR_STATUS_LIST_INVALID']);
  });
});

describe('VP-JWT with a VC-JWT', () => {
  async function vpJwt(vc: string, signer: Holder, nonce: string, aud: string): Promise<string> {
    return createVerifiablePresentationJwt(
      {
        vp: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiablePresentation'],
          verifiableCredential: [vc],
        },
        nonce,
        aud,
      },
      { did: signer.did, signer: base64urlSigner(signer.signer), alg: signer.signer.alg },
      { header: { kid: signer.kid } },
    );
  }

  it('accepts a VP-JWT from the subject, returns only the requested claims, and checks the Bitstring status', async () => {
    const h = await makeHolder('EdDSA');
    const issued = await agency.issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims: amal,
      holders: [h],
    });
    await publish();
    const nonceStore = createMemoryNonceStore();
    const request = await createPresentationRequest({
      clientId: CLINIC,
      purpose: { en: 'x' },
      credentials: [
        {
          id: 'vc',
          format: 'jwt_vc_json',
          types: ['RefugeeStatusCredential'],
          claims: [['age_over_18']],
        },
      ],
      nonceStore,
    });
    const vp = await vpJwt(issued.bundle.credentials[0]!, h, request.nonce, CLINIC);
    const result = await verifierFor({ nonceStore }).verify(
      { vp_token: { vc: [vp] } },
      { request },
    );
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      format: 'jwt_vp',
      credentialType: 'RefugeeStatusCredential',
      status: 'valid',
      claims: { age_over_18: true },
    });
    expect(Object.keys(result.claims)).toEqual(['age_over_18']);
    expect(result.warnings.map((w) => w.code)).toContain('WARN_EXTRA_CLAIMS_DROPPED');

    await agency.issuer.revoke(issued.batchId);
    await publish();
    const again = await verifierFor().verify(
      await vpJwt(issued.bundle.credentials[0]!, h, 'n-0123456789abcdef', CLINIC),
      { nonce: 'n-0123456789abcdef', audience: CLINIC },
    );
    expect([again.status, codes(again)]).toEqual(['revoked', ['ERR_STATUS_REVOKED']]);
  });

  it('rejects a VP signed by someone other than the subject, a tampered inner VC, a bare VC and a wrong nonce', async () => {
    const h = await makeHolder();
    const other = await makeHolder();
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims: amal,
      holders: [h],
    });
    await publish();
    const vc = bundle.credentials[0]!;
    const expectation = { nonce: 'n-0123456789abcdef', audience: CLINIC };
    const verifier = verifierFor();
    expect(
      codes(await verifier.verify(await vpJwt(vc, other, expectation.nonce, CLINIC), expectation)),
    ).toEqual(['ERR_HOLDER_MISMATCH']);
    const [h64, p64, s64] = vc.split('.');
    const payload = JSON.parse(fromUtf8(fromBase64url(p64!)));
    payload.vc.credentialSubject.age_over_18 = false;
    const tampered = `${h64}.${toBase64url(utf8(JSON.stringify(payload)))}.${s64}`;
    expect(
      codes(
        await verifier.verify(await vpJwt(tampered, h, expectation.nonce, CLINIC), expectation),
      ),
    ).toEqual(['ERR_SIGNATURE_INVALID']);
    expect(codes(await verifier.verify(vc, expectation))).toEqual(['ERR_HOLDER_BINDING_MISSING']);
    expect(
      codes(
        await verifier.verify(
          await vpJwt(vc, h, 'another-nonce-000000', 'https://bank.example'),
          expectation,
        ),
      ),
    ).toEqual(['ERR_NONCE_MISMATCH', 'ERR_AUDIENCE_MISMATCH']);
  });
});

describe('malformed input', () => {
  it.each([
    ['empty', '', 'ERR_NOT_A_PRESENTATION'],
    ['garbage', 'not a presentation', 'ERR_NOT_A_PRESENTATION'],
    ['bad json response', '{"vp_token": ', 'ERR_INVALID_JSON'],
    ['no vp_token', '{"foo": 1}', 'ERR_NOT_A_PRESENTATION'],
    ['sd-jwt without jwt', '~~', 'ERR_SDJWT_MALFORMED'],
  ])('returns a typed error for %s input', async (_name, input, code) => {
    const result = await verifierFor().verify(input, {
      nonce: 'n-0123456789abcdef',
      audience: CLINIC,
    });
    expect(result.verified).toBe(false);
    expect(codes(result)).toEqual([code]);
  });
});
