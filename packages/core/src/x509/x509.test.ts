import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair, type SignatureAlgorithm, signerFromJwk } from '../keys.js';
import {
  certificateBase64,
  certificateHash,
  certifiesKey,
  createCertificate,
  type CreateCertificateOptions,
  parseCertificate,
  toPem,
} from './certificate.js';
import { namesIssuer, verifyCertificateChain } from './chain.js';

const NOW = 1_800_000_000;
const YEAR = 365 * 86_400;
const ISSUER = 'https://agency.example/issuer';

async function certify(
  key: KeyPair,
  options: Partial<CreateCertificateOptions> & { commonName: string },
  by?: { key: KeyPair; certificate: string },
): Promise<string> {
  return createCertificate(
    {
      subject: { commonName: options.commonName, organization: 'Test agency', country: 'JO' },
      subjectPublicJwk: key.publicJwk,
      notBefore: NOW - 86_400,
      notAfter: NOW + YEAR,
      ...options,
      ...(by ? { issuerCertificate: by.certificate } : {}),
    },
    await signerFromJwk((by?.key ?? key).privateJwk),
  );
}

async function pki(alg: SignatureAlgorithm = 'ES256') {
  const rootKey = await generateKeyPair(alg);
  const root = await certify(rootKey, { commonName: 'Test root', ca: {} });
  const caKey = await generateKeyPair(alg);
  const ca = await certify(
    caKey,
    { commonName: 'Issuing CA', ca: { pathLength: 0 } },
    {
      key: rootKey,
      certificate: root,
    },
  );
  const leafKey = await generateKeyPair(alg);
  const leaf = await certify(
    leafKey,
    { commonName: 'Issuer', uris: [ISSUER] },
    {
      key: caKey,
      certificate: ca,
    },
  );
  return { rootKey, root, caKey, ca, leafKey, leaf };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  );

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

