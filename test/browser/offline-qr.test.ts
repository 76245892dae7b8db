/**
 * "No internet? Use QR codes" with real cameras, in real Chromium against the sandbox: the desk
 * shows its signed request in a small code, the wallet's camera (a clip of the desk's own
 * screenshot, downscaled to a cheap camera's 480 pixels) reads it, the holder agrees, the wallet
 * shows its answer (a cycling sequence of codes when one would be too dense), and the desk's
 * camera (a clip of the wallet's screenshots, downscaled the same way) reads it; the desk says the
 * answer is valid. Every code on the way is also read from its downscaled screenshot with jsQR.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandOfflineRequest } from '@sanad/core';
import { type Sandbox, SANDBOX_CLAIMS, startSandbox } from '@sanad/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrPartCollector } from '../../packages/web-qr/src/qr-sequence.js';
import { readQrPixels } from '../../packages/web-qr/src/read-pixels.js';
import {
  browserSkipReason,
  createWalletOnPage,
  DESK_DIST,
  downscaledShot,
  type GreyImage,
  greyOf,
  launchChromium,
  PHONE,
  qrCameraClip,
  screenCameraClip,
  WALLET_DIST,
} from '../support/browser.js';
import { screenshotOnFailure } from '../support/failure-screenshots.js';
import { patient } from '../support/patience.js';

const PASSPHRASE = 'amal keeps her own papers';
const SCREEN = { ...PHONE, deviceScaleFactor: 2 };
/** How many screenshots of the wallet's cycling sequence to take at most before giving up. */
const MAX_SHOTS = 200;

const version = (text: string): number =>
  QRCode.create(text, { errorCorrectionLevel: 'L' }).version;

let dir: string;
let sandbox: Sandbox;
let walletBrowser: Browser;
let deskBrowser: Browser;
let walletContext: BrowserContext;
let wallet: Page;
let desk: Page;
let walletCamera: string;
let deskCamera: string;

