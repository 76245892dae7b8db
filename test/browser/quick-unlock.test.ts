/**
 * Unlocking on a phone in real Chromium against the sandbox: the KDF runs in a Web Worker while
 * the page keeps running; a 6-digit PIN unlocks after the idle lock, wrong PINs count down and the
 * 5th erases quick unlock (the passphrase still works); a passkey with PRF on a virtual
 * authenticator; a version 1 (scrypt) wallet opens and is re-sealed as version 2 (Argon2id).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  createWalletOnPage,
  documentationShot,
  PHONE,
  putStoredWallet,
} from '../support/browser.js';
import { walletSuite } from '../support/browser-suite.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const V1_WALLET = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'wallet',
  'src',
  'vault',
  'fixtures',
  'wallet-v1.json',
);
const V1_PASSPHRASE = 'sanad version 1 wallet';
const PASSPHRASE = 'amal keeps her own papers';
const PIN = '246810';

const suite = walletSuite('sanad-quick-unlock-');
let context: BrowserContext;
let page: Page;

/** The envelope header as stored in IndexedDB. */
const storedHeader = (p: Page) =>
  p.evaluate(
    () =>
      new Promise<{ version: number; generation: number; kdf: { name: string } }>(
        (resolve, reject) => {
          const open = indexedDB.open('sanad-wallet');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('vault').objectStore('vault').get('wallet');
            get.onsuccess = () => (
              open.result.close(),
              resolve(JSON.parse(new TextDecoder().decode(get.result as Uint8Array)))
            );
          };
        },
      ),
  );

async function newPhone(url = suite.sandbox.walletUrl!): Promise<Page> {
  await context?.close();
  context = await suite.browser.newContext({ ...PHONE, locale: 'en-GB' });
  const fresh = await context.newPage();
  fresh.on('pageerror', (e) => console.error(`wallet page error: ${e.message}`));
  await fresh.goto(url);
  return fresh;
}

async function createWallet(): Promise<void> {
  await createWalletOnPage(page, PASSPHRASE);
}

async function lockAndPin(pin: string): Promise<void> {
  await page.getByTestId('quick-pin-input').fill(pin);
  await page.getByTestId('quick-pin-submit').click();
}

screenshotOnFailure(() => ({ page }));

