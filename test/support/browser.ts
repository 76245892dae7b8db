/**
 * Real Chromium for the browser tests: Debian's package driven by playwright-core (no browser
 * download). `.ci/run` installs it with apt; SANAD_CHROMIUM points elsewhere if needed.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';
import {
  type Browser,
  chromium,
  type LaunchOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { patient } from './patience.js';

export const CHROMIUM = process.env.SANAD_CHROMIUM ?? '/usr/bin/chromium';

const ROOT = join(import.meta.dirname, '..', '..');
/** The built web wallet and verifier desk (`pnpm build:web`; `pnpm test` builds them). */
export const WALLET_DIST = join(ROOT, 'packages', 'wallet-web', 'dist');
export const DESK_DIST = join(ROOT, 'packages', 'verifier-web', 'dist');
/** A cheap phone's screen. */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
};

/** The screenshots README.md and docs/web-wallet.md show. */
export const DOC_SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
/**
 * Takes the screenshot the docs show; it is written to `docs/screenshots` only on request
 * (`pnpm screenshots` sets SANAD_SCREENSHOTS=1), so a test run leaves the checkout clean.
 */
export const documentationShot = (page: Page, name: string): Promise<Buffer> =>
  page.screenshot({
    fullPage: true,
    ...(process.env.SANAD_SCREENSHOTS === '1'
      ? { path: join(DOC_SCREENSHOTS, `${name}.png`) }
      : {}),
  });

/** Puts `bytes` in the web wallet's IndexedDB record, as an older copy or another tool would. */
export const putStoredWallet = (page: Page, bytes: number[]): Promise<void> =>
  page.evaluate(
    (stored) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('sanad-wallet');
        open.onsuccess = () => {
          const tx = open.result.transaction('vault', 'readwrite');
          tx.objectStore('vault').put(new Uint8Array(stored), 'wallet');
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    bytes,
  );

/** Creates the wallet on the setup screen with `passphrase` and waits until it is open. */
export async function createWalletOnPage(page: Page, passphrase: string): Promise<void> {
  await page.getByTestId('setup-passphrase').fill(passphrase);
  await page.getByTestId('setup-confirm').fill(passphrase);
  await page.getByTestId('setup-create').click();
  await page.getByTestId('go-receive').waitFor({ timeout: patient(90_000) });
}

/**
 * Why the browser suite cannot run here, if it cannot: with only Node.js and npm the README's
 * test command reports it skipped; `.ci/run` installs Chromium and sets SANAD_REQUIRE_CHROMIUM=1,
 * which turns a missing browser into a failure instead.
 */
export const browserSkipReason: string | undefined =
  existsSync(CHROMIUM) || process.env.SANAD_REQUIRE_CHROMIUM === '1'
    ? undefined
    : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set SANAD_CHROMIUM`;

/** The flags a sandboxed CI machine needs: no GPU, no calls home (the network is closed). */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(
  options: { fakeCamera?: string } & LaunchOptions = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set SANAD_CHROMIUM.`,
    );
  const { fakeCamera, ...launch } = options;
  const camera = fakeCamera
    ? [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${fakeCamera}`,
      ]
    : [];
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...camera], ...launch });
}

/**
 * A camera that films a QR code: a Y4M clip (what Chromium's fake capture device plays) of `text`
 * as a black-on-white code, so the camera path of a page is tested with a real decode.
 */
export async function qrCameraClip(
  text: string,
  dir: string,
  name = 'camera.y4m',
): Promise<string> {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const size = qr.modules.size;
  const width = 1280;
  const height = 720;
  const scale = Math.floor((Math.min(width, height) - 40) / (size + 8));
  const origin = {
    x: Math.floor((width - size * scale) / 2),
    y: Math.floor((height - size * scale) / 2),
  };
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy += 1)
        luma.fill(
          16,
          (origin.y + y * scale + dy) * width + origin.x + x * scale,
          (origin.y + y * scale + dy) * width + origin.x + (x + 1) * scale,
        );
    }
  }
  return writeY4m(
    join(dir, name),
    width,
    height,
    Array.from({ length: 10 }, () => luma),
  );
}

/** A grey picture: one byte of brightness a pixel, row by row. */
export interface GreyImage {
  width: number;
  height: number;
  luma: Uint8Array;
}

/** A Y4M clip (10 frames a second, grey: chroma at its neutral value) of `frames`, each `width` × `height` luma. */
async function writeY4m(
  path: string,
  width: number,
  height: number,
  frames: Uint8Array[],
): Promise<string> {
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(
    path,
    Buffer.concat([header, ...frames.flatMap((luma) => [Buffer.from('FRAME\n'), luma, chroma])]),
  );
  return path;
}

/**
 * A camera filming a screen: a 640 × 480 clip (a cheap phone's camera preview) showing each of
 * `pictures` in turn, centred on white, for `framesEach` frames (10 a second), round and round
 * as Chromium plays it. Chromium opens the file when a page starts the camera, so a clip written
 * after launch (at the path given to {@link launchChromium}) is what the page films.
 */
export async function screenCameraClip(
  pictures: GreyImage[],
  path: string,
  framesEach = 5,
): Promise<string> {
  const width = 640;
  const height = 480;
  const frames = pictures.map((picture) => {
    const luma = Buffer.alloc(width * height, 255);
    const left = Math.max(0, Math.floor((width - picture.width) / 2));
    const top = Math.max(0, Math.floor((height - picture.height) / 2));
    for (let y = 0; y < Math.min(picture.height, height); y += 1) {
      luma.set(
        picture.luma.subarray(
          y * picture.width,
          y * picture.width + Math.min(picture.width, width),
        ),
        (top + y) * width + left,
      );
    }
    return luma;
  });
  return writeY4m(
    path,
    width,
    height,
    frames.flatMap((frame) => Array.from({ length: framesEach }, () => frame)),
  );
}

/** RGBA pixels, as a canvas holds them. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/**
 * A screenshot of `element` scaled by the browser (smoothly, as a camera's optics and sensor
 * would) to `width` pixels wide: what a low-resolution camera makes of a screen.
 */
export async function downscaledShot(element: Locator, width = 480): Promise<RgbaImage> {
  const png = (await element.screenshot()).toString('base64');
  const { height, base64 } = await element.page().evaluate(
    async ({ png, width }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const height = Math.round((image.naturalHeight * width) / image.naturalWidth);
      const context = new OffscreenCanvas(width, height).getContext('2d')!;
      context.imageSmoothingQuality = 'high';
      context.drawImage(image, 0, 0, width, height);
      const bytes = context.getImageData(0, 0, width, height).data;
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { height, base64: btoa(binary) };
    },
    { png, width },
  );
  return { width, height, rgba: new Uint8ClampedArray(Buffer.from(base64, 'base64')) };
}

/** The brightness of each pixel (ITU-R BT.601 weights). */
export function greyOf(image: RgbaImage): GreyImage {
  const luma = new Uint8Array(image.width * image.height);
  for (let i = 0; i < luma.length; i += 1)
    luma[i] = Math.round(
      0.299 * image.rgba[i * 4]! + 0.587 * image.rgba[i * 4 + 1]! + 0.114 * image.rgba[i * 4 + 2]!,
    );
  return { width: image.width, height: image.height, luma };
}
