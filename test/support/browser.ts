/**
 * Real Chromium for the browser tests: Debian's package driven by playwright-core (no browser
 * download). `.ci/run` installs it with apt; SANAD_CHROMIUM points elsewhere if needed.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.SANAD_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser suite cannot run here, if it cannot: with only Node.js and npm the README's
 * test command reports it skipped; `.ci/run` installs Chromium and sets SANAD_REQUIRE_CHROMIUM=1,
 * which turns a missing browser into a failure instead.
 */
export const browserSkipReason: string | undefined =
  existsSync(CHROMIUM) || process.env.SANAD_REQUIRE_CHROMIUM === '1' ? undefined : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set SANAD_CHROMIUM`;

/** The flags a sandboxed CI machine needs: no GPU, no calls home (the network is closed). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchChromium(options: { fakeCamera?: string } & LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set SANAD_CHROMIUM.`);
  const { fakeCamera, ...launch } = options;
  const camera = fakeCamera ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${fakeCamera}`] : [];
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...camera], ...launch });
}

/**
 * A camera that films a QR code: a Y4M clip (what Chromium's fake capture device plays) of `text`
 * as a black-on-white code, so the camera path of a page is tested with a real decode.
 */
export async function qrCameraClip(text: string, dir: string, name = 'camera.y4m'): Promise<string> {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const size = qr.modules.size;
  const width = 1280;
  const height = 720;
  const scale = Math.floor((Math.min(width, height) - 40) / (size + 8));
  const origin = { x: Math.floor((width - size * scale) / 2), y: Math.floor((height - size * scale) / 2) };
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy += 1) luma.fill(16, (origin.y + y * scale + dy) * width + origin.x + x * scale, (origin.y + y * scale + dy) * width + origin.x + (x + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]));
  return path;
}
