/**
 * Hostile `SANADR1:` codes (a verifier desk's offline request) against the wallet library and
 * `sanad wallet respond` (run in-process), with no network: each is refused with its error code
 * before anything is shown to the holder. The compact form is only a packing of a signed request
 * object, so every change to what it carries must fail the signature check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import {
  encodeOfflineRequest,
  generateKeyPair,
  type OfflineRequestFields,
  OFFLINE_REQUEST_PREFIX,
  type SanadErrorCode,
  type Signer,
  signerFromJwk,
  toBase45,
} from '@sanad/core';
import { createWallet, MIN_KDF, resolvePresentationRequest } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSanad } from '../support/sanad-cli.js';

const PASS = 'the holder passphrase';
const work = mkdtempSync(join(tmpdir(), 'sanad-offline-requests-'));
const walletFile = join(work, 'wallet.json');
const now = (): number => Math.floor(Date.now() / 1000);

/** The holder's phone has no network: any fetch fails the case. */
const noNetwork = (async () => {
  throw new Error('The wallet tried to use the network.');
}) as typeof fetch;

const fields = (): OfflineRequestFields => ({
  iat: now(),
  exp: now() + 300,
  responseUri: 'https://clinic.example/responses/session-1',
  nonce: 'offline-nonce-0123456789',
  clientName: 'Al Noor Clinic',
  purpose: { en: 'Confirm that you are an adult' },
  dcqlQuery: {
    credentials: [
      {
        id: 'refugee-status',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://sanad.example/credentials/refugee-status'] },
        claims: [{ id: 'claim-1', path: ['age_over_18'] }],
      },
    ],
  },
});

/** Claims `publicJwk` but hands out `signature` whatever it is asked to sign: how a forger repacks a code. */
const replaying = (signer: Signer, signature: Uint8Array): Signer => ({
  alg: signer.alg,
  publicJwk: signer.publicJwk,
  sign: async () => signature,
});
const signatureOf = async (signer: Signer, f: OfflineRequestFields): Promise<Uint8Array> => {
  const { requestObject } = await encodeOfflineRequest(signer, f);
  return Uint8Array.from(Buffer.from(requestObject.split('.')[2]!, 'base64url'));
};
const packed = (bytes: Uint8Array): string =>
  OFFLINE_REQUEST_PREFIX + toBase45(deflateRawSync(bytes));

interface Env {
  desk: Signer;
  other: Signer;
  valid: string;
}
interface OfflineRequestCase {
  id: string;
  source: string;
  build: (env: Env) => Promise<string>;
  expected: SanadErrorCode;
}

