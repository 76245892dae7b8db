/**
 * Secrets never leak: sentinel values planted in salts, claim values, passphrases, private
 * keys, recovery secrets, offer links, pre-authorized codes, PINs and request links must not
 * appear in any error message, error cause, log line or CLI output (human or JSON) on any
 * failure path below.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGuardedHttpFetch,
  didKeyFromJwk,
  generateKeyPair,
  type JWK,
  jwkFromDidJwk,
  signerFromJwk,
  toBase64url,
  toSanadError,
} from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { createMemoryServiceStore } from '@sanad/server';
import { createVerifier } from '@sanad/verifier';
import {
  createMemoryStorage,
  createWallet,
  generateRecoverySecret,
  MIN_KDF,
  openWallet,
  restoreBackup,
} from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  amal,
  type Agency,
  type Holder,
  makeAgency,
  makeHolder,
  trustFor,
} from '../support/fixtures.js';
import { runSanad } from '../support/sanad-cli.js';
import { operator, startServices } from '../support/services.js';
import { AUDIENCE, issueWith, NONCE, split, withKb } from './presentation-corpus.js';

const CLAIM = 'SENTINEL-CLAIM-VALUE-7Q4X';
const SALT = 'U0VOVElORUxTQUxUU0VOVElORUw'; // base64url, so it is a well-formed salt
const PASSPHRASE = 'SENTINEL-PASSPHRASE-Z9K2';
const BACKUP_SECRET = 'SENTINEL-BACKUP-SECRET-H3M8';
const PRE_AUTHORIZED_CODE = 'SENTINEL-PREAUTH-CODE-R7T1';
const PIN = 'SENTINEL-PIN-5Q2W';
const REQUEST_URI_SECRET = 'SENTINEL-REQUEST-URI-K2P9';
/** Recovery secrets, offer links and codes made during the run: scanned for too. */
const made: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'sanad-secrets-'));
const seen: string[] = [];
let privateKeys: string[] = [];
let agency: Agency;
let holder: Holder;

/** Everything that reached the console during the test is scanned too. */
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
  vi
    .spyOn(console, m)
    .mockImplementation((...args: unknown[]) => void seen.push(args.map(String).join(' '))),
);

/** An error as anyone could see it: message, string form, report, and every cause down the chain. */
function exposed(err: unknown): string {
  const parts: string[] = [];
  for (
    let e: unknown = err, depth = 0;
    e !== undefined && depth < 8;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    parts.push(String(e), e instanceof Error ? `${e.message} ${e.stack ?? ''}` : JSON.stringify(e));
  }
  parts.push(JSON.stringify(toSanadError(err)), toSanadError(err).message);
  return parts.join('\n');
}

const readBackup = (): Uint8Array =>
  new Uint8Array(readFileSync(join(work, 'recovery-backup.json')));

/** The same check as the final scan, for one test's own output. */
function expectNoneIn(texts: string[], secrets: string[]): void {
  const text = texts.join('\n');
  for (const secret of secrets)
    expect(text.includes(secret), `leaked: ${secret.slice(0, 24)}…`).toBe(false);
}

async function failure(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    seen.push(exposed(err));
    return;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  agency = await makeAgency();
  holder = await makeHolder();
  privateKeys = [holder.privateJwk.d as string];
});
afterAll(() => {
  for (const s of consoleSpies) s.mockRestore();
  rmSync(work, { recursive: true, force: true });
});