describe.skipIf(browserSkipReason !== undefined)(
  `quick unlock in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it('creates the wallet with Argon2id in a Web Worker while the page keeps running', async () => {
      page = await newPhone();
      const workers: string[] = [];
      page.on('worker', (w) => workers.push(w.url()));
      await page.getByTestId('setup-passphrase').fill(PASSPHRASE);
      await page.getByTestId('setup-confirm').fill(PASSPHRASE);
      // A timer set once the busy line shows must run before the derivation ends: the main thread is free.
      await page.evaluate(() => {
        const w = window as unknown as { timerRanWhileBusy?: boolean };
        new MutationObserver((_, observer) => {
          if (!document.querySelector('[data-testid="busy"]')?.textContent) return;
          observer.disconnect();
          setTimeout(
            () =>
              (w.timerRanWhileBusy = Boolean(
                document.querySelector('[data-testid="busy"]')?.textContent,
              )),
            0,
          );
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByTestId('setup-create').click();
      await page.getByTestId('go-settings').waitFor({ timeout: patient(60_000) });
      expect(
        await page.evaluate(
          () => (window as unknown as { timerRanWhileBusy?: boolean }).timerRanWhileBusy,
        ),
      ).toBe(true);
      expect(workers.some((url) => /kdf-worker/.test(url))).toBe(true);
      expect(await storedHeader(page)).toMatchObject({ version: 2, kdf: { name: 'argon2id' } });
    });

    it('turns a PIN on in Settings; after a lock the PIN unlocks without the passphrase', async () => {
      await page.getByTestId('go-settings').click();
      // Headless Chromium has no authenticator: no passkey is offered.
      expect(await page.getByTestId('quick-passkey-enable').count()).toBe(0);
      await page.getByTestId('quick-pin-enable').click();
      await page.getByTestId('quick-pin-new').fill(PIN);
      await page.getByTestId('quick-pin-confirm').fill('135791');
      await page.getByTestId('quick-pin-save').click();
      await page.getByText('The two PINs are not the same.').waitFor();
      await page.getByTestId('quick-pin-confirm').fill(PIN);
      await page.getByTestId('quick-pin-save').click();
      await page.getByTestId('quick-pin-on').waitFor();
      await page.getByTestId('lock').click();
      await page.getByTestId('quick-pin-input').waitFor();
      await documentationShot(page, 'wallet-quick-unlock');
      await lockAndPin(PIN);
      await page.getByTestId('lock').waitFor();
    });

    it('counts wrong PINs down, and the 5th erases quick unlock: the passphrase is needed and still works', async () => {
      await page.getByTestId('lock').click();
      for (const left of [4, 3, 2, 1]) {
        await lockAndPin('000000');
        await expect
          .poll(() => page.getByTestId('quick-pin-problem').textContent())
          .toBe(`Wrong PIN. Tries left: ${left}.`);
      }
      // The right PIN still works on the last try, and the count starts again.
      await lockAndPin(PIN);
      await page.getByTestId('lock').click();
      for (const left of [4, 3, 2, 1]) {
        await lockAndPin('111111');
        await expect
          .poll(() => page.getByTestId('quick-pin-problem').textContent())
          .toBe(`Wrong PIN. Tries left: ${left}.`);
      }
      await lockAndPin('111111');
      await page.getByTestId('unlock-passphrase').waitFor();
      expect(await page.getByTestId('flash').textContent()).toContain('Too many wrong PINs');
      // Reloading does not bring the PIN back: the kept key is gone, not hidden.
      await page.reload();
      await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      await page.getByTestId('go-settings').click();
      await page.getByTestId('quick-pin-enable').waitFor();
      expect(await page.getByTestId('quick-pin-on').count()).toBe(0);
    });

    it('the passphrase link always works; turning quick unlock off and deleting everything remove it', async () => {
      await page.getByTestId('quick-pin-enable').click();
      await page.getByTestId('quick-pin-new').fill(PIN);
      await page.getByTestId('quick-pin-confirm').fill(PIN);
      await page.getByTestId('quick-pin-save').click();
      await page.getByTestId('quick-pin-on').waitFor();
      await page.getByTestId('lock').click();
      await page.getByTestId('quick-use-passphrase').click();
      await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      // Back where the holder was when the wallet locked.
      await page.getByTestId('quick-off').click();
      await page.getByTestId('quick-pin-enable').waitFor();
      await page.getByTestId('lock').click();
      await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      // Deleting everything takes a PIN with it: no database is left behind.
      await page.getByTestId('quick-pin-enable').click();
      await page.getByTestId('quick-pin-new').fill(PIN);
      await page.getByTestId('quick-pin-confirm').fill(PIN);
      await page.getByTestId('quick-pin-save').click();
      await page.getByTestId('quick-pin-on').waitFor();
      await page.getByTestId('delete-understood').check();
      await page.getByTestId('delete-everything').click();
      await page.getByTestId('setup-create').waitFor();
      expect(
        await page.evaluate(() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))),
      ).not.toContain('sanad-quick-unlock');
    });

    /** A phone page on the sandbox by name (WebAuthn takes a domain, not an IP address) with a virtual authenticator. */
    async function phoneWithAuthenticator({ prf }: { prf: boolean }): Promise<void> {
      page = await newPhone(suite.sandbox.walletUrl!.replace('127.0.0.1', 'localhost'));
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          ctap2Version: 'ctap2_1',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          hasPrf: prf,
          automaticPresenceSimulation: true,
        },
      });
    }

    it('turns a passkey with PRF on (a virtual authenticator) and unlocks with it', async () => {
      await phoneWithAuthenticator({ prf: true });
      await createWallet();
      await page.getByTestId('go-settings').click();
      await page.getByTestId('quick-passkey-enable').click();
      await page.getByTestId('quick-passkey-on').waitFor();
      await page.getByTestId('lock').click();
      await page.getByTestId('quick-passkey-unlock').click();
      await page.getByTestId('quick-off').waitFor();
      // Off again: the passphrase is asked for at the next unlock.
      await page.getByTestId('quick-off').click();
      await page.getByTestId('quick-passkey-enable').waitFor();
      await page.getByTestId('lock').click();
      await page.getByTestId('unlock-passphrase').waitFor();
    });

    it('a passkey without PRF is refused in plain words, and quick unlock stays off', async () => {
      await phoneWithAuthenticator({ prf: false });
      await createWallet();
      await page.getByTestId('go-settings').click();
      await page.getByTestId('quick-passkey-enable').click();
      await expect
        .poll(() => page.getByTestId('error').textContent())
        .toBe('This passkey cannot unlock the wallet. Use a PIN instead, or another passkey.');
      await page.getByTestId('quick-passkey-enable').waitFor();
    });

    it('opens a version 1 (scrypt) wallet with its passphrase and re-seals it as version 2 with Argon2id', async () => {
      page = await newPhone();
      await page.getByTestId('setup-create').waitFor();
      const v1 = [...(await readFile(V1_WALLET))];
      await putStoredWallet(page, v1);
      await page.reload();
      expect(await storedHeader(page)).toMatchObject({ version: 1, kdf: { name: 'scrypt' } });
      await page.getByTestId('unlock-passphrase').fill(V1_PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      await page.getByTestId('go-settings').waitFor({ timeout: patient(60_000) });
      expect(await storedHeader(page)).toMatchObject({
        version: 2,
        generation: 2,
        kdf: { name: 'argon2id' },
      });
      await page.getByTestId('lock').click();
      await page.getByTestId('unlock-passphrase').fill(V1_PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      await page.getByTestId('go-settings').waitFor();
    });
  },
);