const cases: OfflineRequestCase[] = [
  {
    id: 'nonce-changed-after-signing',
    source: 'RFC 9101 section 6.2 (the request object signature covers every parameter)',
    build: async ({ desk }) =>
      (
        await encodeOfflineRequest(replaying(desk, await signatureOf(desk, fields())), {
          ...fields(),
          nonce: 'attacker-nonce-000000000',
        })
      ).code,
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'dcql-query-widened-after-signing',
    source:
      'OpenID4VP 1.0 section 5.1 and RFC 9101 section 6.2 (an unsigned DCQL query would ask for more)',
    build: async ({ desk }) => {
      const widened = fields();
      widened.dcqlQuery.credentials[0]!.claims = [
        { id: 'claim-1', path: ['age_over_18'] },
        { id: 'claim-2', path: ['given_name'] },
      ];
      return (
        await encodeOfflineRequest(replaying(desk, await signatureOf(desk, fields())), widened)
      ).code;
    },
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'purpose-and-name-changed-after-signing',
    source: 'RFC 9101 section 6.2; Sanad threat model (the consent screen shows only signed text)',
    build: async ({ desk }) =>
      (
        await encodeOfflineRequest(replaying(desk, await signatureOf(desk, fields())), {
          ...fields(),
          clientName: 'Ministry of Interior',
          purpose: { en: 'Routine check' },
        })
      ).code,
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'signed-by-another-key-than-the-one-it-names',
    source:
      'OpenID4VP 1.0 section 5.9.3 (decentralized_identifier: the request is signed by a key of that DID)',
    build: async ({ desk, other }) =>
      (await encodeOfflineRequest(replaying(desk, await signatureOf(other, fields())), fields()))
        .code,
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'expired-request',
    source: 'RFC 9101 section 10.1; RFC 7519 section 4.1.4 (exp)',
    build: async ({ desk }) =>
      (await encodeOfflineRequest(desk, { ...fields(), iat: now() - 3600, exp: now() - 1800 }))
        .code,
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'one-character-changed',
    source:
      'RFC 9285 section 4 (Base45) and RFC 1951 (a damaged stream is refused, never half-read)',
    build: async ({ valid }) => {
      const at = valid.length - 20;
      return valid.slice(0, at) + (valid[at] === 'A' ? 'B' : 'A') + valid.slice(at + 1);
    },
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'truncated',
    source: 'RFC 1951 section 3.2.3 (a stream without its final block)',
    build: async ({ valid }) => valid.slice(0, valid.length - 90),
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'decompression-bomb',
    source: 'CWE-409 (a megabyte of zeros in a few hundred bytes of QR code)',
    build: async () => packed(new Uint8Array(1024 * 1024)),
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'point-not-on-the-curve',
    source: 'SEC 1 v2 section 2.3.4 (an encoded point is checked before use)',
    build: async () =>
      packed(
        Uint8Array.of(
          1,
          2,
          ...new Uint8Array(32).fill(0xff),
          ...new Uint8Array(64),
          ...Buffer.from('[]'),
        ),
      ),
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'unknown-key-type',
    source:
      'Sanad offline request format (docs/architecture.md): key types 1 (P-256) and 2 (Ed25519) only',
    build: async () => packed(Uint8Array.of(9, ...new Uint8Array(200))),
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'fields-not-the-expected-list',
    source: 'Sanad offline request format (docs/architecture.md): seven fields, each of its type',
    build: async () =>
      packed(
        Uint8Array.of(
          2,
          ...new Uint8Array(32),
          ...new Uint8Array(64),
          ...Buffer.from(
            JSON.stringify([1, 2, 3, { nonce: 1 }, 5, { en: 7 }, { credentials: 'all' }]),
          ),
        ),
      ),
    expected: 'ERR_REQUEST_INVALID',
  },
  {
    id: 'not-base45',
    source: 'RFC 9285 section 4.3 (characters outside the alphabet)',
    build: async () => `${OFFLINE_REQUEST_PREFIX}abc{}`,
    expected: 'ERR_REQUEST_INVALID',
  },
];

let env: Env;
const built = new Map<string, string>();

beforeAll(async () => {
  const desk = await signerFromJwk((await generateKeyPair()).privateJwk);
  const other = await signerFromJwk((await generateKeyPair()).privateJwk);
  env = { desk, other, valid: (await encodeOfflineRequest(desk, fields())).code };
  for (const c of cases) built.set(c.id, await c.build(env));
  const wallet = await createWallet(await openFileStorage(walletFile), PASS, {
    kdf: nodeScrypt,
    kdfParams: MIN_KDF,
  });
  await wallet.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sanadRespond = (code: string) =>
  runSanad(['wallet', 'respond', code, '--wallet', walletFile, '--json'], {
    SANAD_WALLET_PASSPHRASE: PASS,
  });

describe('adversarial offline requests (SANADR1:)', () => {
  it('the unmodified code opens in both, with no network (the corpus starts from a valid input)', async () => {
    const opened = await resolvePresentationRequest(env.valid, { fetch: noNetwork });
    expect(opened.request).toMatchObject({
      nonce: 'offline-nonce-0123456789',
      verifier_name: 'Al Noor Clinic',
    });
    expect(opened.clientIdPrefix).toBe('decentralized_identifier');
  });

  for (const c of cases) {
    it(`${c.id} -> ${c.expected}  [${c.source}]`, async () => {
      const code = built.get(c.id)!;
      await expect(resolvePresentationRequest(code, { fetch: noNetwork })).rejects.toMatchObject({
        code: c.expected,
      });
      const cli = await sanadRespond(code);
      expect(cli.code).not.toBe(0);
      expect(`${cli.stdout}${cli.stderr}`).toContain(c.expected);
    });
  }
});
