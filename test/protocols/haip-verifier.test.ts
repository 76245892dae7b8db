/**
 * HAIP verifier identity over loopback: the verifier service signs its request objects with a
 * certified key (`x5c` header) and names itself `x509_san_dns:<host>` or `x509_hash:<sha-256>`.
 * A spec-following client (@openid4vc/openid4vp with node:crypto's OpenSSL for the chain)
 * accepts the request; Sanad's wallet answers it; a request whose certificate does not name the
 * client id, or whose chain is broken, is refused.
 */
import { X509Certificate } from 'node:crypto';
import { type CallbackContext, HashAlgorithm, type Jwk } from '@openid4vc/oauth2';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import {
  decodeJwt,
  generateKeyPair,
  parseVerifierRegistry,
  signerFromJwk,
  signJwt,
  TrustList,
  VerifierRegistry,
} from '@sanad/core';
import { CertificateAuthority, certificateHash, createCertificate } from '@sanad/core/x509';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore, createVerifierService } from '@sanad/server';
import { createVerifier } from '@sanad/verifier';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch as fetch,
  newWallet,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

const opts = { fetch };
const services: Partial<Record<'x509_san_dns' | 'x509_hash', Services>> = {};
beforeAll(async () => {
  for (const prefix of ['x509_san_dns', 'x509_hash'] as const)
    services[prefix] = await startServices(
      {
        issuer: createMemoryIssuerStore(),
        service: createMemoryServiceStore(),
        dump: async () => '',
      },
      { verifierX509: prefix },
    );
});
afterAll(() => Promise.all(Object.values(services).map((s) => s.close())));

/** A spec client's callbacks: the chain checked by OpenSSL against the verifier's root, nothing of Sanad's. */
function specClient(anchor: string): CallbackContext {
  const root = new X509Certificate(Buffer.from(anchor, 'base64'));
  return {
    fetch: globalThis.fetch,
    hash: async (data, alg) =>
      new Uint8Array(
        await crypto.subtle.digest(
          alg === HashAlgorithm.Sha256 ? 'SHA-256' : 'SHA-512',
          data as BufferSource,
        ),
      ),
    generateRandom: (n) => crypto.getRandomValues(new Uint8Array(n)),
    signJwt: () => {
      throw new Error('not needed');
    },
    verifyJwt: async (signer, { compact }) => {
      if (signer.method !== 'x5c') return { verified: false };
      const leaf = new X509Certificate(Buffer.from(signer.x5c[0]!, 'base64'));
      if (!leaf.checkIssued(root) || !leaf.verify(root.publicKey)) return { verified: false };
      const jwk = leaf.publicKey.export({ format: 'jwk' }) as Jwk;
      try {
        await compactVerify(compact, await importJWK(jwk as never, 'ES256'));
        return { verified: true, signerJwk: jwk };
      } catch {
        return { verified: false };
      }
    },
    getX509CertificateMetadata: (certificate) => {
      const names = (new X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '')
        .split(', ')
        .filter(Boolean);
      return {
        sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
        sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
      };
    },
    encryptJwe: () => {
      throw new Error('not needed');
    },
    decryptJwe: () => ({ decrypted: false }),
    clientAuthentication: () => undefined,
  };
}

async function holder(s: Services) {
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const wallet = await newWallet();
  await wallet.receive(String(json.offer_link), {
    ...opts,
    txCode: async () => String(json.tx_code),
  });
  return wallet;
}

