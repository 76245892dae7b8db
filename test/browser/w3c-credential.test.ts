/**
 * A W3C VCDM 2.0 credential (`ldp_vc`, ecdsa-sd-2023) in the web wallet, in real Chromium against
 * the sandbox: received over OpenID4VCI, the consent screen names exactly the claim the derived
 * proof reveals, the desk receives that claim alone; then with no network, the reloaded wallet
 * still derives (the worker kept the Data Integrity code once it was used) and answers the
 * desk's offline QR request. A bbs-2023 credential from the sandbox's BBS key is received and
 * presented the same way.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, SANDBOX_CLAIMS, startSandbox } from '@sanad/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  DESK_DIST,
  launchChromium,
  PHONE,
  WALLET_DIST,
} from '../support/browser.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const PASSPHRASE = 'amal keeps her own papers';
const PRESET = 'over-18-w3c';

let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let walletContext: BrowserContext;
let wallet: Page;
let desk: Page;

async function home(): Promise<void> {
  await wallet.getByRole('button', { name: /Sanad/ }).first().click();
  await wallet.getByTestId('go-receive').waitFor();
}

async function deskRequest(offline: boolean): Promise<string> {
  await desk.goto(`${sandbox.verifierUrl}/desk/`);
  if (await desk.getByTestId('desk-token').isVisible()) {
    await desk.getByTestId('desk-token').fill(sandbox.operatorToken);
    await desk.getByTestId('desk-sign-in').click();
  }
  await desk.locator(`[data-testid="desk-preset"][data-preset="${PRESET}"]`).click();
  const qr = desk.getByTestId('desk-qr');
  await qr.waitFor();
  if (!offline) return (await qr.getAttribute('data-request'))!;
  const online = await qr.getAttribute('data-request');
  await desk.getByTestId('desk-offline').click();
  await expect.poll(() => qr.getAttribute('data-request')).not.toBe(online);
  return (await qr.getAttribute('data-request'))!;
}

/** Receives an offer over OpenID4VCI with its PIN, from the home screen. */
async function receive(offer: { offerUri: string; txCode?: string }): Promise<void> {
  await home();
  await wallet.getByTestId('go-receive').click();
  await wallet.getByTestId('receive-link').fill(offer.offerUri);
  await wallet.getByTestId('receive-submit').click();
  await wallet.getByTestId('txcode-input').fill(offer.txCode!);
  await wallet.getByTestId('txcode-submit').click();
  await expect
    .poll(() => wallet.getByTestId('receive-done').textContent(), { timeout: patient(30_000) })
    .toContain('Refugee status');
}

async function openConsent(request: string): Promise<void> {
  await home();
  await wallet.getByTestId('go-present').click();
  await wallet.getByTestId('present-link').fill(request);
  await wallet.getByTestId('present-open').click();
  await wallet.getByTestId('consent').waitFor({ timeout: patient(20_000) });
}

/** Shares from the consent screen; the desk shows the answer valid, with `age_over_18` alone. */
async function shareAndExpectAdultAtDesk(): Promise<void> {
  await wallet.getByTestId('consent-share').click();
  await expect
    .poll(() => wallet.getByTestId('present-done').textContent(), { timeout: patient(30_000) })
    .toContain('Shared with');
  const { outcome, claims } = await deskOutcome();
  expect(outcome).toBe('valid');
  expect(claims).toEqual(['age_over_18']);
}

async function deskOutcome(): Promise<{ outcome: string; claims: string[] }> {
  const result = desk.getByTestId('desk-result');
  await result.waitFor({ timeout: patient(30_000) });
  const claims = await desk
    .getByTestId('desk-claims')
    .locator('[data-claim]')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-claim')!));
  return { outcome: (await result.getAttribute('data-outcome'))!, claims };
}

