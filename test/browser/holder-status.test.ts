/**
 * What the holder sees of status and of failures, in real Chromium against the sandbox services
 * on loopback: a PIN too short refused before it costs a try, a wrong one with the tries left; the
 * agency revokes and the wallet's card says so after the next unlock; sharing it asks "Share anyway" and
 * says what the verifier will see, which refuses it; a request already answered says to ask for a new QR code.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, SANDBOX_CLAIMS, startSandbox } from '@sanad/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  createWalletOnPage,
  documentationShot,
  launchChromium,
  PHONE,
  WALLET_DIST,
} from '../support/browser.js';
import { expectNoSeriousAxeViolations } from '../support/accessibility.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const PASSPHRASE = 'amal checks her own papers';

let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let wallet: Page;
let offer: { offerId: string; offerUri: string; txCode?: string };

async function operatorPost(
  base: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/operator${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${sandbox.operatorToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

async function home(): Promise<void> {
  await wallet
    .getByRole('button', { name: /Sanad|سند/ })
    .first()
    .click();
  await wallet.getByTestId('go-receive').waitFor();
}

async function openRequest(request: string): Promise<void> {
  await home();
  await wallet.getByTestId('go-present').click();
  await wallet.getByTestId('present-link').fill(request);
  await wallet.getByTestId('present-open').click();
}

beforeAll(async () => {
  if (browserSkipReason) return;
  if (!existsSync(join(WALLET_DIST, 'index.html')))
    throw new Error(`${WALLET_DIST} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-holder-status-'));
  sandbox = await startSandbox({ dataDir: join(dir, 'sandbox'), port: 0, walletDir: WALLET_DIST });
  offer = await sandbox.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
  browser = await launchChromium();
  wallet = await (await browser.newContext({ ...PHONE, locale: 'en-GB' })).newPage();
  wallet.on('pageerror', (e) => console.error(`wallet page error: ${e.message}`));
}, patient(120_000));

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

screenshotOnFailure(() => ({ wallet }));

describe.skipIf(browserSkipReason !== undefined)(
  `holder status and errors in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'refuses a PIN of the wrong length without spending a try, then says how many tries a wrong PIN left',
      async () => {
        await wallet.goto(sandbox.walletUrl!);
        await createWalletOnPage(wallet, PASSPHRASE);

        await wallet.getByTestId('go-receive').click();
        await wallet.getByTestId('receive-link').fill(offer.offerUri);
        await wallet.getByTestId('receive-submit').click();
        await wallet.getByTestId('txcode-input').fill(offer.txCode!.slice(0, 2));
        await wallet.getByTestId('txcode-submit').click();
        expect(await wallet.getByTestId('txcode-problem').textContent()).toBe(
          'The code has 6 digits. It was not sent: no try was used.',
        );
        // Still asking: nothing went to the issuer.
        await wallet
          .getByTestId('txcode-input')
          .fill(offer.txCode === '000000' ? '111111' : '000000');
        await wallet.getByTestId('txcode-submit').click();
        // The first try spent is this one: 4 of 5 left.
        await expect
          .poll(() => wallet.getByTestId('error').textContent(), { timeout: patient(20_000) })
          .toBe('The code is not right. 4 tries left.');

        await wallet.getByTestId('receive-submit').click();
        await wallet.getByTestId('txcode-input').fill(offer.txCode!);
        await wallet.getByTestId('txcode-submit').click();
        await wallet.getByTestId('receive-done').waitFor({ timeout: patient(30_000) });
      },
      patient(180_000),
    );

    it(
      'shows the revocation on the card: checked on request, and by itself after the next unlock',
      async () => {
        await home();
        await wallet.getByTestId('card').click();
        expect(await wallet.getByTestId('status-checked').textContent()).toBe(
          'Status not checked with the issuer yet',
        );
        await wallet.getByTestId('status-refresh').click();
        await expect
          .poll(() => wallet.getByTestId('status-checked').textContent(), {
            timeout: patient(20_000),
          })
          .toMatch(/^Status last checked /);
        expect(await wallet.getByTestId('status-details').textContent()).toContain(
          'Valid: checked with the issuer',
        );

        await operatorPost(sandbox.issuerUrl, `/credentials/${offer.offerId}/revoke`);
        await wallet.getByTestId('lock').click();
        await wallet.getByTestId('unlock-passphrase').fill(PASSPHRASE);
        await wallet.getByTestId('unlock-submit').click();
        await wallet.getByTestId('lock').waitFor({ timeout: patient(90_000) });
        await home();
        await expect
          .poll(() => wallet.getByTestId('card').textContent(), { timeout: patient(20_000) })
          .toContain('Revoked by the issuer');
        // "Valid until 2028" beside "Revoked" was the lie the holder saw before.
        expect(await wallet.getByTestId('card').textContent()).not.toContain('Valid until');
        await expectNoSeriousAxeViolations(wallet);
        await documentationShot(wallet, 'wallet-revoked');
        await wallet.getByTestId('card').click();
        expect(await wallet.getByTestId('card-status').getAttribute('data-status')).toBe('revoked');
        expect(await wallet.getByTestId('status-details').textContent()).not.toContain(
          'Valid: checked',
        );
      },
      patient(150_000),
    );

    it(
      'asks "Share anyway" for the revoked credential and says what the verifier will see; the verifier refuses it; a decline leaves the request open, and once the desk cancels it the wallet says to ask for a new one',
      async () => {
        const { authorization_request: request } = await operatorPost(
          sandbox.verifierUrl,
          '/sessions',
          { preset: 'registered-refugee' },
        );
        await openRequest(String(request));
        await wallet.getByTestId('consent').waitFor({ timeout: patient(20_000) });
        expect(await wallet.getByTestId('share-warning').textContent()).toBe(
          'The verifier will see that this credential was revoked.',
        );
        expect(await wallet.getByTestId('consent-share').textContent()).toBe('Share anyway');
        await documentationShot(wallet, 'wallet-share-anyway');
        await wallet.getByTestId('consent-share').click();
        // Refused, and nothing recorded: the request stays open for a valid answer.
        await wallet.getByTestId('error').waitFor({ timeout: patient(20_000) });
        await openRequest(String(request));
        await wallet.getByTestId('consent-decline').click();
        await wallet.getByTestId('present-done').waitFor({ timeout: patient(20_000) });
        // A decline settles nothing (a bystander could have sent it): the holder can still answer.
        await openRequest(String(request));
        await wallet.getByTestId('consent').waitFor({ timeout: patient(20_000) });

        const sessionId = new URL(
          decodeURIComponent(new URL(String(request)).searchParams.get('request_uri')!),
        ).pathname
          .split('/')
          .at(-1)!;
        const cancelled = await fetch(`${sandbox.verifierUrl}/operator/sessions/${sessionId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${sandbox.operatorToken}` },
        });
        expect(cancelled.status).toBeLessThan(300);
        await openRequest(String(request));
        await expect
          .poll(() => wallet.getByTestId('error').textContent(), { timeout: patient(20_000) })
          .toBe('This request has expired. Ask the verifier for a new one.');
      },
      patient(60_000),
    );
  },
);
