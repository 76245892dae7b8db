import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifiableCredentialJwt, verifyCredential } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../encoding.js';
import { generateKeyPair, signerFromJwk } from '../keys.js';
import { didWebUrl, resolveDidWeb } from './did-web.js';
import { toDidResolverRegistry } from './resolve.js';

const keys = await generateKeyPair('EdDSA');
let did: string;
let servedId: string | undefined;
const server = createServer((req, res) => {
  if (req.url !== '/.well-known/did.json') return void res.writeHead(404).end();
  res.setHeader('content-type', 'application/did+json');
  res.end(
    JSON.stringify({
      id: servedId ?? did,
      verificationMethod: [
        {
          id: `${did}#key-1`,
          type: 'JsonWebKey2020',
          controller: did,
          publicKeyJwk: keys.publicJwk,
        },
      ],
      assertionMethod: [`${did}#key-1`],
    }),
  );
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  did = `did:web:127.0.0.1%3A${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('did:web', () => {
  it('maps DIDs to URLs as the method specification says', () => {
    expect(didWebUrl('did:web:example.com')).toBe('https://example.com/.well-known/did.json');
    expect(didWebUrl('did:web:example.com:user:alice')).toBe(
      'https://example.com/user/alice/did.json',
    );
    expect(didWebUrl('did:web:example.com%3A8443')).toBe(
      'https://example.com:8443/.well-known/did.json',
    );
    expect(() => didWebUrl('did:web:')).toThrow(
      expect.objectContaining({ code: 'ERR_DID_INVALID' }),
    );
    expect(() => didWebUrl('did:web:evil.com%2F@127.0.0.1')).toThrow(
      expect.objectContaining({ code: 'ERR_DID_INVALID' }),
    );
  });

  it('refuses a loopback did:web by default and resolves it only when allowed', async () => {
    await expect(resolveDidWeb(did)).rejects.toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    expect((await resolveDidWeb(did, { allowInsecure: true })).id).toBe(did);
  });

  it('refuses a document whose id is another DID', async () => {
    servedId = 'did:web:attacker.example';
    await expect(resolveDidWeb(did, { allowInsecure: true })).rejects.toMatchObject({
      code: 'ERR_DID_RESOLUTION_FAILED',
    });
    servedId = undefined;
  });

  it('verifies a VC-JWT from a did:web issuer through did-jwt-vc', async () => {
    const signer = await signerFromJwk(keys.privateJwk);
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: 'did:example:holder',
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential'],
          credentialSubject: { ok: true },
        },
      },
      {
        did,
        alg: 'EdDSA',
        signer: async (data) =>
          toBase64url(
            await signer.sign(typeof data === 'string' ? new TextEncoder().encode(data) : data),
          ),
      },
      { header: { kid: `${did}#key-1` } } as never,
    );
    const verified = await verifyCredential(
      jwt,
      new Resolver(toDidResolverRegistry({ web: { allowInsecure: true } })),
    );
    expect(verified.issuer).toBe(did);
    await expect(verifyCredential(jwt, new Resolver(toDidResolverRegistry()))).rejects.toThrow();
  });
});
