/**
 * The desk and the W3C Digital Credentials API in real Chromium against the sandbox: where the
 * browser has the API the desk offers "ask a wallet on this device"; the request it passes to
 * `navigator.credentials.get` is validated by a wallet stand-in (Sanad's wallet library in Node,
 * playing the platform's wallet, for the page's origin); the encrypted answer goes back through
 * the page to the service, and the desk shows the verified claim. With no wallet answering, the
 * desk says so and its QR code still waits.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardedHttpFetch } from '@sanad/core';
import { type Sandbox, SANDBOX_CLAIMS, startSandbox } from '@sanad/server';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, DESK_DIST, launchChromium } from '../support/browser.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const fetch = createGuardedHttpFetch({ allowInsecure: true });
let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let desk: Page;
let holder: Wallet;
/** What the page's API gave the stand-in, and whether Chromium had the API itself. */
const asked: Array<{ protocol: string; origin: string }> = [];
let native = false;
let walletAnswers = true;

beforeAll(async () => {
  if (browserSkipReason) return;
  if (!existsSync(join(DESK_DIST, 'index.html')))
    throw new Error(`${DESK_DIST} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-dc-api-'));
  sandbox = await startSandbox({ dataDir: join(dir, 'sandbox'), port: 0, deskDir: DESK_DIST });
  holder = await createWallet(createMemoryStorage(), 'correct horse battery staple', {
    kdfParams: { N: 2 ** 15, r: 8, p: 1 },
  });
  const offer = await sandbox.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
  await holder.receive(offer.offerUri, { fetch, txCode: async () => offer.txCode! });

  browser = await launchChromium();
  desk = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  desk.on('pageerror', (e) => console.error(`desk page error: ${e.message}`));
  // The platform's wallet: Sanad's wallet library, answering for the origin the browser gives.
  await desk.exposeFunction(
    '__sanadWallet',
    async (request: { protocol: string; data: unknown }, origin: string) => {
      asked.push({ protocol: request.protocol, origin });
      if (!walletAnswers) return null;
      const opened = await holder.openDcApiRequest(request.data, origin);
      const decision = holder.decide(holder.propose(opened.request), { approve: true });
      return {
        protocol: request.protocol,
        data: await holder.respondDcApi(opened, decision, origin),
      };
    },
  );
  await desk.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__nativeDigitalCredential = 'DigitalCredential' in window;
    if (!('DigitalCredential' in window)) w.DigitalCredential = class DigitalCredential {};
    const original = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (options?: CredentialRequestOptions) => {
      const digital = (
        options as { digital?: { requests: Array<{ protocol: string; data: unknown }> } }
      )?.digital;
      if (!digital) return original(options);
      const answer = await (
        w.__sanadWallet as (
          r: unknown,
          o: string,
        ) => Promise<{ protocol: string; data: unknown } | null>
      )(digital.requests[0], location.origin);
      if (!answer) throw new DOMException('No wallet answered', 'NotAllowedError');
      return answer as unknown as Credential;
    };
  });
}, patient(120_000));

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

screenshotOnFailure(() => ({ desk }));

async function openPreset(): Promise<void> {
  await desk.goto(`${sandbox.verifierUrl}/desk/`);
  if (await desk.getByTestId('desk-token').isVisible()) {
    await desk.getByTestId('desk-token').fill(sandbox.operatorToken);
    await desk.getByTestId('desk-sign-in').click();
  }
  await desk.locator('[data-testid="desk-preset"][data-preset="over-18"]').click();
  await desk.getByTestId('desk-qr').waitFor();
}

describe.skipIf(browserSkipReason !== undefined)(
  `the desk and the Digital Credentials API in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'offers the API where it exists; a wallet on the device answers and the desk shows the verified claim',
      async () => {
        await openPreset();
        native = await desk.evaluate(
          () =>
            (window as unknown as { __nativeDigitalCredential: boolean }).__nativeDigitalCredential,
        );
        console.log(`Chromium has the Digital Credentials API itself: ${native}`);
        await desk.getByTestId('desk-device').click();
        const result = desk.getByTestId('desk-result');
        await result.waitFor({ timeout: patient(20_000) });
        expect(await result.getAttribute('data-outcome')).toBe('valid');
        expect(await desk.getByTestId('desk-claims').textContent()).toContain('Yes');
        expect(asked.at(-1)).toEqual({
          protocol: 'openid4vp-v1-signed',
          origin: new URL(sandbox.verifierUrl).origin,
        });
      },
      patient(60_000),
    );

    it(
      'shows no such button in a browser without the API',
      async () => {
        const page = await desk.context().newPage();
        await page.addInitScript(() => {
          delete (window as unknown as Record<string, unknown>).DigitalCredential;
        });
        await page.goto(`${sandbox.verifierUrl}/desk/`);
        if (await page.getByTestId('desk-token').isVisible()) {
          await page.getByTestId('desk-token').fill(sandbox.operatorToken);
          await page.getByTestId('desk-sign-in').click();
        }
        await page.locator('[data-testid="desk-preset"][data-preset="over-18"]').click();
        await page.getByTestId('desk-qr').waitFor();
        expect(await page.getByTestId('desk-device').count()).toBe(0);
        await page.close();
      },
      patient(60_000),
    );

    it(
      'says so when no wallet answers, and keeps the QR code waiting',
      async () => {
        walletAnswers = false;
        await openPreset();
        await desk.getByTestId('desk-device').click();
        await desk.getByText('No wallet on this device answered').waitFor();
        expect(await desk.getByTestId('desk-qr').isVisible()).toBe(true);
        walletAnswers = true;
      },
      patient(60_000),
    );
  },
);
