/**
 * HAIP issuer identity: an SD-JWT VC issuer whose key is certified by an X.509 chain (`x5c`),
 * verified against a trust anchor of the trust list for the credential's type, refused against
 * another, and readable by an independent stack (node:crypto's OpenSSL for the certificate,
 * @sd-jwt/sd-jwt-vc for the credential).
 */
import { X509Certificate } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import {
  createGuardedFetch,
  decodeJwt,
  fromBase64url,
  fromUtf8,
  generateKeyPair,
  type JWK,
  sha256,
  signerFromJwk,
  TrustList,
  type TrustListDocument,
  utf8,
  verifySignature,
} from '@sanad/core';
import { CertificateAuthority } from '@sanad/core/x509';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { createPresentationRequest, createVerifier } from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET as LOW, registrationType, serve, VCT } from './support/fixtures.js';

const ISSUER = 'https://agency.example/issuer';
const CLINIC = 'https://clinic.example';

let server: Awaited<ReturnType<typeof serve>>;
const routes = new Map<string, string>();
beforeAll(async () => {
  server = await serve(routes);
});
afterAll(() => server.server.close());

async function certifiedIssuer(root: CertificateAuthority, uri = ISSUER) {
  const key = await generateKeyPair();
  const leaf = await root.issue({
    subject: { commonName: 'Refugee registration office', organization: 'Agency' },
    publicJwk: key.publicJwk,
    days: 365,
    uris: [uri],
  });
  const issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(key.privateJwk),
    issuerId: 'did:web:agency.example',
    kid: 'did:web:agency.example#key-1',
    sdJwtIssuer: ISSUER,
    x5c: [leaf],
    statusBaseUrl: `${server.url}/status`,
    types: [refugeeStatusType, registrationType],
  });
  return { issuer, key, leaf };
}

const anchored = (root: CertificateAuthority, types: string[] = [VCT]): TrustList =>
  new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: [],
    trust_anchors: [
      { name: 'Agency root', certificate: root.certificate, credential_types: types },
    ],
  } satisfies TrustListDocument);

async function presentation(issuer: Awaited<ReturnType<typeof certifiedIssuer>>['issuer']) {
  const wallet = await createWallet(createMemoryStorage(), 'x509 passphrase', LOW);
  const { bundle, batchId } = await issuer.issue({
    type: 'refugee-status',
    claims: amal,
    holders: await wallet.createHolderKeys(1),
  });
  for (const list of await issuer.publishStatusLists())
    routes.set(`/status/${list.path}`, list.token);
  await wallet.import(bundle);
  const request = await createPresentationRequest({
    clientId: CLINIC,
    purpose: { en: 'Registered refugee' },
    credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
  });
  const response = await wallet.present(wallet.decide(wallet.propose(request), { approve: true }));
  return { bundle, batchId, request, response, wallet };
}

const fetch = createGuardedFetch({ allowInsecure: true });

