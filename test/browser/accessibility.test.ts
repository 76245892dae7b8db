/**
 * Everyone can use the web wallet and the verifier desk: in real Chromium on a 360 px phone with
 * the text size at 200 %, in Arabic (right to left) and the other languages, every screen reflows
 * (no sideways scroll, every control on screen and at least 44 px, no word broken) and axe-core
 * finds nothing serious; focus lands on the new screen's heading after each action; the PIN
 * dialog holds focus and closes on Escape; values from issuers keep their own direction and are
 * shown in the holder's language; the desk speaks the wallet's languages.
 * Screenshots of a few screens go to <tmpdir>/sanad-accessibility-screens (outside the checkout).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, SANDBOX_CLAIMS, startSandbox } from '@sanad/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSeriousAxeViolations,
  expectReflows,
  setTextSize,
} from '../support/accessibility.js';
import {
  browserSkipReason,
  createWalletOnPage,
  DESK_DIST,
  documentationShot,
  launchChromium,
  PHONE,
  WALLET_DIST,
} from '../support/browser.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const SCREENS = join(tmpdir(), 'sanad-accessibility-screens');
const PASSPHRASE = 'amal keeps her own papers';
const SCREEN = { ...PHONE, timezoneId: 'America/Los_Angeles' };

let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let walletContext: BrowserContext;
let wallet: Page;
let desk: Page;
let backupFile: string;
let recoverySecret: string;

/** The whole screen checked: reflow at large text and axe-core. */
async function check(page: Page, where: string): Promise<void> {
  expect(
    await page.evaluate(() => getComputedStyle(document.documentElement).fontSize),
    `${where}: text at 200 %`,
  ).toBe('36px');
  await expectReflows(page, where);
  await expectNoSeriousAxeViolations(page, where);
}

/** What has keyboard focus: "heading" for the screen's heading, else its test id or tag. */
const focusIn = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    if (active.matches('main h1')) return 'heading';
    return active.getAttribute('data-testid') ?? active.tagName.toLowerCase();
  });

async function home(): Promise<void> {
  await wallet.locator('.bar__title').click();
  await wallet.getByTestId('go-receive').waitFor();
}

async function deskSignIn(page: Page): Promise<void> {
  await page.goto(`${sandbox.verifierUrl}/desk/`);
  await page.getByTestId('desk-token').fill(sandbox.operatorToken);
  await page.getByTestId('desk-sign-in').click();
  await page.getByTestId('desk-preset').first().waitFor();
}

