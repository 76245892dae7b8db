/**
 * Issue 14, why 6: a trust-list authority runs entirely from the CLI, as docs/trust-list.md
 * shows: make a key (private half 0600, public half and DID printed), add issuers with names and
 * an expiry, sign, and verifiers pin the public key. Malformed issuer identifiers and a pinned
 * private key are refused with their reason; `issued_at` follows every change.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base58 } from '@scure/base';
import {
  decodeJwt,
  didJwkFromJwk,
  didKeyFromJwk,
  generateKeyPair,
  loadTrustList,
  signerFromJwk,
  signTrustList,
  toBase64url,
} from '@sanad/core';
import { createDirectoryStatusCache, importStatusList } from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeAgency, makeHolder, presentSdJwt, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-trust-authority-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => join(work, name);
const json = (run: { stdout: string }) => JSON.parse(run.stdout) as Record<string, unknown>;

let agencyDid: string;
const NONCE = 'authority-nonce-0123456789';
const AUDIENCE = 'https://clinic.example';

beforeAll(async () => {
  const agency = await makeAgency();
  agencyDid = agency.did;
  const holder = await makeHolder();
  const credential = (
    await agency.issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] })
  ).bundle.credentials[0]!;
  writeFileSync(
    at('presentation.txt'),
    await presentSdJwt(credential, holder.signer, ['age_over_18'], { nonce: NONCE, aud: AUDIENCE }),
  );
  const cache = createDirectoryStatusCache(at('status-cache'));
  for (const list of await agency.issuer.publishStatusLists())
    await importStatusList(cache, list.token);
  // An authority key made with the library, so the tests below do not depend on keygen's.
  const authority = await generateKeyPair('ES256');
  writeFileSync(at('lib-authority.jwk.json'), JSON.stringify(authority.privateJwk));
  writeFileSync(
    at('lib-trust.jws'),
    await signTrustList(
      {
        type: 'sanad-trust-list',
        version: 1,
        issuers: [{ id: agency.did, credential_types: [VCT] }],
      },
      await signerFromJwk(authority.privateJwk),
    ),
  );
});

const verifyWith = (trust: string, pinnedKey: string, extra: string[] = []) =>
  runSanad([
    'verify',
    '--presentation',
    at('presentation.txt'),
    '--trust',
    trust,
    '--pinned-key',
    pinnedKey,
    '--nonce',
    NONCE,
    '--audience',
    AUDIENCE,
    '--status-cache',
    at('status-cache'),
    '--offline',
    ...extra,
  ]);

describe('sanad trust-list keygen (issue 14, why 6)', () => {
  it('writes the private key with mode 0600, the public JWK beside it, and prints the public JWK and its did:key', async () => {
    const run = await runSanad([
      'trust-list',
      'keygen',
      '--out',
      at('authority/key.jwk.json'),
      '--public-out',
      at('authority/public.jwk.json'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const out = json(run);
    const privateJwk = JSON.parse(readFileSync(at('authority/key.jwk.json'), 'utf8'));
    const publicJwk = JSON.parse(readFileSync(at('authority/public.jwk.json'), 'utf8'));
    expect(statSync(at('authority/key.jwk.json')).mode & 0o777).toBe(0o600);
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    expect(publicJwk.d).toBeUndefined();
    expect(out).toEqual({
      key_file: at('authority/key.jwk.json'),
      public_key_file: at('authority/public.jwk.json'),
      did: didKeyFromJwk(publicJwk),
      public_jwk: publicJwk,
    });
    expect(run.stdout).not.toContain(privateJwk.d);

    const text = await runSanad([
      'trust-list',
      'keygen',
      '--out',
      at('authority/ed.jwk.json'),
      '--alg',
      'EdDSA',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Public key \(DID\): did:key:z6Mk/);
    expect(text.stdout).toMatch(/Public key \(JWK\): \{"kty":"OKP","crv":"Ed25519","x":"[^"]+"\}/);
  });

  it('never overwrites a key file, and never prints a private key', async () => {
    const before = readFileSync(at('authority/key.jwk.json'), 'utf8');
    const again = await runSanad(['trust-list', 'keygen', '--out', at('authority/key.jwk.json')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('(ERR_FILE_EXISTS)');
    expect(readFileSync(at('authority/key.jwk.json'), 'utf8')).toBe(before);
    expect((await runSanad(['trust-list', 'keygen', '--out', '-'])).code).toBe(2);
  });
});

describe('the authority path of docs/trust-list.md (issue 14, why 6)', () => {
  it('add with a name and --expires, sign, and a verifier pinning the did:key or the public file accepts it; the desk sees the name', async () => {
    const publicJwk = JSON.parse(readFileSync(at('authority/public.jwk.json'), 'utf8'));
    const added = await runSanad([
      'trust-list',
      'add',
      '--file',
      at('trust.json'),
      '--issuer',
      agencyDid,
      '--name',
      'Refugee Agency — Amman field office',
      '--type',
      VCT,
      '--expires',
      '2030-01-01',
      '--json',
    ]);
    expect(added.code).toBe(0);
    expect(JSON.parse(readFileSync(at('trust.json'), 'utf8'))).toMatchObject({
      expires_at: '2030-01-01T00:00:00.000Z',
      issued_at: expect.any(String),
    });
    const signed = await runSanad([
      'trust-list',
      'sign',
      '--file',
      at('trust.json'),
      '--key',
      at('authority/key.jwk.json'),
      '--out',
      at('trust.jws'),
      '--expires',
      '90d',
      '--json',
    ]);
    expect(signed.code).toBe(0);
    const payload = decodeJwt(readFileSync(at('trust.jws'), 'utf8')).payload;
    expect(Date.parse(String(payload.expires_at)) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(Date.parse(String(payload.expires_at)) - Date.now()).toBeLessThanOrEqual(
      90 * 86_400_000,
    );

    for (const pinned of [didKeyFromJwk(publicJwk), at('authority/public.jwk.json')]) {
      const run = await verifyWith(at('trust.jws'), pinned);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`issuer: Refugee Agency — Amman field office (${agencyDid})`);
      expect(run.stdout).toMatch(/trust list: signed, issued .+ \(\d+ s ago\), expires /);
    }
    const shown = await runSanad([
      'trust-list',
      'show',
      '--file',
      at('trust.jws'),
      '--pinned-key',
      didKeyFromJwk(publicJwk),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Refugee Agency — Amman field office');
  });

  it('refuses a pinned private key file with "give the public key", in the CLI and the library', async () => {
    const run = await verifyWith(at('lib-trust.jws'), at('lib-authority.jwk.json'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a private key: give the public key .+\(ERR_INVALID_KEY\)/);
    const privateJwk = JSON.parse(readFileSync(at('lib-authority.jwk.json'), 'utf8'));
    await expect(
      loadTrustList(readFileSync(at('lib-trust.jws'), 'utf8'), { pinnedKey: privateJwk }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
      message: expect.stringContaining('give the public key'),
    });
  });

  it('refreshes issued_at on add, remove and sign, so the age shown to staff is the age of the list', async () => {
    const old = '2020-01-01T00:00:00.000Z';
    const file = at('aged.json');
    const stale = (extra: Record<string, unknown> = {}) =>
      writeFileSync(
        file,
        JSON.stringify({
          type: 'sanad-trust-list',
          version: 1,
          issued_at: old,
          issuers: [{ id: agencyDid, credential_types: [VCT] }],
          ...extra,
        }),
      );
    const issuedAt = () => Date.parse(JSON.parse(readFileSync(file, 'utf8')).issued_at);
    const started = Date.now() - 1000;

    stale();
    expect(
      (
        await runSanad([
          'trust-list',
          'add',
          '--file',
          file,
          '--issuer',
          didKeyFromJwk((await generateKeyPair()).publicJwk),
          '--type',
          VCT,
        ])
      ).code,
    ).toBe(0);
    expect(issuedAt()).toBeGreaterThanOrEqual(started);
    stale();
    expect(
      (await runSanad(['trust-list', 'remove', '--file', file, '--issuer', agencyDid])).code,
    ).toBe(0);
    expect(issuedAt()).toBeGreaterThanOrEqual(started);
    expect(JSON.parse(readFileSync(file, 'utf8')).issuers).toEqual([]);
    stale();
    expect(
      (
        await runSanad([
          'trust-list',
          'sign',
          '--file',
          file,
          '--key',
          at('lib-authority.jwk.json'),
          '--out',
          at('aged.jws'),
        ])
      ).code,
    ).toBe(0);
    expect(
      Date.parse(String(decodeJwt(readFileSync(at('aged.jws'), 'utf8')).payload.issued_at)),
    ).toBeGreaterThanOrEqual(started);

    expect(
      (
        await runSanad([
          'trust-list',
          'remove',
          '--file',
          file,
          '--issuer',
          'did:web:nobody.example',
        ])
      ).code,
    ).toBe(2);
    // A list past its expiry is not re-signed as it is: the authority gives a new date.
    stale({ expires_at: '2021-01-01T00:00:00Z' });
    const expired = await runSanad([
      'trust-list',
      'sign',
      '--file',
      file,
      '--key',
      at('lib-authority.jwk.json'),
      '--out',
      at('aged.jws'),
    ]);
    expect(expired.code).toBe(2);
    expect(expired.stderr).toContain('give --expires');
    for (const bad of ['yesterday', '2021-01-01', '0d', '-5d']) {
      const run = await runSanad([
        'trust-list',
        'add',
        '--file',
        file,
        '--issuer',
        agencyDid,
        '--type',
        VCT,
        '--expires',
        bad,
      ]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toContain('--expires');
    }
  });
});

describe('issuer identifiers are validated (issue 14, why 6)', () => {
  const privateDidJwk = async () =>
    `did:jwk:${toBase64url(JSON.stringify((await generateKeyPair()).privateJwk))}`;
  const cases: Array<[string, () => Promise<string>, string, RegExp]> = [
    [
      'did:key that is not base58btc multibase',
      async () => 'did:key:garbage',
      'ERR_DID_INVALID',
      /"did:key:z" followed by a base58btc key/,
    ],
    [
      'did:key with characters outside base58',
      async () => 'did:key:z6Mk0OIl',
      'ERR_DID_INVALID',
      /base58btc characters only/,
    ],
    [
      'did:key too short for its key type',
      async () =>
        `did:key:z${base58.encode(Uint8Array.of(0xed, 0x01, ...new Uint8Array(31).fill(7)))}`,
      'ERR_DID_INVALID',
      /Ed25519 did:key holds 32 key bytes/,
    ],
    [
      'did:key of a key type Sanad cannot verify (secp256k1)',
      async () => 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme',
      'ERR_DID_METHOD_UNSUPPORTED',
      /Ed25519 and P-256/,
    ],
    [
      'did:jwk that is not a JWK',
      async () => 'did:jwk:garbage',
      'ERR_DID_INVALID',
      /base64url of a public JWK/,
    ],
    ['did:jwk holding a private key', privateDidJwk, 'ERR_DID_INVALID', /no private member/],
    [
      'did:web with a space',
      async () => 'did:web:agency example',
      'ERR_DID_INVALID',
      /characters a DID cannot have/,
    ],
    [
      'did:web without a host',
      async () => 'did:web:',
      'ERR_DID_INVALID',
      /did:<method>:<identifier>|characters a DID cannot have/,
    ],
    [
      'a DID URL instead of a DID',
      async () => `${agencyDid}#key-1`,
      'ERR_DID_INVALID',
      /without a path, query or fragment/,
    ],
    [
      'an upper-case method',
      async () => 'DID:KEY:z6Mk',
      'ERR_INVALID_INPUT',
      /DID .+ or an https issuer URL/,
    ],
    [
      'a method Sanad does not resolve, without --jwks',
      async () => 'did:ion:EiAnKD8',
      'ERR_DID_METHOD_UNSUPPORTED',
      /give the issuer's keys with --jwks/,
    ],
    [
      'an https issuer with a query',
      async () => 'https://issuer.health.example/?tenant=1',
      'ERR_INVALID_INPUT',
      /https issuer URL/,
    ],
    [
      'plain http',
      async () => 'http://issuer.health.example',
      'ERR_INVALID_INPUT',
      /https issuer URL/,
    ],
  ];

  it('`sanad trust-list add` refuses each malformed identifier with its reason, and writes nothing', async () => {
    const file = at('validated.json');
    writeFileSync(file, JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }));
    for (const [name, id, code, reason] of cases) {
      const run = await runSanad([
        'trust-list',
        'add',
        '--file',
        file,
        '--issuer',
        await id(),
        '--type',
        VCT,
      ]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(`(${code})`);
      expect(run.stderr, name).toMatch(reason);
      expect(JSON.parse(readFileSync(file, 'utf8')).issuers, name).toEqual([]);
    }
    // Well-formed ones pass: did:key (P-256, Ed25519), did:jwk, did:web with a port and a path.
    for (const id of [
      didKeyFromJwk((await generateKeyPair('ES256')).publicJwk),
      didKeyFromJwk((await generateKeyPair('EdDSA')).publicJwk),
      didJwkFromJwk((await generateKeyPair()).publicJwk),
      'did:web:agency.example',
      'did:web:agency.example%3A8443:issuers:amman',
    ]) {
      expect(
        (await runSanad(['trust-list', 'add', '--file', file, '--issuer', id, '--type', VCT])).code,
        id,
      ).toBe(0);
    }
  });

  it('verifiers refuse a list carrying a malformed DID too (parseTrustList), with the reason', async () => {
    for (const [name, id, , reason] of cases.filter(
      ([, , , r]) => !/--jwks|https issuer URL|did:<method>/.test(r.source),
    )) {
      const text = JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        issuers: [{ id: await id(), credential_types: [VCT] }],
      });
      await expect(loadTrustList(text), name).rejects.toMatchObject({
        code: 'ERR_TRUST_LIST_INVALID',
        message: expect.stringMatching(reason),
      });
    }
    writeFileSync(
      at('bad-trust.json'),
      JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        issuers: [{ id: 'did:key:garbage', credential_types: [VCT] }],
      }),
    );
    const run = await runSanad([
      'verify',
      '--presentation',
      at('presentation.txt'),
      '--trust',
      at('bad-trust.json'),
      '--nonce',
      NONCE,
      '--audience',
      AUDIENCE,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^sanad: Issuer 0 id is not a usable DID: A did:key is "did:key:z" followed by a base58btc key\. \(ERR_TRUST_LIST_INVALID\)/,
    );
  });
});