describe('X.509 certificates', () => {
  it.each(['ES256', 'EdDSA'] as const)(
    'makes %s chains that OpenSSL (node:crypto) reads and verifies',
    async (alg) => {
      const { root, ca, leaf, leafKey } = await pki(alg);
      const [r, c, l] = [root, ca, leaf].map((b) => new X509Certificate(Buffer.from(b, 'base64')));
      expect(r!.ca && c!.ca && !l!.ca).toBe(true);
      expect(r!.verify(r!.publicKey) && c!.verify(r!.publicKey) && l!.verify(c!.publicKey)).toBe(
        true,
      );
      expect(l!.verify(r!.publicKey)).toBe(false);
      expect(l!.checkIssued(c!) && c!.checkIssued(r!)).toBe(true);
      expect(l!.subjectAltName).toBe(`URI:${ISSUER}`);
      expect(l!.subject).toContain('CN=Issuer');
      expect(l!.publicKey.export({ format: 'jwk' })).toMatchObject({ x: leafKey.publicJwk.x });
    },
  );

  it('reads its own certificates: names, key, constraints, hash', async () => {
    const { ca, leaf, leafKey } = await pki();
    const parsed = parseCertificate(leaf);
    expect(parsed).toMatchObject({
      subjectName: 'Test agency, Issuer',
      uris: [ISSUER],
      dnsNames: [],
      isCa: false,
      publicJwk: { kty: 'EC', crv: 'P-256', x: leafKey.publicJwk.x, y: leafKey.publicJwk.y },
    });
    expect(parseCertificate(ca)).toMatchObject({ isCa: true, pathLength: 0 });
    expect(certificateHash(leaf)).toBe(
      Buffer.from(
        new Uint8Array(await crypto.subtle.digest('SHA-256', Buffer.from(leaf, 'base64'))),
      ).toString('base64url'),
    );
    expect(certificateBase64(toPem(leaf))).toBe(leaf);
    expect(certifiesKey(parsed, leafKey.publicJwk)).toBe(true);
    expect(certifiesKey(parsed, (await generateKeyPair()).publicJwk)).toBe(false);
    expect(certifiesKey(parsed, (await generateKeyPair('EdDSA')).publicJwk)).toBe(false);
  });

  it.skipIf(!hasOpenssl)('validates a chain the openssl command line made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-x509-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'root.key');
    run(
      'req',
      '-x509',
      '-new',
      '-key',
      'root.key',
      '-subj',
      '/CN=OpenSSL root',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-out',
      'root.pem',
    );
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
    run('req', '-new', '-key', 'leaf.key', '-subj', '/CN=OpenSSL issuer', '-out', 'leaf.csr');
    writeFileSync(
      join(dir, 'ext.cnf'),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=URI:${ISSUER},DNS:Agency.Example\n`,
    );
    run(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-days',
      '10',
      '-extfile',
      'ext.cnf',
      '-out',
      'leaf.pem',
    );
    const pem = (name: string) => certificateBase64(readFileSync(join(dir, name), 'utf8'));
    const now = Date.now() / 1000;
    const { leaf } = await verifyCertificateChain([pem('leaf.pem')], [pem('root.pem')], now);
    expect(namesIssuer(leaf, ISSUER)).toBe(true);
    expect(namesIssuer(leaf, 'dns:agency.example')).toBe(true);
    expect(namesIssuer(leaf, 'https://agency.example')).toBe(false);
    const other = await pki();
    expect(await codeOf(verifyCertificateChain([pem('leaf.pem')], [other.root], now))).toBe(
      'ERR_X509_UNTRUSTED',
    );
  });
});

describe('certificate chains', () => {
  it('accepts leaf -> CA -> anchor, with or without the anchor in x5c', async () => {
    const { root, ca, leaf } = await pki();
    const other = await pki();
    const result = await verifyCertificateChain([leaf, ca], [other.root, root], NOW);
    expect(result.anchors).toEqual([1]);
    expect(result.leaf.uris).toEqual([ISSUER]);
    await expect(verifyCertificateChain([leaf, ca, root], [root], NOW)).resolves.toBeDefined();
  });

  it('refuses each broken chain with its code', async () => {
    const { root, rootKey, ca, caKey, leaf } = await pki();
    const other = await pki();
    const refusals: Array<[string, Promise<unknown>]> = [
      ['another root', verifyCertificateChain([leaf, ca], [other.root], NOW)],
      ['no intermediate', verifyCertificateChain([leaf], [root], NOW)],
      ['after the leaf expired', verifyCertificateChain([leaf, ca], [root], NOW + 2 * YEAR)],
      ['before it is valid', verifyCertificateChain([leaf, ca], [root], NOW - 2 * 86_400)],
      ['a leaf of another CA', verifyCertificateChain([other.leaf, ca], [root], NOW)],
      ['not an array', verifyCertificateChain(leaf, [root], NOW)],
      ['empty', verifyCertificateChain([], [root], NOW)],
      ['not base64', verifyCertificateChain(['not a certificate!'], [root], NOW)],
      [
        'not DER',
        verifyCertificateChain([Buffer.from('hello there').toString('base64')], [root], NOW),
      ],
    ];
    const codes = Object.fromEntries(
      await Promise.all(refusals.map(async ([name, p]) => [name, await codeOf(p)])),
    );
    expect(codes).toEqual({
      'another root': 'ERR_X509_UNTRUSTED',
      'no intermediate': 'ERR_X509_UNTRUSTED',
      'after the leaf expired': 'ERR_X509_CERTIFICATE_EXPIRED',
      'before it is valid': 'ERR_X509_CERTIFICATE_EXPIRED',
      'a leaf of another CA': 'ERR_X509_CHAIN_INVALID',
      'not an array': 'ERR_X509_CERTIFICATE_INVALID',
      empty: 'ERR_X509_CERTIFICATE_INVALID',
      'not base64': 'ERR_X509_CERTIFICATE_INVALID',
      'not DER': 'ERR_X509_CERTIFICATE_INVALID',
    });

    // A leaf used as a CA, a CA past its path length, a self-signed leaf, a forged signature.
    const leafKey = await generateKeyPair();
    const notCa = await certify(
      leafKey,
      { commonName: 'Leaf as CA' },
      { key: caKey, certificate: ca },
    );
    const under = await certify(
      await generateKeyPair(),
      { commonName: 'Below', uris: [ISSUER] },
      {
        key: leafKey,
        certificate: notCa,
      },
    );
    expect(await codeOf(verifyCertificateChain([under, notCa, ca], [root], NOW))).toBe(
      'ERR_X509_CHAIN_INVALID',
    );
    const subKey = await generateKeyPair();
    const sub = await certify(
      subKey,
      { commonName: 'Sub CA', ca: {} },
      { key: caKey, certificate: ca },
    );
    const deep = await certify(
      await generateKeyPair(),
      { commonName: 'Deep', uris: [ISSUER] },
      {
        key: subKey,
        certificate: sub,
      },
    );
    expect(await codeOf(verifyCertificateChain([deep, sub, ca], [root], NOW))).toBe(
      'ERR_X509_CHAIN_INVALID',
    );
    const selfSigned = await certify(leafKey, { commonName: 'Self', uris: [ISSUER] });
    expect(await codeOf(verifyCertificateChain([selfSigned], [selfSigned], NOW))).toBe(
      'ERR_X509_CHAIN_INVALID',
    );
    const forged = Buffer.from(leaf, 'base64');
    forged[forged.length - 5]! ^= 1;
    expect(await codeOf(verifyCertificateChain([forged.toString('base64'), ca], [root], NOW))).toBe(
      'ERR_X509_CHAIN_INVALID',
    );
    // The root signing a leaf directly is a valid chain of one.
    const direct = await certify(
      leafKey,
      { commonName: 'Direct', uris: [ISSUER] },
      {
        key: rootKey,
        certificate: root,
      },
    );
    await expect(verifyCertificateChain([direct], [root], NOW)).resolves.toBeDefined();
  });

  it('names an issuer by URI exactly and a dns: issuer by DNS name', async () => {
    const key = await generateKeyPair();
    const root = await certify(key, { commonName: 'Root', ca: {} });
    const leaf = parseCertificate(
      await certify(
        await generateKeyPair(),
        { commonName: 'Desk', uris: [ISSUER], dnsNames: ['desk.example'] },
        {
          key,
          certificate: root,
        },
      ),
    );
    expect(namesIssuer(leaf, ISSUER)).toBe(true);
    expect(namesIssuer(leaf, `${ISSUER}/`)).toBe(false);
    expect(namesIssuer(leaf, 'dns:desk.example')).toBe(true);
    expect(namesIssuer(leaf, 'dns:other.example')).toBe(false);
  });
});
