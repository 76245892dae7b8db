/**
 * `sanad pki` and the trust list's anchors from the CLI: a root CA (key owner-only), an issuer
 * folder's certificate and a verifier's, each refused when it would overwrite, a leaf refused as
 * an anchor, and an anchor removed again. docs/x509.md runs the whole journey.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrustList } from '@sanad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runSanad } from './support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-pki-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => join(work, name);
const codeOf = (run: { stderr: string; stdout: string }) =>
  (JSON.parse(run.stdout || run.stderr) as { error: { code: string } }).error.code;

describe('sanad pki', () => {
  it('makes a root, certifies an issuer folder and a verifier key, and never overwrites one unasked', async () => {
    const init = await runSanad([
      'pki',
      'init',
      '--dir',
      at('pki'),
      '--name',
      'Test root',
      '--country',
      'JO',
      '--json',
    ]);
    expect(init.code).toBe(0);
    expect(statSync(at('pki/root-key.jwk.json')).mode & 0o777).toBe(0o600);
    const root = new X509Certificate(readFileSync(at('pki/root.pem')));
    expect(root.ca).toBe(true);
    expect(root.subject).toContain('CN=Test root');
    const again = await runSanad(['pki', 'init', '--dir', at('pki'), '--json']);
    expect([again.code, codeOf(again)]).toEqual([2, 'ERR_FILE_EXISTS']);

    expect(
      (
        await runSanad([
          'issuer',
          'init',
          '--dir',
          at('agency'),
          '--status-base-url',
          'https://status.example/a',
          '--json',
        ])
      ).code,
    ).toBe(0);
    const issuer = [
      'pki',
      'issuer',
      '--ca',
      at('pki'),
      '--issuer-dir',
      at('agency'),
      '--uri',
      'https://issuer.example',
      '--json',
    ];
    expect((await runSanad(issuer)).code).toBe(0);
    const leaf = new X509Certificate(readFileSync(at('agency/certificate-chain.pem')));
    expect(leaf.subjectAltName).toBe('URI:https://issuer.example');
    expect(leaf.checkIssued(root) && leaf.verify(root.publicKey)).toBe(true);
    const twice = await runSanad(issuer);
    expect([twice.code, codeOf(twice)]).toEqual([2, 'ERR_OUTPUT_EXISTS']);
    expect((await runSanad([...issuer, '--renew'])).code).toBe(0);
    const http = await runSanad([
      'pki',
      'issuer',
      '--ca',
      at('pki'),
      '--issuer-dir',
      at('agency'),
      '--uri',
      'http://issuer.example',
      '--renew',
      '--json',
    ]);
    expect([http.code, codeOf(http)]).toEqual([2, 'ERR_INVALID_INPUT']);

    const verifier = await runSanad([
      'pki',
      'verifier',
      '--ca',
      at('pki'),
      '--key',
      at('desk-key.json'),
      '--dns',
      'desk.clinic.example',
      '--out',
      at('desk.pem'),
      '--json',
    ]);
    expect(verifier.code).toBe(0);
    expect(JSON.parse(verifier.stdout)).toMatchObject({
      client_id: 'x509_san_dns:desk.clinic.example',
    });
    expect(new X509Certificate(readFileSync(at('desk.pem'))).subjectAltName).toBe(
      'DNS:desk.clinic.example',
    );
    expect(statSync(at('desk-key.json')).mode & 0o777).toBe(0o600);
    const badHost = await runSanad([
      'pki',
      'verifier',
      '--ca',
      at('pki'),
      '--dns',
      'Desk Clinic',
      '--out',
      at('x.pem'),
      '--json',
    ]);
    expect([badHost.code, codeOf(badHost)]).toEqual([2, 'ERR_INVALID_INPUT']);
    const noCa = await runSanad([
      'pki',
      'issuer',
      '--ca',
      at('nowhere'),
      '--issuer-dir',
      at('agency'),
      '--uri',
      'https://issuer.example',
      '--renew',
      '--json',
    ]);
    expect([noCa.code, codeOf(noCa)]).toEqual([2, 'ERR_FILE_NOT_FOUND']);
  });

  it('adds a CA as a trust anchor, refuses a leaf, and removes the anchor', async () => {
    const trust = at('trust.json');
    const add = await runSanad([
      'trust-list',
      'add-anchor',
      '--file',
      trust,
      '--certificate',
      at('pki/root.pem'),
      '--type',
      'https://sanad.example/credentials/refugee-status',
      '--name',
      'Test PKI',
      '--json',
    ]);
    expect(add.code).toBe(0);
    const doc = parseTrustList(JSON.parse(readFileSync(trust, 'utf8')));
    expect(doc.trust_anchors).toEqual([
      expect.objectContaining({
        name: 'Test PKI',
        credential_types: ['https://sanad.example/credentials/refugee-status'],
      }),
    ]);
    const leaf = await runSanad([
      'trust-list',
      'add-anchor',
      '--file',
      trust,
      '--certificate',
      at('desk.pem'),
      '--type',
      'x',
      '--json',
    ]);
    expect([leaf.code, codeOf(leaf)]).toEqual([1, 'ERR_X509_CERTIFICATE_INVALID']);
    const remove = await runSanad([
      'trust-list',
      'remove-anchor',
      '--file',
      trust,
      '--certificate',
      at('pki/root.pem'),
      '--json',
    ]);
    expect([remove.code, JSON.parse(remove.stdout).trust_anchors]).toEqual([0, 0]);
    const gone = await runSanad([
      'trust-list',
      'remove-anchor',
      '--file',
      trust,
      '--certificate',
      at('pki/root.pem'),
      '--json',
    ]);
    expect([gone.code, codeOf(gone)]).toEqual([2, 'ERR_INVALID_INPUT']);
  });
});