beforeAll(async () => {
  if (browserSkipReason) return;
  for (const built of [WALLET_DIST, DESK_DIST])
    if (!existsSync(join(built, 'index.html')))
      throw new Error(`${built} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-browser-w3c-'));
  sandbox = await startSandbox({
    dataDir: join(dir, 'sandbox'),
    port: 0,
    walletDir: WALLET_DIST,
    deskDir: DESK_DIST,
  });
  browser = await launchChromium();
  walletContext = await browser.newContext({ ...PHONE, locale: 'en-GB' });
  wallet = await walletContext.newPage();
  wallet.on('pageerror', (e) => console.error(`wallet page error: ${e.message}`));
  desk = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
}, patient(120_000));

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

screenshotOnFailure(() => ({ wallet, desk }));

describe.skipIf(browserSkipReason)('a W3C (ldp_vc) credential in the web wallet', () => {
  it('receives it over OpenID4VCI with its PIN', async () => {
    await wallet.goto(sandbox.walletUrl!);
    await wallet.getByTestId('setup-passphrase').fill(PASSPHRASE);
    await wallet.getByTestId('setup-confirm').fill(PASSPHRASE);
    await wallet.getByTestId('setup-create').click();
    await wallet.getByTestId('go-receive').waitFor({ timeout: patient(60_000) });
    await receive(
      await sandbox.createOffer({
        type: 'refugee-status',
        format: 'ldp_vc',
        claims: SANDBOX_CLAIMS,
      }),
    );
    await home();
    await wallet.getByTestId('card').click();
    await expect
      .poll(() => wallet.getByTestId('credential-claims').textContent())
      .toContain(SANDBOX_CLAIMS.family_name);
  });

  it('names on the consent screen exactly the claim the derived proof reveals; the desk receives it alone', async () => {
    await openConsent(await deskRequest(false));
    const consent = (await wallet.getByTestId('consent').textContent())!;
    expect(consent).toContain('Over 18');
    // Selective disclosure: no "all or nothing" warning, the other claims named as not shared.
    expect(consent).not.toMatch(/everything|all of it/i);
    for (const withheld of ['Given name', 'Family name', 'Date of birth', 'Case number'])
      expect(consent).toContain(withheld);
    await shareAndExpectAdultAtDesk();
    expect(await desk.getByTestId('desk-result').textContent()).not.toContain(
      SANDBOX_CLAIMS.family_name,
    );
  });

  it('with no network, reloads and answers the offline desk: the Data Integrity code was kept once used', async () => {
    const request = await deskRequest(true);
    await walletContext.setOffline(true);
    try {
      await wallet.reload();
      await wallet.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await wallet.getByTestId('unlock-submit').click();
      await wallet.getByTestId('go-receive').waitFor({ timeout: patient(60_000) });
      await openConsent(request);
      await wallet.getByTestId('consent-offline').click();
      const offline = wallet.getByTestId('offline');
      await offline.waitFor({ timeout: patient(30_000) });
      const code = (await offline.getAttribute('data-code'))!;
      expect(code).toMatch(/^SANAD1:/);
      await desk.getByTestId('desk-paste').fill(code);
      await desk.getByTestId('desk-paste-submit').click();
      const { outcome, claims } = await deskOutcome();
      expect(outcome).toBe('valid');
      expect(claims).toEqual(['age_over_18']);
    } finally {
      await walletContext.setOffline(false);
    }
  });

  it("a bbs-2023 credential from the sandbox's BBS key: received, and the desk gets the claim alone from its unlinkable proof", async () => {
    await receive(
      await sandbox.createOffer({
        type: 'refugee-status',
        format: 'ldp_vc',
        cryptosuite: 'bbs-2023',
        claims: SANDBOX_CLAIMS,
      }),
    );
    // The newest of the two matching cards is offered first: the BBS one.
    await openConsent(await deskRequest(false));
    expect(await wallet.getByTestId('consent').textContent()).toContain('Over 18');
    await shareAndExpectAdultAtDesk();
    await desk.getByText('Sanad sandbox agency (BBS key)').waitFor();
  });
});