describe('an SD-JWT VC issuer known by its X.509 chain', () => {
  it('puts the chain in the header, verifies against its anchor, sees a revocation in an x5c status list', async () => {
    const root = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const { issuer, leaf } = await certifiedIssuer(root);
    const { bundle, batchId, request, response } = await presentation(issuer);
    const { header, payload } = decodeJwt(bundle.credentials[0]!.split('~')[0]!);
    expect(header).toMatchObject({ typ: 'dc+sd-jwt', x5c: [leaf] });
    expect(header).not.toHaveProperty('kid');
    expect(payload.iss).toBe(ISSUER);

    const verifier = createVerifier({ trustList: anchored(root), fetch });
    const ok = await verifier.verify(response, { request });
    expect(ok).toMatchObject({
      verified: true,
      issuer: ISSUER,
      issuerName: 'Agency, Refugee registration office — Agency root',
      status: 'valid',
      claims: { age_over_18: true },
    });

    // The status list is signed by the same key and carries the same chain.
    const list = (await issuer.publishStatusLists())[0]!;
    expect(decodeJwt(list.token).header).toMatchObject({ typ: 'statuslist+jwt', x5c: [leaf] });
    await issuer.revoke(batchId);
    for (const l of await issuer.publishStatusLists()) routes.set(`/status/${l.path}`, l.token);
    const revoked = await createVerifier({ trustList: anchored(root), fetch }).verify(
      response.vp_token.q![0]!,
      { nonce: request.nonce, audience: CLINIC },
    );
    expect(revoked).toMatchObject({ verified: false, status: 'revoked' });
  });

  it('is refused against another anchor, for a type its anchor does not cover, and when its leaf names another issuer', async () => {
    const root = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const other = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const { issuer } = await certifiedIssuer(root);
    const { request, response } = await presentation(issuer);
    const codes = async (trustList: TrustList) =>
      (await createVerifier({ trustList, fetch }).verify(response, { request })).errors.map(
        (e) => e.code,
      );
    expect(await codes(anchored(other))).toContain('ERR_X509_UNTRUSTED');
    expect(await codes(anchored(root, ['https://other.example/vct']))).toContain(
      'ERR_ISSUER_NOT_AUTHORIZED',
    );
    expect(
      await codes(new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] })),
    ).toContain('ERR_X509_UNTRUSTED');

    // A certificate for another name: the issuer refuses to start with it, a verifier refuses it.
    const key = await generateKeyPair();
    const wrong = await root.issue({
      subject: { commonName: 'Elsewhere' },
      publicJwk: key.publicJwk,
      days: 30,
      uris: ['https://elsewhere.example'],
    });
    await expect(
      createIssuer({
        store: createMemoryIssuerStore(),
        signer: await signerFromJwk(key.privateJwk),
        issuerId: 'did:web:agency.example',
        kid: 'did:web:agency.example#key-1',
        sdJwtIssuer: ISSUER,
        x5c: [wrong],
        statusBaseUrl: `${server.url}/status`,
        types: [refugeeStatusType],
      }),
    ).rejects.toMatchObject({ code: 'ERR_X509_NAME_MISMATCH' });
    await expect(
      anchored(root).x509IssuerKey(ISSUER, [wrong], Date.now() / 1000),
    ).rejects.toMatchObject({
      code: 'ERR_X509_NAME_MISMATCH',
    });
  });

  it('keeps a validated chain only while its certificates hold', async () => {
    const root = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const key = await generateKeyPair();
    const leaf = await root.issue({
      subject: { commonName: 'Issuer' },
      publicJwk: key.publicJwk,
      days: 10,
      uris: [ISSUER],
    });
    const list = anchored(root);
    const now = Date.now() / 1000;
    await expect(list.x509IssuerKey(ISSUER, [leaf], now)).resolves.toMatchObject({
      credentialTypes: [VCT],
    });
    // Cached, yet refused once the leaf has expired, and for a name it does not carry.
    await expect(list.x509IssuerKey(ISSUER, [leaf], now + 30 * 86_400)).rejects.toMatchObject({
      code: 'ERR_X509_CERTIFICATE_EXPIRED',
    });
    await expect(list.x509IssuerKey('https://other.example', [leaf], now)).rejects.toMatchObject({
      code: 'ERR_X509_NAME_MISMATCH',
    });
    await expect(list.x509IssuerKey(ISSUER, [leaf], now)).resolves.toBeDefined();
  });

  it('reads in independent stacks: OpenSSL checks the chain, @sd-jwt/sd-jwt-vc the credential with the leaf key', async () => {
    const root = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const { issuer } = await certifiedIssuer(root);
    const { response, request } = await presentation(issuer);
    const presented = response.vp_token.q![0]!;
    const x5c = decodeJwt(presented.split('~')[0]!).header.x5c as string[];
    const leaf = new X509Certificate(Buffer.from(x5c[0]!, 'base64'));
    const anchor = new X509Certificate(Buffer.from(root.certificate, 'base64'));
    expect(leaf.checkIssued(anchor) && leaf.verify(anchor.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe(`URI:${ISSUER}`);
    const leafJwk = leaf.publicKey.export({ format: 'jwk' }) as JWK;
    const byLeaf = (data: string, sig: string) =>
      verifySignature(leafJwk, 'ES256', utf8(data), fromBase64url(sig));
    const peer = new SDJwtVcInstance({
      hasher: (data: string | ArrayBuffer) =>
        sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data)),
      verifier: byLeaf,
      statusVerifier: byLeaf,
      statusListFetcher: async (uri: string) => fromUtf8((await fetch(uri)).body),
      kbVerifier: (data: string, sig: string, payload) =>
        verifySignature(payload.cnf!.jwk as JWK, 'ES256', utf8(data), fromBase64url(sig)),
    });
    const verified = await peer.verify(presented, { keyBindingNonce: request.nonce } as never);
    expect(verified.payload).toMatchObject({ iss: ISSUER, vct: VCT, age_over_18: true });
  });

  it('keeps an issuer listed by its DID or keys on that entry, whatever its header carries', async () => {
    const root = await CertificateAuthority.create({
      subject: { commonName: 'Agency root' },
      days: 3650,
    });
    const { issuer, key } = await certifiedIssuer(root);
    const { request, response } = await presentation(issuer);
    // Listed with pinned keys and no anchor: its entry decides, the chain is not needed.
    const listed = new TrustList({
      type: 'sanad-trust-list',
      version: 1,
      issuers: [
        {
          id: ISSUER,
          credential_types: [VCT],
          jwks: { keys: [{ ...key.publicJwk, kid: 'did:web:agency.example#key-1' }] },
        },
      ],
    });
    const result = await createVerifier({ trustList: listed, fetch }).verify(response, { request });
    expect(result).toMatchObject({ verified: true, issuer: ISSUER });
    // Listed with another key: refused, the valid chain does not override the entry.
    const rekeyed = new TrustList({
      type: 'sanad-trust-list',
      version: 1,
      issuers: [
        {
          id: ISSUER,
          credential_types: [VCT],
          jwks: { keys: [(await generateKeyPair()).publicJwk] },
        },
      ],
      trust_anchors: [{ certificate: root.certificate, credential_types: [VCT] }],
    });
    const refused = await createVerifier({ trustList: rekeyed, fetch }).verify(response, {
      request,
    });
    expect(refused.verified).toBe(false);
    expect(refused.errors.map((e) => e.code)).toContain('ERR_SIGNATURE_INVALID');
  });
});
