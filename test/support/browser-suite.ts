/**
 * A browser suite's shared parts: the sandbox services serving the built wallet (and desk), one
 * Chromium, a temporary folder; started before the suite's tests, removed after.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@sanad/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { browserSkipReason, launchChromium, WALLET_DIST } from './browser.js';
import { patient } from './patience.js';

export interface WalletSuite {
  dir: string;
  sandbox: Sandbox;
  browser: Browser;
}

/** Registers the suite's set-up and clean-up; the fields are filled before its first test. */
export function walletSuite(prefix: string): WalletSuite {
  const suite = {} as WalletSuite;
  beforeAll(async () => {
    if (browserSkipReason) return;
    if (!existsSync(join(WALLET_DIST, 'index.html')))
      throw new Error(`${WALLET_DIST} is missing: run pnpm build:web (pnpm test does).`);
    suite.dir = await mkdtemp(join(tmpdir(), prefix));
    suite.sandbox = await startSandbox({
      dataDir: join(suite.dir, 'sandbox'),
      port: 0,
      walletDir: WALLET_DIST,
    });
    suite.browser = await launchChromium();
  }, patient(120_000));
  afterAll(async () => {
    await suite.browser?.close();
    await suite.sandbox?.close();
    if (suite.dir) await rm(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
