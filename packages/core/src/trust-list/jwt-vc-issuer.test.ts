import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../keys.js';
import { jwtVcIssuerUrl } from './jwt-vc-issuer.js';
import { TrustList } from './trust-list.js';

const key = await generateKeyPair('ES256');
let base: string;
/** What the loopback issuer answers at its metadata path, per test. */
let served: Record<string, unknown> = {};
let hits = 0;
const server = createServer((req, res) => {
  if (req.url === '/keys.json')
    return void res.end(JSON.stringify({ keys: [{ ...key.publicJwk, kid: 'via-uri' }] }));
  if (req.url !== '/.well-known/jwt-vc-issuer/tenant/1') return void res.writeHead(404).end();
  hits += 1;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(served));
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/1`;
});
afterAll(() => server.close());

const trustList = (): TrustList =>
  new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: [{ id: base, credential_types: ['x'] }],
  });
const insecure = { web: { allowInsecure: true } };

describe('JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc)', () => {
  it('inserts the well-known between host and path, dropping a terminating /', () => {
    expect(jwtVcIssuerUrl('https://example.com')).toBe(
      'https://example.com/.well-known/jwt-vc-issuer',
    );
    expect(jwtVcIssuerUrl('https://example.com/tenant/1234/')).toBe(
      'https://example.com/.well-known/jwt-vc-issuer/tenant/1234',
    );
    for (const bad of ['http://example.com', 'https://example.com/?q=1', 'https://e.com/#f'])
      expect(() => jwtVcIssuerUrl(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_ISSUER_METADATA_INVALID' }),
      );
  });

  it('gives the key the kid names, and caches the metadata', async () => {
    served = { issuer: base, jwks: { keys: [{ ...key.publicJwk, kid: 'k1' }] } };
    const list = trustList();
    hits = 0;
    expect(await list.issuerKey(base, 'k1', insecure)).toMatchObject({ x: key.publicJwk.x });
    expect(await list.issuerKey(base, 'k1', insecure)).toMatchObject({ x: key.publicJwk.x });
    expect(hits).toBe(1);
  });

  it('follows jwks_uri', async () => {
    served = { issuer: base, jwks_uri: `${base.replace('/tenant/1', '')}/keys.json` };
    expect(await trustList().issuerKey(base, 'via-uri', insecure)).toMatchObject({
      x: key.publicJwk.x,
    });
  });

  it('uses nothing from metadata whose issuer is not identical to iss', async () => {
    served = { issuer: `${base}/`, jwks: { keys: [{ ...key.publicJwk, kid: 'k1' }] } };
    await expect(trustList().issuerKey(base, 'k1', insecure)).rejects.toMatchObject({
      code: 'ERR_ISSUER_METADATA_MISMATCH',
    });
  });

  it('refuses an unknown kid, both jwks and jwks_uri, and private keys', async () => {
    served = { issuer: base, jwks: { keys: [{ ...key.publicJwk, kid: 'k1' }] } };
    await expect(trustList().issuerKey(base, 'k2', insecure)).rejects.toMatchObject({
      code: 'ERR_ISSUER_KEY_NOT_FOUND',
    });
    served = { issuer: base, jwks: { keys: [] }, jwks_uri: `${base}/keys.json` };
    await expect(trustList().issuerKey(base, 'k1', insecure)).rejects.toMatchObject({
      code: 'ERR_ISSUER_METADATA_INVALID',
    });
    served = { issuer: base, jwks: { keys: [{ ...key.privateJwk, kid: 'k1' }] } };
    await expect(trustList().issuerKey(base, 'k1', insecure)).rejects.toMatchObject({
      code: 'ERR_ISSUER_METADATA_INVALID',
    });
  });

  it('fetches nothing for pinned keys, and refuses loopback without the insecure option', async () => {
    hits = 0;
    const pinned = new TrustList({
      type: 'sanad-trust-list',
      version: 1,
      issuers: [
        { id: base, credential_types: ['x'], jwks: { keys: [{ ...key.publicJwk, kid: 'p' }] } },
      ],
    });
    expect(await pinned.issuerKey(base, 'p')).toMatchObject({ kid: 'p' });
    expect(hits).toBe(0);
    await expect(trustList().issuerKey(base, 'k1')).rejects.toMatchObject({
      code: 'ERR_ISSUER_METADATA_INVALID',
    });
  });
});