describe('a HAIP verifier: x509 client identifiers and x5c-signed request objects', () => {
  it.each(['x509_san_dns', 'x509_hash'] as const)(
    "%s: a spec client validates chain, name and signature; Sanad's wallet answers and the claim arrives",
    async (prefix) => {
      const s = services[prefix]!;
      const session = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
      const uri = String(session.json.authorization_request);
      const client = new Openid4vpClient({ callbacks: specClient(s.verifierAnchor!) });
      const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: uri });
      const resolved = await client.resolveOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: parsed.params as never,
      });
      expect(resolved.client.prefix).toBe(prefix);
      const requestObject = await (
        await fetch(`${s.verifierUrl}/requests/${String(session.json.session_id)}`)
      ).text();
      const { header } = decodeJwt(requestObject);
      const leaf = (header.x5c as string[])[0]!;
      expect(header).toMatchObject({ typ: 'oauth-authz-req+jwt', alg: 'ES256' });
      expect(resolved.client.identifier).toBe(
        prefix === 'x509_hash' ? certificateHash(leaf) : new URL(s.verifierUrl).hostname,
      );

      const wallet = await holder(s);
      const opened = await wallet.openRequest(uri, opts);
      const clientId = `${prefix}:${resolved.client.identifier}`;
      expect(opened.request.client_id).toBe(clientId);
      // A registry lists the certified verifier by that client id: the holder sees who asks.
      const registry = new VerifierRegistry(
        parseVerifierRegistry({
          type: 'sanad-verifier-registry',
          version: 1,
          verifiers: [
            {
              client_ids: [clientId],
              names: { en: 'Al Noor Clinic' },
              purposes: [{ en: 'health partners' }],
              credentials: [
                {
                  credential_type: 'https://sanad.example/credentials/refugee-status',
                  claims: [['age_over_18']],
                },
              ],
            },
          ],
        }),
      );
      const proposal = wallet.propose(opened.request, { registry });
      expect(proposal.verifier.registration).toMatchObject({
        status: 'registered',
        name: 'Al Noor Clinic',
      });
      expect(
        await wallet.respond(opened, wallet.decide(proposal, { approve: true }), opts),
      ).toEqual({ shared: true });
      const { json } = await operator(
        s.verifierUrl,
        'GET',
        `/sessions/${String(session.json.session_id)}`,
      );
      expect(json).toMatchObject({
        status: 'answered',
        result: { verified: true, claims: { age_over_18: true } },
      });
    },
  );

  it('is refused by the wallet when the certificate does not name the client id, or the chain does not hold', async () => {
    const s = services.x509_san_dns!;
    const session = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const id = String(session.json.session_id);
    const original = await (await fetch(`${s.verifierUrl}/requests/${id}`)).text();
    const { header, payload } = decodeJwt(original);
    const wallet = await newWallet();

    // A forger's own certificate for another name, signing the same request: the name check fails.
    const ca = await CertificateAuthority.create({
      subject: { commonName: 'Forger root' },
      days: 5,
    });
    const key = await generateKeyPair();
    const forged = await ca.issue({
      subject: { commonName: 'Forger' },
      publicJwk: key.publicJwk,
      days: 5,
      dnsNames: ['evil.example'],
    });
    const signer = await signerFromJwk(key.privateJwk);
    const served = new Map<string, string>();
    const routed: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const body = served.get(url);
      return body !== undefined
        ? new Response(body, { headers: { 'content-type': 'application/oauth-authz-req+jwt' } })
        : fetch(input, init);
    };
    const link = (requestUri: string, clientId: string) =>
      `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri)}`;
    const cases: Array<[string, string]> = [];
    served.set(
      `${s.verifierUrl}/forged-name`,
      await signJwt(signer, { ...header, x5c: [forged] }, payload),
    );
    cases.push(['forged-name', String(payload.client_id)]);
    // The real leaf with a signature of another key: the signature check fails.
    served.set(`${s.verifierUrl}/wrong-key`, await signJwt(signer, header, payload));
    cases.push(['wrong-key', String(payload.client_id)]);
    // A self-signed leaf naming the host: the chain check fails (HAIP: never self-signed).
    const self = await createSelfSigned(key, new URL(s.verifierUrl).hostname);
    served.set(
      `${s.verifierUrl}/self-signed`,
      await signJwt(signer, { ...header, x5c: [self] }, payload),
    );
    cases.push(['self-signed', String(payload.client_id)]);
    // The control: the genuine request object, served the same way, opens.
    served.set(`${s.verifierUrl}/genuine`, original);
    await expect(
      wallet.openRequest(link(`${s.verifierUrl}/genuine`, String(payload.client_id)), {
        fetch: routed,
      }),
    ).resolves.toMatchObject({ request: { client_id: payload.client_id } });
    for (const [path, clientId] of cases) {
      await expect(
        wallet.openRequest(link(`${s.verifierUrl}/${path}`, clientId), { fetch: routed }),
        path,
      ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    }
  });

  it('refuses to start with a certificate that does not fit: another key, or a leaf not naming its host', async () => {
    const s = services.x509_san_dns!;
    const ca = await CertificateAuthority.create({ subject: { commonName: 'Root' }, days: 5 });
    const key = await generateKeyPair();
    const certify = (dns: string, publicJwk = key.publicJwk) =>
      ca.issue({ subject: { commonName: 'Desk' }, publicJwk, days: 5, dnsNames: [dns] });
    const start = async (x5c: string[]) =>
      createVerifierService({
        verifier: createVerifier({
          trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] }),
        }),
        store: createMemoryServiceStore(),
        baseUrl: 'https://desk.example',
        signer: await signerFromJwk(key.privateJwk),
        x5c,
        verifierName: 'Desk',
        presets: [],
        operatorToken: 'operator-token-for-tests-0123456789',
      });
    await expect(start([await certify('other.example')])).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
    });
    await expect(
      start([await certify('desk.example', (await generateKeyPair()).publicJwk)]),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(start([await certify('desk.example')])).resolves.toMatchObject({
      clientId: 'x509_san_dns:desk.example',
    });
    expect(s.verifierAnchor).toBeDefined();
  });
});

/** A self-signed certificate for `key` naming `dns`, as a careless or hostile verifier would send. */
async function createSelfSigned(key: Awaited<ReturnType<typeof generateKeyPair>>, dns: string) {
  const now = Math.floor(Date.now() / 1000);
  return createCertificate(
    {
      subject: { commonName: 'Self' },
      subjectPublicJwk: key.publicJwk,
      notBefore: now - 60,
      notAfter: now + 86_400,
      dnsNames: [dns],
    },
    await signerFromJwk(key.privateJwk),
  );
}