beforeAll(async () => {
  if (browserSkipReason) return;
  for (const built of [WALLET_DIST, DESK_DIST])
    if (!existsSync(join(built, 'index.html')))
      throw new Error(`${built} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-accessibility-'));
  await mkdir(SCREENS, { recursive: true });
  sandbox = await startSandbox({
    dataDir: join(dir, 'sandbox'),
    port: 0,
    walletDir: WALLET_DIST,
    deskDir: DESK_DIST,
  });
  browser = await launchChromium();
  walletContext = await browser.newContext({ ...SCREEN, locale: 'ar-SY', acceptDownloads: true });
  wallet = await walletContext.newPage();
  await setTextSize(wallet, 200);
  desk = await (await browser.newContext({ ...SCREEN, locale: 'ar' })).newPage();
  await setTextSize(desk, 200);
}, patient(120_000));

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

screenshotOnFailure(() => ({ wallet, desk }));

describe.skipIf(browserSkipReason !== undefined)(
  `accessibility in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'Arabic at 200 % text: setup reflows and passes axe; creating the wallet moves focus to the home heading',
      async () => {
        await wallet.goto(sandbox.walletUrl!);
        await wallet.getByTestId('setup-create').waitFor();
        await expect
          .poll(() =>
            wallet.evaluate(() => [
              document.documentElement.lang,
              document.documentElement.dir,
              getComputedStyle(document.documentElement).fontSize,
            ]),
          )
          .toEqual(['ar', 'rtl', '36px']);
        await check(wallet, 'setup');
        await createWalletOnPage(wallet, PASSPHRASE);
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'home, empty');
      },
      patient(120_000),
    );

    it(
      'the PIN dialog holds focus, closes on Escape and gives focus back to its opener; its hint is in the holder language',
      async () => {
        const offer = await sandbox.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
        await wallet.getByTestId('go-receive').click();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'receive');
        await wallet.getByTestId('receive-link').fill(offer.offerUri);
        await wallet.getByTestId('receive-submit').click();
        await wallet.getByTestId('txcode-input').waitFor({ timeout: patient(20_000) });
        await expect.poll(() => focusIn(wallet)).toBe('txcode-input');
        // The sandbox issuer's own hint is one English string: the holder gets ours, in Arabic, with the length.
        expect(await wallet.getByTestId('txcode-hint').textContent()).toBe(
          'أدخل الرقم السري الذي أعطتك إياه الجهة، وهو من 6 أرقام.',
        );
        await check(wallet, 'PIN dialog');
        await shot(wallet, 'wallet-pin-ar-200');

        const inDialog = () =>
          wallet.evaluate(() => document.activeElement?.closest('dialog[open]') !== null);
        for (let i = 0; i < 4; i += 1) {
          await wallet.keyboard.press('Tab');
          expect(await inDialog()).toBe(true);
        }
        await wallet.getByTestId('txcode-input').focus();
        await wallet.keyboard.press('Shift+Tab');
        expect(await focusIn(wallet)).toBe('txcode-cancel');
        await wallet.keyboard.press('Tab');
        expect(await focusIn(wallet)).toBe('txcode-input');

        await wallet.keyboard.press('Escape');
        await expect.poll(() => wallet.locator('dialog[open]').count()).toBe(0);
        await expect.poll(() => focusIn(wallet)).toBe('receive-submit');

        await wallet.getByTestId('receive-submit').click();
        await wallet.getByTestId('txcode-input').fill(offer.txCode!);
        await wallet.getByTestId('txcode-submit').click();
        await wallet.getByTestId('receive-done').waitFor({ timeout: patient(20_000) });
        await expect.poll(() => focusIn(wallet)).not.toBe('body');
        await check(wallet, 'received');
      },
      patient(120_000),
    );

    it(
      'a card is named by its type, issuer and validity; the credential shows dates and countries in Arabic, values isolated',
      async () => {
        await home();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'home with a card');
        await shot(wallet, 'wallet-home-ar-200');
        await documentationShot(wallet, 'wallet-home-ar-200');
        const card = wallet.getByRole('button', {
          name: /صفة اللاجئ.*صادرة عن.*وكالة سند التجريبية.*صالحة حتى/,
        });
        expect(await card.count()).toBe(1);

        await card.click();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        const rows = await wallet
          .getByTestId('credential-claims')
          .locator('.claims__row')
          .evaluateAll((items) =>
            items.map((row) => ({
              label: row.querySelector('dt')!.textContent,
              value: row.querySelector('dd > bdi')?.textContent ?? 'not isolated',
            })),
          );
        const value = (label: string) => rows.find((r) => r.label === label)?.value;
        // Latin digits in Arabic (the wallet's one digit system), the calendar day as issued.
        expect(value('تاريخ الميلاد')).toBe(
          new Intl.DateTimeFormat('ar-u-nu-latn', { dateStyle: 'long', timeZone: 'UTC' }).format(
            Date.UTC(1994, 2, 12),
          ),
        );
        expect(value('تاريخ الميلاد')).toContain('12');
        expect(value('الجنسية')).toBe(new Intl.DisplayNames('ar', { type: 'region' }).of('SY'));
        expect(value('رقم الملف')).toBe('SANDBOX-0001');
        expect(rows.every((r) => r.value !== 'not isolated')).toBe(true);
        await check(wallet, 'credential');
        await shot(wallet, 'wallet-credential-ar-200');
      },
      patient(60_000),
    );

    it(
      'the desk in Arabic at 200 %: sign-in, presets and waiting reflow and pass axe; consent, sharing and the result too',
      async () => {
        await desk.goto(`${sandbox.verifierUrl}/desk/`);
        await desk.getByTestId('desk-token').waitFor();
        await expect
          .poll(() =>
            desk.evaluate(() => [
              document.documentElement.lang,
              document.documentElement.dir,
              getComputedStyle(document.documentElement).fontSize,
            ]),
          )
          .toEqual(['ar', 'rtl', '36px']);
        await check(desk, 'desk sign-in');
        await desk.getByTestId('desk-token').fill(sandbox.operatorToken);
        await desk.getByTestId('desk-sign-in').click();
        await desk.getByTestId('desk-preset').first().waitFor();
        await check(desk, 'desk presets');
        await desk.locator('[data-testid="desk-preset"][data-preset="registered-refugee"]').click();
        const qr = desk.getByTestId('desk-qr');
        await qr.locator('img').waitFor();
        await check(desk, 'desk waiting');
        const request = (await qr.getAttribute('data-request'))!;

        await home();
        await wallet.getByTestId('go-present').click();
        await check(wallet, 'present');
        await wallet.getByTestId('present-link').fill(request);
        await wallet.getByTestId('present-open').click();
        await wallet.getByTestId('consent').waitFor({ timeout: patient(20_000) });
        const shared = await wallet
          .getByTestId('consent-shared')
          .locator('.claim-value')
          .allTextContents();
        expect(shared).toEqual(['SANDBOX-0001']);
        await check(wallet, 'consent');
        await wallet.getByTestId('consent-share').click();
        await wallet.getByTestId('present-done').waitFor({ timeout: patient(20_000) });
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'shared');

        await desk.getByTestId('desk-result').waitFor({ timeout: patient(20_000) });
        expect(await desk.getByTestId('desk-result').getAttribute('data-outcome')).toBe('valid');
        await check(desk, 'desk result');
        await shot(desk, 'desk-result-ar-200');
      },
      patient(120_000),
    );

    it(
      'history and settings reflow and pass axe; a backup is made',
      async () => {
        await home();
        await wallet.getByTestId('go-history').click();
        await wallet.getByTestId('history').waitFor();
        // The date and the verifier's name sit in their own bidi isolates inside the Arabic sentence.
        expect(await wallet.getByTestId('history').locator('strong bdi').count()).toBe(2);
        await check(wallet, 'history');
        await home();
        await wallet.getByTestId('go-settings').click();
        await check(wallet, 'settings');
        await wallet.getByTestId('backup-export').click();
        recoverySecret = (await wallet
          .getByTestId('backup-secret')
          .textContent({ timeout: patient(60_000) }))!.trim();
        const [download] = await Promise.all([
          wallet.waitForEvent('download'),
          wallet.getByTestId('backup-download').click(),
        ]);
        backupFile = join(dir, 'wallet.backup');
        await download.saveAs(backupFile);
        await check(wallet, 'settings with a backup');
      },
      patient(120_000),
    );

    it(
      'focus goes to the heading after lock, unlock, erase and restore; those screens reflow and pass axe',
      async () => {
        await wallet.getByTestId('lock').click();
        await wallet.getByTestId('unlock-passphrase').waitFor();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'unlock');
        await wallet.getByTestId('unlock-passphrase').fill(PASSPHRASE);
        await wallet.getByTestId('unlock-submit').click();
        // Unlocked where it was locked: on the settings.
        await wallet.getByTestId('backup-export').waitFor({ timeout: patient(60_000) });
        await expect.poll(() => focusIn(wallet)).toBe('heading');

        await wallet.getByTestId('delete-understood').check();
        await wallet.getByTestId('delete-everything').click();
        await wallet.getByTestId('setup-create').waitFor();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await wallet.locator('main button.button--link').click();
        await wallet.getByTestId('restore-file').waitFor();
        await expect.poll(() => focusIn(wallet)).toBe('heading');
        await check(wallet, 'restore');
        await wallet.getByTestId('restore-file').setInputFiles(backupFile);
        await wallet.getByTestId('restore-secret').fill(recoverySecret);
        await wallet.getByTestId('restore-passphrase').fill(PASSPHRASE);
        await wallet.getByTestId('restore-submit').click();
        await wallet.getByTestId('card').waitFor({ timeout: patient(60_000) });
        await expect.poll(() => focusIn(wallet)).toBe('heading');
      },
      patient(180_000),
    );

    it(
      'English, French and Spanish at 200 % reflow too, on every screen of the open wallet',
      async () => {
        for (const code of ['en', 'fr', 'es']) {
          await wallet.getByTestId('language').selectOption(code);
          await home();
          await expectReflows(wallet, `${code} home`);
          await wallet.getByTestId('card').click();
          await expectReflows(wallet, `${code} credential`);
          for (const go of ['go-receive', 'go-present', 'go-history', 'go-settings']) {
            await home();
            await wallet.getByTestId(go).click();
            await expectReflows(wallet, `${code} ${go}`);
          }
        }
        await expectNoSeriousAxeViolations(wallet, 'es settings');
        await wallet.getByTestId('language').selectOption('ar');
      },
      patient(120_000),
    );

    it(
      'the desk in English, French and Spanish at 200 % reflows on presets, waiting and a result',
      async () => {
        await desk.getByTestId('desk-next').click();
        for (const code of ['en', 'fr', 'es']) {
          await desk.getByTestId('desk-language').selectOption(code);
          await desk.getByTestId('desk-preset').first().waitFor();
          await expectReflows(desk, `desk ${code} presets`);
          await desk.locator('[data-testid="desk-preset"][data-preset="over-18"]').click();
          await desk.getByTestId('desk-qr').locator('img').waitFor();
          await expectReflows(desk, `desk ${code} waiting`);
          const request = (await desk.getByTestId('desk-qr').getAttribute('data-request'))!;
          await home();
          await wallet.getByTestId('go-present').click();
          await wallet.getByTestId('present-link').fill(request);
          await wallet.getByTestId('present-open').click();
          await wallet.getByTestId('consent-share').click();
          await desk.getByTestId('desk-result').waitFor({ timeout: patient(20_000) });
          await expectReflows(desk, `desk ${code} result`);
          await desk.getByTestId('desk-next').click();
        }
        await expectNoSeriousAxeViolations(desk, 'desk es presets');
      },
      patient(120_000),
    );

    it(
      'the desk takes the browser language, switches with its picker (Arabic right to left) and remembers the choice',
      async () => {
        const page = await (
          await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'es-MX' })
        ).newPage();
        await page.goto(`${sandbox.verifierUrl}/desk/`);
        const heading = page.locator('main h2');
        await expect.poll(() => heading.textContent()).toBe('Iniciar sesión');
        expect(
          await page.evaluate(() => [
            document.documentElement.lang,
            document.documentElement.dir,
            document.title,
          ]),
        ).toEqual(['es', 'ltr', 'Mostrador Sanad']);
        await page.getByTestId('desk-language').selectOption('ar');
        expect(await heading.textContent()).toBe('تسجيل الدخول');
        expect(
          await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
        ).toEqual(['ar', 'rtl']);
        await page.reload();
        await expect.poll(() => heading.textContent()).toBe('تسجيل الدخول');
        await page.getByTestId('desk-language').selectOption('fr');
        await deskSignIn(page);
        expect(await heading.textContent()).toBe('Que devez-vous vérifier ?');
        await expectNoSeriousAxeViolations(page, 'desk presets in French');
        await page.context().close();
      },
      patient(60_000),
    );
  },
);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