beforeAll(async () => {
  if (browserSkipReason) return;
  for (const built of [WALLET_DIST, DESK_DIST])
    if (!existsSync(join(built, 'index.html')))
      throw new Error(`${built} is missing: run pnpm build:web (pnpm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'sanad-offline-qr-'));
  sandbox = await startSandbox({
    dataDir: join(dir, 'sandbox'),
    port: 0,
    walletDir: WALLET_DIST,
    deskDir: DESK_DIST,
  });
  // Each camera films nothing yet: its clip is written once there is a screen to film.
  walletCamera = await qrCameraClip('SANAD TEST', dir, 'wallet-camera.y4m');
  deskCamera = await qrCameraClip('SANAD TEST', dir, 'desk-camera.y4m');
  walletBrowser = await launchChromium({ fakeCamera: walletCamera });
  deskBrowser = await launchChromium({ fakeCamera: deskCamera });
  walletContext = await walletBrowser.newContext({ ...SCREEN, locale: 'en-GB' });
  wallet = await walletContext.newPage();
  desk = await (await deskBrowser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  for (const [who, page] of [
    ['wallet', wallet],
    ['desk', desk],
  ] as const)
    page.on('pageerror', (e) => console.error(`${who} page error: ${e.message}`));
}, patient(120_000));

afterAll(async () => {
  await walletBrowser?.close();
  await deskBrowser?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

screenshotOnFailure(() => ({ wallet, desk }));

describe.skipIf(browserSkipReason !== undefined)(
  `no internet, QR codes and cameras in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'the holder has a credential (received online, by link)',
      async () => {
        await wallet.goto(sandbox.walletUrl!);
        await createWalletOnPage(wallet, PASSPHRASE);
        const offer = await sandbox.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
        await wallet.getByTestId('go-receive').click();
        await wallet.getByTestId('receive-link').fill(offer.offerUri);
        await wallet.getByTestId('receive-submit').click();
        await wallet.getByTestId('txcode-input').fill(offer.txCode!);
        await wallet.getByTestId('txcode-submit').click();
        await wallet.getByTestId('receive-done').waitFor({ timeout: patient(20_000) });
        await wallet.getByRole('button', { name: 'Sanad' }).first().click();
        await wallet.getByTestId('go-present').waitFor();
      },
      patient(120_000),
    );

    it(
      'desk -> wallet camera -> consent -> answer codes -> desk camera: valid, every code read from 480-pixel pictures',
      async () => {
        // The desk: no internet for the holder, so the request is shown as one small code.
        await desk.goto(`${sandbox.verifierUrl}/desk/`);
        if (await desk.getByTestId('desk-token').isVisible()) {
          await desk.getByTestId('desk-token').fill(sandbox.operatorToken);
          await desk.getByTestId('desk-sign-in').click();
        }
        await desk.locator('[data-testid="desk-preset"][data-preset="over-18"]').click();
        await desk.getByTestId('desk-qr').waitFor();
        await desk.getByRole('button', { name: 'No internet? Use QR codes' }).click();
        const deskQr = desk.getByTestId('desk-qr');
        await expect.poll(() => deskQr.getAttribute('data-request')).toMatch(/^SANADR1:/);
        await deskQr.locator('img').waitFor();
        const request = (await deskQr.getAttribute('data-request'))!;
        const byValue = expandOfflineRequest(request).authorizationRequest;
        console.info(
          `request QR: version ${version(byValue)} by value (${byValue.length} characters) -> version ${version(request)} as SANADR1: (${request.length} characters)`,
        );
        expect(version(request)).toBeLessThanOrEqual(15);
        const deskPicture = await downscaledShot(deskQr);
        expect(readQrPixels(deskPicture.rgba, deskPicture.width, deskPicture.height)).toBe(request);

        // The wallet's camera films that picture; from here on the phone has no network.
        await screenCameraClip([greyOf(deskPicture)], walletCamera);
        await walletContext.setOffline(true);
        try {
          await wallet.getByTestId('go-present').click();
          await wallet.getByTestId('scan').click();
          await wallet.getByTestId('consent').waitFor({ timeout: patient(60_000) });
          expect(await wallet.getByTestId('consent-shared').textContent()).toContain('18');
          await wallet.getByRole('button', { name: 'No internet? Use QR codes' }).click();
          const answer = (await wallet
            .getByTestId('offline')
            .getAttribute('data-code', { timeout: patient(20_000) }))!;
          expect(answer).toMatch(/^SANAD1:/);

          // The wallet's screen, shot by shot, downscaled and read like the desk's camera will.
          const qr = wallet.getByTestId('qr');
          await expect.poll(async () => (await qr.innerHTML()).includes('<svg')).toBe(true);
          const sequence = await wallet.getByTestId('qr-sequence').count();
          const collect = qrPartCollector();
          const pictures = new Map<string, GreyImage>();
          let whole: string | undefined;
          for (let shot = 0; shot < MAX_SHOTS && whole === undefined; shot += 1) {
            const picture = await downscaledShot(qr);
            const code = readQrPixels(picture.rgba, picture.width, picture.height);
            if (code === undefined || pictures.has(code)) continue;
            pictures.set(code, greyOf(picture));
            const step = collect(code);
            whole = step === undefined ? code : 'text' in step ? step.text : undefined;
          }
          expect(whole).toBe(answer);
          const parts = [...pictures.keys()];
          console.info(
            `answer QR: version ${version(answer)} as one code (${answer.length} characters) -> ${sequence ? `${parts.length} codes of version ${parts.map(version).join(', ')}` : 'one code'}`,
          );
          for (const part of parts) expect(version(part)).toBeLessThanOrEqual(15);

          // The desk's camera films the wallet's codes, half a second each, round and round, in an order of its own.
          await screenCameraClip([...pictures.values()].reverse(), deskCamera);
          // Every status line the desk shows while it reads, as the operator would see them.
          await desk.evaluate(() => {
            const seen: string[] = [];
            (window as unknown as { statusLines: string[] }).statusLines = seen;
            new MutationObserver(() =>
              document.querySelectorAll('[role="status"]').forEach((s) => {
                seen.push(s.textContent ?? '');
              }),
            ).observe(document.body, { subtree: true, childList: true, characterData: true });
          });
          await desk.getByTestId('desk-scan').click();
          const result = desk.getByTestId('desk-result');
          await result.waitFor({ timeout: patient(60_000) });
          const seen = await desk.evaluate(
            () => (window as unknown as { statusLines: string[] }).statusLines,
          );
          expect(await result.getAttribute('data-outcome')).toBe('valid');
          expect(
            await desk
              .getByTestId('desk-claims')
              .locator('[data-claim]')
              .evaluateAll((items) => items.map((i) => i.getAttribute('data-claim'))),
          ).toEqual(['age_over_18']);
          if (parts.length > 1)
            expect(
              seen.some((text) => new RegExp(`^\\d of ${parts.length} codes read`).test(text)),
            ).toBe(true);
        } finally {
          await walletContext.setOffline(false);
        }
      },
      patient(180_000),
    );
  },
);
