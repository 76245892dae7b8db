/**
 * The web wallet's first paint on a slow link, in real Chromium against the sandbox: the app
 * shell of index.html shows the title bar and "Opening your wallet…" in the holder's language
 * before any bundle has arrived, and the first screen (create, unlock) does not wait for the
 * protocol libraries (the `wallet-library` chunk), which are held back here until the test
 * lets them through. Speed itself is measured by `pnpm bench:web`, not asserted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, PHONE, WALLET_DIST } from '../support/browser.js';
import { walletSuite } from '../support/browser-suite.js';
import { patient } from '../support/patience.js';

const PASSPHRASE = 'amal keeps her own papers';

const suite = walletSuite('sanad-first-paint-');

/** Requests for the app's scripts whose file name starts with `chunk`, held until `release()`. */
async function holdChunk(
  context: BrowserContext,
  chunk: string,
): Promise<{ held: () => number; release: () => void }> {
  const waiting: Route[] = [];
  let released = false;
  await context.route(new RegExp(`/assets/${chunk}-[^/]+\\.js$`), (route) =>
    released ? route.continue() : void waiting.push(route),
  );
  return {
    held: () => waiting.length,
    release: () => {
      released = true;
      for (const route of waiting.splice(0)) void route.continue();
    },
  };
}

/**
 * The shell as painted once its script ran: that classic script blocks the parser, so the
 * document leaves `loading` only after it, while the held module script (deferred) has not run.
 * The title bar alone can be read before the script arrives, in the HTML's English.
 */
const shellText = async (page: Page) => {
  await page.waitForFunction(() => document.readyState !== 'loading');
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    title: document.querySelector('.bar__title')?.textContent,
    status: document.querySelector('[role="status"]')?.textContent,
  }));
};

/** The packages of every source in the chunks index.html loads before anything else (the entry and what it imports statically). */
function firstScreenPackages(): Set<string> {
  const entry = /<script type="module"[^>]* src="\.\/(assets\/[^"]+\.js)"/.exec(
    readFileSync(join(WALLET_DIST, 'index.html'), 'utf8'),
  )![1]!;
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (chunk: string) => {
    if (seen.has(chunk)) return;
    seen.add(chunk);
    // The bundler's own runtime chunk has no source map: it holds no package.
    if (
      /\/rolldown-runtime-[\w-]+\.js$/.test(chunk) &&
      !existsSync(join(WALLET_DIST, `${chunk}.map`))
    )
      return;
    const map = JSON.parse(readFileSync(join(WALLET_DIST, `${chunk}.map`), 'utf8')) as {
      sources: string[];
    };
    for (const source of map.sources) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(source)?.[1];
      if (name) packages.add(name);
    }
    for (const [, next] of readFileSync(join(WALLET_DIST, chunk), 'utf8').matchAll(
      /(?:from|import)\s*"\.\/([^"]+\.js)"/g,
    ))
      visit(join('assets', next!));
  };
  visit(entry);
  return packages;
}

describe.skipIf(browserSkipReason !== undefined)(
  `first paint${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it('the first screen loads none of the protocol libraries', () => {
      const first = firstScreenPackages();
      expect(first).toContain('preact');
      for (const library of [
        '@openid4vc/oauth2',
        '@openid4vc/openid4vci',
        '@openid4vc/openid4vp',
        '@openid4vc/utils',
        'dcql',
        'did-jwt-vc',
        'did-jwt',
        '@veramo/core',
        '@veramo/key-manager',
        'zod',
        'valibot',
        '@sd-jwt/core',
      ])
        expect(first, library).not.toContain(library);
    });

    it('paints the app shell in the browser language before the app script arrives', async () => {
      const context = await suite.browser.newContext({ ...PHONE, locale: 'ar-SY' });
      try {
        await holdChunk(context, 'app');
        const page = await context.newPage();
        // Not `domcontentloaded`: that waits for the held module script.
        await page.goto(suite.sandbox.walletUrl!, { waitUntil: 'commit' });
        await page.locator('.bar__title').waitFor();
        expect(await shellText(page)).toEqual({
          lang: 'ar',
          dir: 'rtl',
          title: 'محفظة سند',
          status: 'جارٍ فتح محفظتك…',
        });
        expect(await page.evaluate(() => document.title)).toBe('محفظة سند');
        expect(
          await page.evaluate(
            () => getComputedStyle(document.querySelector('.bar')!).backgroundColor,
          ),
        ).toBe('rgb(11, 85, 99)');
      } finally {
        await context.close();
      }
    });

    it('the shell takes the language the holder chose before over the browser one', async () => {
      const context = await suite.browser.newContext({ ...PHONE, locale: 'en-GB' });
      try {
        await context.addInitScript(() => localStorage.setItem('sanad-language', 'fr'));
        await holdChunk(context, 'app');
        const page = await context.newPage();
        await page.goto(suite.sandbox.walletUrl!, { waitUntil: 'commit' });
        await page.locator('.bar__title').waitFor();
        expect(await shellText(page)).toEqual({
          lang: 'fr',
          dir: 'ltr',
          title: 'Portefeuille Sanad',
          status: 'Ouverture de votre portefeuille…',
        });
      } finally {
        await context.close();
      }
    });

    it('shows the create form without the protocol libraries, creates once they arrive, then unlocks', async () => {
      // No service worker: the reload below must go to the network, where the chunk is held.
      const context = await suite.browser.newContext({
        ...PHONE,
        locale: 'en-GB',
        serviceWorkers: 'block',
      });
      try {
        const library = await holdChunk(context, 'wallet-library');
        const page = await context.newPage();
        await page.goto(suite.sandbox.walletUrl!);
        await page.getByTestId('setup-create').waitFor();
        // The page has asked for the libraries in the background, and still has not got them.
        await expect.poll(library.held).toBeGreaterThan(0);
        await page.getByTestId('setup-passphrase').fill(PASSPHRASE);
        await page.getByTestId('setup-confirm').fill(PASSPHRASE);
        await page.getByTestId('setup-create').click();
        await page.getByTestId('busy').filter({ hasText: /.+/ }).waitFor();
        library.release();
        await page.getByTestId('go-receive').waitFor({ timeout: patient(60_000) });

        // A new visit: the unlock screen, again before the libraries, and unlocking waits for them.
        await context.unroute(/wallet-library/);
        const again = await holdChunk(context, 'wallet-library');
        await page.reload();
        await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
        await expect.poll(again.held).toBeGreaterThan(0);
        await page.getByTestId('unlock-submit').click();
        again.release();
        await page.getByTestId('go-receive').waitFor({ timeout: patient(60_000) });
      } finally {
        await context.close();
      }
    });
  },
);
