/**
 * Issue 15 §5: the consent screen says who is asking from the verifier registry the sandbox
 * publishes beside the web wallet — the desk's registered name, a warning for a verifier nobody
 * registered (its own name only as what it calls itself), and a flag on each claim a registered
 * verifier asks beyond its registration — and names the credential type and issuer the verifier
 * also learns. With no network the registry kept on the phone still answers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier } from '@sanad/verifier';
import { generateKeyPair, type JWK, signerFromJwk, TrustList } from '@sanad/core';
import { loadIssuerKeyFile, refugeeStatusType } from '@sanad/issuer';
import {
  createMemoryServiceStore,
  createVerifierService,
  type Sandbox,
  serviceNonceStore,
  startSandbox,
  type VerifierPreset,
} from '@sanad/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  documentationShot,
  launchChromium,
  WALLET_DIST,
} from '../support/browser.js';
import { patient } from '../support/patience.js';

const PASSPHRASE = 'amal keeps her own papers';
const VCT = refugeeStatusType.definition.vct;

let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let context: BrowserContext;
let wallet: Page;

/** A verifier of the test's own signing with `key`, asking what `preset` asks: its request goes by value, so the wallet needs no route to it. */
async function requestFrom(key: JWK, name: string, preset: VerifierPreset): Promise<string> {
  const store = createMemoryServiceStore();
  const service = await createVerifierService({
    verifier: createVerifier({
      trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] }),
      nonceStore: serviceNonceStore(store),
    }),
    store,
    baseUrl: 'http://127.0.0.1:9',
    signer: await signerFromJwk(key),
    verifierName: name,
    presets: [preset],
  });
  return (await service.createSession({ preset: preset.id, offline: true })).authorizationRequest;
}

const askFor = (id: string, claims: string[]): VerifierPreset => ({
  id,
  name: { en: id },
  purpose: { en: 'Check your file' },
  purposeClaims: claims,
  credentials: [
    { id: 'refugee-status', format: 'dc+sd-jwt', types: [VCT], claims: claims.map((c) => [c]) },
  ],
});

async function openRequest(request: string): Promise<void> {
  await wallet.getByRole('button', { name: /Sanad/ }).first().click();
  await wallet.getByTestId('go-present').click();
  await wallet.getByTestId('present-link').fill(request);
  await wallet.getByTestId('present-open').click();
  await wallet.getByTestId('consent').waitFor({ timeout: patient(20_000) });
}

const text = (testId: string) => wallet.getByTestId(testId).first().textContent();
const flagged = () =>
  wallet
    .locator('[data-testid="consent-shared"] li:has([data-testid="consent-over-asked-claim"])')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-claim')));

beforeAll(async () => {
  if (browserSkipReason) return;
  if (!existsSync(join(WALLET_DIST, 'index.html')))
    throw new Error(`${WALLET_DIST} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-consent-registry-'));
  sandbox = await startSandbox({ dataDir: join(dir, 'sandbox'), port: 0, walletDir: WALLET_DIST });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
  });
  wallet = await context.newPage();
  wallet.on('pageerror', (e) => console.error(`wallet page error: ${e.message}`));
  await wallet.goto(sandbox.walletUrl!);
  await wallet.getByTestId('setup-passphrase').fill(PASSPHRASE);
  await wallet.getByTestId('setup-confirm').fill(PASSPHRASE);
  await wallet.getByTestId('setup-create').click();
  await wallet.getByTestId('go-receive').click({ timeout: patient(60_000) });
  await wallet.getByTestId('receive-link').fill(sandbox.offer.offerUri);
  await wallet.getByTestId('receive-submit').click();
  await wallet.getByTestId('txcode-input').fill(sandbox.offer.txCode!);
  await wallet.getByTestId('txcode-submit').click();
  await wallet.getByTestId('receive-done').waitFor({ timeout: patient(20_000) });
}, patient(120_000));

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(browserSkipReason !== undefined)(
  `consent and the verifier registry in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it('names the registered desk by its registration, and says the verifier learns the credential type and issuer', async () => {
      await openRequest(
        (await sandbox.verifier.createSession({ preset: 'over-18' })).authorizationRequest,
      );
      expect(await wallet.getByTestId('consent-registration').getAttribute('data-status')).toBe(
        'registered',
      );
      expect(await text('consent-registration')).toBe(
        'Registered: Sandbox clinic — health partners, sandbox',
      );
      expect(await wallet.locator('[data-testid="consent"] h2').textContent()).toBe(
        'Sandbox clinic asks to see',
      );
      expect(await wallet.getByTestId('consent-calls-itself').count()).toBe(0);
      expect(await text('consent-learns')).toBe(
        'The verifier will also learn that you hold “Refugee status”, issued by Sanad sandbox agency.',
      );
      expect(await flagged()).toEqual([]);
      expect(await wallet.getByTestId('consent-over-asked').count()).toBe(0);
    });

    it('warns of a verifier nobody registered, showing the name it gives itself only as what it calls itself', async () => {
      await openRequest(
        await requestFrom(
          (await generateKeyPair()).privateJwk,
          'Al Noor Clinic',
          askFor('over-18', ['age_over_18']),
        ),
      );
      expect(await wallet.getByTestId('consent-registration').getAttribute('data-status')).toBe(
        'not-registered',
      );
      expect(await text('consent-registration')).toBe(
        'Not registered: be careful. Nobody has confirmed who this verifier is.',
      );
      expect(await text('consent-calls-itself')).toBe('It calls itself “Al Noor Clinic”.');
      expect(await wallet.locator('[data-testid="consent"] h2').textContent()).toBe(
        'A verifier asks to see',
      );
    });

    it('flags each claim a registered verifier asks beyond its registration, beside that claim', async () => {
      // The desk's own key asking for more than the desk is registered for (age_over_18 and case_number).
      const deskKey = await loadIssuerKeyFile(join(dir, 'sandbox', 'verifier-key.json'));
      await openRequest(
        await requestFrom(
          deskKey,
          'Sandbox clinic',
          askFor('more', ['age_over_18', 'given_name', 'birthdate']),
        ),
      );
      expect(await wallet.getByTestId('consent-registration').getAttribute('data-status')).toBe(
        'registered',
      );
      expect(await flagged()).toEqual(['given_name', 'birthdate']);
      await documentationShot(wallet, 'wallet-consent-over-asking');
      expect(
        await wallet
          .locator('[data-claim="given_name"] [data-testid="consent-over-asked-claim"]')
          .textContent(),
      ).toBe('Not in its registration');
      expect(await text('consent-over-asked')).toBe(
        'This verifier asks for more than it is registered for: Given name and Date of birth. You can say no.',
      );
    });

    it('still knows who is registered with no network, from the registry kept on the phone', async () => {
      const request = (await sandbox.verifier.createSession({ preset: 'over-18', offline: true }))
        .authorizationRequest;
      await context.setOffline(true);
      try {
        await wallet.reload();
        await wallet.getByTestId('unlock-passphrase').fill(PASSPHRASE);
        await wallet.getByTestId('unlock-submit').click();
        await wallet.getByTestId('go-present').waitFor({ timeout: patient(60_000) });
        await openRequest(request);
        expect(await text('consent-registration')).toBe(
          'Registered: Sandbox clinic — health partners, sandbox',
        );
      } finally {
        await context.setOffline(false);
      }
    });
  },
);