describe('sentinels never leak', () => {
  it('verification failures (library and CLI, JSON and human output) show no claim value or salt', async () => {
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      claims: { ...amal, case_number: CLAIM },
      holders: [holder],
    });
    const credential = bundle.credentials[0]!;
    const salted = toBase64url(JSON.stringify([SALT, 'note', CLAIM]));
    const valid = await issueWith({ credential, agency, holder }, [salted]);
    const { jwt, disclosures, kb } = split(valid);
    const tamperedValue = toBase64url(JSON.stringify([SALT, 'case_number', `${CLAIM}-changed`]));
    const failing = [
      await withKb(credential, holder.signer, { nonce: 'another-nonce-0123456789' }),
      await withKb(credential, holder.signer, { aud: 'https://elsewhere.example' }),
      `${jwt}~${disclosures.map((d) => `${d}~`).join('')}${kb.slice(0, -3)}abc`,
      `${jwt}~${[...disclosures, tamperedValue].map((d) => `${d}~`).join('')}${kb}`,
      `${jwt}~${toBase64url(JSON.stringify([SALT, CLAIM]))}~${kb}`,
      `${jwt}~${toBase64url(`["${SALT}","case_number","${CLAIM}","extra"]`)}~${kb}`,
      `${jwt}~${toBase64url(`{"${CLAIM}":"${SALT}"}`)}~${kb}`,
      `${jwt.slice(0, -4)}AAAA~${disclosures.map((d) => `${d}~`).join('')}${kb}`,
      await withKb(credential, (await makeHolder()).signer),
    ];
    // Control: the sentinels really flow through; an accepted presentation does show the claim.
    const accepted = await createVerifier({
      trustList: trustFor({ did: agency.did }),
      offline: true,
      onStatusUnavailable: 'accept-with-warning',
    }).verify(valid, { nonce: NONCE, audience: AUDIENCE });
    expect(JSON.stringify(accepted.claims)).toContain(CLAIM);
    const untrusting = createVerifier({
      trustList: trustFor({ did: 'did:web:someone-else.example' }),
      offline: true,
    });
    const trusting = createVerifier({ trustList: trustFor({ did: agency.did }), offline: true });
    writeFileSync(join(work, 'trust.json'), JSON.stringify(trustFor({ did: agency.did }).document));
    for (const presentation of [...failing, valid]) {
      for (const verifier of [trusting, untrusting]) {
        const result = await verifier.verify(presentation, { nonce: NONCE, audience: AUDIENCE });
        expect(result.verified).toBe(false); // offline without a status list: every one fails
        seen.push(JSON.stringify(result));
      }
      writeFileSync(join(work, 'p.txt'), presentation);
      for (const json of [['--json'], []]) {
        const cli = await runSanad([
          'verify',
          '--presentation',
          join(work, 'p.txt'),
          '--trust',
          join(work, 'trust.json'),
          '--nonce',
          NONCE,
          '--audience',
          AUDIENCE,
          ...json,
        ]);
        expect(cli.code).toBe(1);
        seen.push(cli.stdout, cli.stderr);
      }
    }
  });

  it('wallet failures (wrong passphrase, tampered file, bad backup secret) show no passphrase or secret', async () => {
    const path = join(work, 'wallet', 'wallet.json');
    mkdirSync(join(work, 'wallet'));
    const storage = await openFileStorage(path);
    const wallet = await createWallet(storage, PASSPHRASE, { kdf: nodeScrypt, kdfParams: MIN_KDF });
    const backup = await wallet.exportBackup(BACKUP_SECRET);
    await wallet.close();
    await failure(async () =>
      openWallet(await openFileStorage(path), `${PASSPHRASE}-wrong`, { kdf: nodeScrypt }),
    );
    await failure(async () =>
      restoreBackup(
        backup,
        `${BACKUP_SECRET}-wrong`,
        await openFileStorage(join(work, 'restored.json')),
        PASSPHRASE,
        { kdf: nodeScrypt },
      ),
    );
    await failure(async () =>
      createWallet(await openFileStorage(join(work, 'short.json')), PASSPHRASE.slice(0, 5), {
        kdf: nodeScrypt,
      }),
    );
    writeFileSync(join(work, 'backup.json'), backup);
    for (const json of [['--json'], []]) {
      for (const [args, env] of [
        [['wallet', 'list', '--wallet', path], { SANAD_WALLET_PASSPHRASE: `${PASSPHRASE}-wrong` }],
        [
          [
            'wallet',
            'restore',
            join(work, 'backup.json'),
            '--wallet',
            join(work, 'r', 'w.json'),
            '--recovery',
          ],
          { SANAD_WALLET_PASSPHRASE: PASSPHRASE, SANAD_RECOVERY_SECRET: `${BACKUP_SECRET}-wrong` },
        ],
        [
          ['wallet', 'init', '--wallet', join(work, 's', 'w.json')],
          { SANAD_WALLET_PASSPHRASE: PASSPHRASE.slice(0, 5) },
        ],
      ] as Array<[string[], Record<string, string>]>) {
        const cli = await runSanad([...args, ...json], env);
        expect(cli.code).toBe(2);
        seen.push(cli.stdout, cli.stderr);
      }
    }
  });

  it('key failures (a damaged key file, a private key in a did:jwk or a DID document) show no private key', async () => {
    const { privateJwk } = await generateKeyPair('ES256');
    const damaged: JWK = { ...privateJwk, x: toBase64url(new Uint8Array(32).fill(1)) };
    privateKeys.push(privateJwk.d as string);
    await failure(() => signerFromJwk({ ...privateJwk, crv: 'P-999' } as JWK));
    await failure(async () => jwkFromDidJwk(`did:jwk:${toBase64url(JSON.stringify(privateJwk))}`));
    const dir = join(work, 'issuer');
    const init = await runSanad([
      'issuer',
      'init',
      '--dir',
      dir,
      '--status-base-url',
      'https://agency.example/status',
      '--json',
    ]);
    expect(init.code).toBe(0);
    writeFileSync(join(dir, 'issuer-key.jwk.json'), JSON.stringify(damaged));
    writeFileSync(join(dir, 'claims.json'), JSON.stringify(amal));
    for (const json of [['--json'], []]) {
      const cli = await runSanad([
        'issuer',
        'issue',
        '--dir',
        dir,
        '--type',
        'refugee-status',
        '--claims',
        join(dir, 'claims.json'),
        '--holder',
        didKeyFromJwk(holder.jwk),
        '--out',
        join(dir, 'bundle.json'),
        ...json,
      ]);
      expect(cli.code).not.toBe(0);
      seen.push(cli.stdout, cli.stderr);
    }
    const jwkIssuer = `did:jwk:${toBase64url(JSON.stringify(privateJwk))}`;
    const signer = await signerFromJwk(privateJwk);
    const { createIssuer, createMemoryIssuerStore, refugeeStatusType } = await import(
      '@sanad/issuer'
    );
    const issuer = await createIssuer({
      store: createMemoryIssuerStore(),
      signer,
      issuerId: jwkIssuer,
      kid: `${jwkIssuer}#0`,
      statusBaseUrl: 'https://x.example/status',
      types: [refugeeStatusType],
    });
    const sd = (await issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] }))
      .bundle.credentials[0]!;
    const result = await createVerifier({
      trustList: trustFor({ did: jwkIssuer }),
      offline: true,
    }).verify(await withKb(sd, holder.signer), { nonce: NONCE, audience: AUDIENCE });
    expect(result.errors.map((e) => e.code)).toContain('ERR_DID_INVALID');
    seen.push(JSON.stringify(result));
  });

  it('a recovery secret typed nearly right (lower case, spaces) is refused as a typo without being echoed', async () => {
    const secret = generateRecoverySecret();
    const nearMiss = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
      .toLowerCase()
      .replaceAll('-', ' ');
    made.push(
      secret,
      nearMiss,
      nearMiss.toUpperCase(),
      nearMiss.replaceAll(' ', '-').toUpperCase(),
    );
    const wallet = await createWallet(createMemoryStorage(), PASSPHRASE, {
      kdf: nodeScrypt,
      kdfParams: MIN_KDF,
    });
    writeFileSync(join(work, 'recovery-backup.json'), await wallet.exportBackup(secret));
    await failure(async () =>
      restoreBackup(readBackup(), nearMiss, createMemoryStorage(), PASSPHRASE, { kdf: nodeScrypt }),
    );
    for (const json of [['--json'], []]) {
      const cli = await runSanad(
        [
          'wallet',
          'restore',
          join(work, 'recovery-backup.json'),
          '--recovery',
          '--wallet',
          join(work, 'r2', 'w.json'),
          ...json,
        ],
        { SANAD_WALLET_PASSPHRASE: PASSPHRASE, SANAD_RECOVERY_SECRET: nearMiss },
      );
      expect(cli.stdout + cli.stderr).toContain('ERR_RECOVERY_SECRET_TYPO');
      seen.push(cli.stdout, cli.stderr);
    }
  });

  it('offer and request links that are refused (plain http without --allow-http, malformed) show no link, pre-authorized code or request URI (issue 14)', async () => {
    // Production default: the protocol libraries refuse http (an earlier --allow-http run may have lifted that).
    allowInsecureHttpUrls(false);
    const grant = {
      'urn:ietf:params:oauth:grant-type:pre-authorized_code': {
        'pre-authorized_code': PRE_AUTHORIZED_CODE,
        tx_code: { length: 6, input_mode: 'numeric' },
      },
    };
    const byValue = (offer: unknown) =>
      `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
    const offers = [
      byValue({
        credential_issuer: 'http://127.0.0.1:9/issuer',
        credential_configuration_ids: ['refugee-status.sd-jwt'],
        grants: grant,
      }),
      `openid-credential-offer://?credential_offer=${encodeURIComponent(`{"credential_issuer":"https://issuer.example","grants":{"x":"${PRE_AUTHORIZED_CODE}"`)}`,
      `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`http://127.0.0.1:9/offers/${PRE_AUTHORIZED_CODE}`)}`,
      `not a link ${PRE_AUTHORIZED_CODE}`,
    ];
    const requests = [
      `openid4vp://?client_id=${encodeURIComponent('decentralized_identifier:did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')}&request_uri=${encodeURIComponent(`http://127.0.0.1:9/request/${REQUEST_URI_SECRET}`)}`,
      `openid4vp://?client_id=x&request_uri=${REQUEST_URI_SECRET}&response_mode=fragment`,
      `openid4vp://${REQUEST_URI_SECRET}`,
    ];
    const path = join(work, 'links', 'wallet.json');
    mkdirSync(join(work, 'links'));
    const wallet = await createWallet(await openFileStorage(path), PASSPHRASE, {
      kdf: nodeScrypt,
      kdfParams: MIN_KDF,
    });
    const from = seen.length;
    for (const offer of offers)
      await failure(() =>
        wallet.receive(offer, { txCode: async () => '123456', fetch: createGuardedHttpFetch() }),
      );
    for (const request of requests)
      await failure(() => wallet.openRequest(request, { fetch: createGuardedHttpFetch() }));
    await wallet.close();
    const env = { SANAD_WALLET_PASSPHRASE: PASSPHRASE, SANAD_TX_CODE: '123456' };
    for (const json of [['--json'], []]) {
      for (const args of [
        ...offers.map((o) => ['wallet', 'receive', o]),
        ...requests.map((r) => ['wallet', 'respond', r]),
      ]) {
        const cli = await runSanad([...args, '--wallet', path, ...json], env);
        expect(cli.code, args[2]).not.toBe(0);
        expect(cli.stdout + cli.stderr).toMatch(
          /ERR_(OFFER|REQUEST)_INVALID|ERR_FETCH_URL_FORBIDDEN/,
        );
        seen.push(cli.stdout, cli.stderr);
      }
    }
    expectNoneIn(seen.slice(from), [
      PRE_AUTHORIZED_CODE,
      REQUEST_URI_SECRET,
      ...offers,
      ...requests,
    ]);
  });

  it('an issuer that echoes what it was sent (code and PIN) in its error reaches the holder without them', async () => {
    allowInsecureHttpUrls(true); // loopback services, as --allow-http does
    // Six digits, as the offer asks: a PIN of another shape is refused before it reaches the issuer.
    const pin = '390417';
    const services = await startServices({
      issuer: createMemoryIssuerStore(),
      service: createMemoryServiceStore(),
      dump: async () => '',
    });
    try {
      const { json } = await operator(services.issuerUrl, 'POST', '/offers', {
        type: 'refugee-status',
        claims: amal,
      });
      const offer = String(json.offer_link);
      const code = JSON.parse(new URL(offer).searchParams.get('credential_offer') ?? '{}').grants?.[
        'urn:ietf:params:oauth:grant-type:pre-authorized_code'
      ]?.['pre-authorized_code'];
      made.push(
        offer,
        decodeURIComponent(offer),
        String(json.tx_code),
        ...(typeof code === 'string' ? [code] : []),
      );
      const app = services.issuerService.app;
      const original = app.fetch.bind(app);
      // Another implementation's habit: quote the request back in error_description.
      app.fetch = async (request: Request, ...rest: unknown[]) => {
        const sent = request.method === 'POST' ? await request.clone().text() : '';
        const response = await (original as (r: Request, ...x: unknown[]) => Promise<Response>)(
          request,
          ...rest,
        );
        if (response.status !== 400 || !new URL(request.url).pathname.endsWith('/token'))
          return response;
        const body = (await response.json()) as { error: string; error_description?: string };
        if (typeof code !== 'string') {
          const grantCode = new URLSearchParams(sent).get('pre-authorized_code');
          if (grantCode) made.push(grantCode);
        }
        // Its other headers kept: a DPoP nonce still comes back with the quoted error.
        const headers = new Headers(response.headers);
        headers.delete('content-length');
        return Response.json(
          { ...body, error_description: `${body.error_description ?? ''}; received ${sent}` },
          { status: 400, headers },
        );
      };
      const from = seen.length;
      const path = join(work, 'echo', 'wallet.json');
      mkdirSync(join(work, 'echo'));
      await (
        await createWallet(await openFileStorage(path), PASSPHRASE, {
          kdf: nodeScrypt,
          kdfParams: MIN_KDF,
        })
      ).close();
      for (const json of [['--json'], []]) {
        const cli = await runSanad(
          ['wallet', 'receive', '--allow-http', offer, '--wallet', path, ...json],
          { SANAD_WALLET_PASSPHRASE: PASSPHRASE, SANAD_TX_CODE: pin },
        );
        expect(cli.code).toBe(2);
        expect(cli.stdout + cli.stderr).toContain('ERR_TX_CODE_INVALID');
        seen.push(cli.stdout, cli.stderr);
      }
      const wallet = await createWallet(createMemoryStorage(), PASSPHRASE, {
        kdf: nodeScrypt,
        kdfParams: MIN_KDF,
      });
      await failure(() =>
        wallet.receive(offer, {
          txCode: async () => pin,
          fetch: createGuardedHttpFetch({ allowInsecure: true }),
        }),
      );
      // Control: the issuer really echoed both.
      const echoed = await app.fetch(
        new Request(`${services.issuerUrl}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
            'pre-authorized_code': 'x',
            tx_code: pin,
          }).toString(),
        }),
      );
      expect(await echoed.text()).toContain(pin);
      expectNoneIn(seen.slice(from), [pin, offer, ...(typeof code === 'string' ? [code] : [])]);
    } finally {
      await services.close();
    }
  });

  it('none of the sentinels appears anywhere that was shown', () => {
    const everything = seen.join('\n');
    expect(everything.length).toBeGreaterThan(10_000); // the scan covered real output
    expect(made.length).toBeGreaterThanOrEqual(6);
    for (const secret of [
      CLAIM,
      SALT,
      PASSPHRASE,
      BACKUP_SECRET,
      PRE_AUTHORIZED_CODE,
      PIN,
      REQUEST_URI_SECRET,
      ...made,
      ...privateKeys,
    ]) {
      expect(everything.includes(secret), `leaked: ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
