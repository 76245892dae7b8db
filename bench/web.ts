/**
 * `pnpm bench:web`: the web wallet on a cheap phone, in real Chromium against the sandbox on
 * loopback. Each run is a new browser profile (a cold cache): first load, create, receive,
 * present, lock and unlock with the passphrase, then with a PIN where the wallet offers one.
 * Twice: as a cheap phone (360x740, CPU 6x slower, slow 3G: 400 kbit/s and 400 ms round trips,
 * through the Chrome DevTools Protocol) and unthrottled. Prints the median, min and max of each
 * step beside its target; reports, never asserts (exit 1 only when the page breaks).
 * `--json` prints one JSON object instead; `--runs N` (default 3) runs per profile.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_CLAIMS, type Sandbox, startSandbox } from '@sanad/server';
import type { Browser, Page, Request } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { fmt } from './harness.js';

const json = process.argv.includes('--json');
const runsIndex = process.argv.indexOf('--runs');
const RUNS = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 3;
const ROOT = join(import.meta.dirname, '..');
const WALLET_DIST = join(ROOT, 'packages', 'wallet-web', 'dist');
const DESK_DIST = join(ROOT, 'packages', 'verifier-web', 'dist');
const PASSPHRASE = 'amal keeps her own papers';
const PIN = '482913';
/** Generous: a step that has not finished by then is broken, not slow. */
const STEP_TIMEOUT_MS = 120_000;

interface Profile {
  name: string;
  cpuSlowdown: number;
  /** CDP `Network.emulateNetworkConditions`; undefined: the loopback as it is. */
  network?: { latency: number; downloadThroughput: number; uploadThroughput: number };
}

const PROFILES: Profile[] = [
  {
    name: 'cheap phone (CPU 6x slower, slow 3G: 400 kbit/s, 400 ms RTT)',
    cpuSlowdown: 6,
    network: { latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 },
  },
  { name: 'unthrottled (this machine, loopback)', cpuSlowdown: 1 },
];

/** Each step, its unit and target (undefined: reported without one). */
const STEPS = [
  { key: 'firstPaint', name: 'first contentful paint, cold cache', unit: 'ms', target: 3000 },
  { key: 'usable', name: 'usable: the create form interactive', unit: 'ms', target: undefined },
  {
    key: 'firstLoadBytes',
    name: 'bytes transferred on first load (service worker included)',
    unit: 'KiB',
    target: undefined,
  },
  { key: 'create', name: 'create wallet', unit: 'ms', target: 4000 },
  { key: 'receive', name: 'receive a credential (offer link, PIN)', unit: 'ms', target: undefined },
  {
    key: 'present',
    name: 'present: open the request, share after consent',
    unit: 'ms',
    target: undefined,
  },
  {
    key: 'reopen',
    name: 'return visit: the unlock form interactive (service worker)',
    unit: 'ms',
    target: undefined,
  },
  { key: 'passphraseUnlock', name: 'unlock with the passphrase', unit: 'ms', target: 3000 },
  { key: 'pinUnlock', name: 'unlock with a PIN', unit: 'ms', target: 1000 },
] as const;
type StepKey = (typeof STEPS)[number]['key'];
/** One run's figures; a step the wallet does not offer is missing. */
/** A step the browser did not report stays undefined, and is printed as missing. */
type Run = { [K in StepKey]?: number | undefined };

const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
};

/** Milliseconds taken by `step`, measured here (the page's clock is slowed with its CPU). */
async function timed(step: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await step();
  return performance.now() - start;
}

async function firstLoad(page: Page, sandbox: Sandbox, run: Run): Promise<void> {
  let bytes = 0;
  const count = async (request: Request) => {
    const sizes = await request.sizes().catch(() => undefined);
    if (sizes) bytes += sizes.responseHeadersSize + sizes.responseBodySize;
  };
  // On the context: the service worker's precache downloads count too.
  page.context().on('requestfinished', count);
  await page.addInitScript(SEEN_SCRIPT);
  await page.goto(sandbox.walletUrl!);
  await page.getByTestId('setup-create').waitFor();
  const paint = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    usable: (window as { sanadSeen?: Record<string, number> }).sanadSeen?.['setup-create'],
  }));
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForLoadState('networkidle');
  page.context().off('requestfinished', count);
  run.firstPaint = paint.fcp;
  run.usable = paint.usable;
  run.firstLoadBytes = bytes / 1024;
}

/**
 * When each form first appears, on the page's own clock (navigation start is 0), in every page
 * load. A string, not a function: tsx's helpers (`__name`) do not exist in the page.
 */
const SEEN_SCRIPT = `window.sanadSeen = {};
new MutationObserver(() => {
  for (const id of ['setup-create', 'unlock-passphrase']) if (document.querySelector('[data-testid="' + id + '"]')) window.sanadSeen[id] ??= performance.now();
}).observe(document, { childList: true, subtree: true });`;

async function home(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Sanad/ }).first().click();
  await page.getByTestId('go-receive').waitFor();
}

/** Locks, then opens again with `open`; the time from the tap to the wallet open again (on the screen it was locked on). */
async function lockAndOpen(page: Page, open: () => Promise<void>): Promise<number> {
  await page.getByTestId('lock').click();
  return timed(async () => {
    await open();
    await page.getByTestId('lock').waitFor();
  });
}

/** Turns the PIN on in Settings and unlocks with it; undefined when this wallet has no PIN unlock. */
async function pinUnlock(page: Page): Promise<number | undefined> {
  await page.getByTestId('go-settings').click();
  // Settings is on screen when home has gone (one render: the screens are loaded by now).
  await page.getByTestId('go-receive').waitFor({ state: 'detached' });
  const enable = page.getByTestId('quick-pin-enable');
  if ((await enable.count()) === 0) return undefined;
  await enable.click();
  await page.getByTestId('quick-pin-new').fill(PIN);
  await page.getByTestId('quick-pin-confirm').fill(PIN);
  await page.getByTestId('quick-pin-save').click();
  // Saved when the form has gone (the PIN key is derived and stored first).
  await page.getByTestId('quick-pin-save').waitFor({ state: 'hidden' });
  return lockAndOpen(page, async () => {
    await page.getByTestId('quick-pin-input').fill(PIN);
    await page.getByTestId('quick-pin-submit').click();
  });
}

async function oneRun(browser: Browser, sandbox: Sandbox, profile: Profile): Promise<Run> {
  const context = await browser.newContext(PHONE);
  // For every action too: a tap on the 6x slower CPU can wait seconds for the page to answer.
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => process.stderr.write(`  page error: ${e.message}\n`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    if (profile.network)
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
    const run: Run = {};
    await firstLoad(page, sandbox, run);

    await page.getByTestId('setup-passphrase').fill(PASSPHRASE);
    await page.getByTestId('setup-confirm').fill(PASSPHRASE);
    run.create = await timed(async () => {
      await page.getByTestId('setup-create').click();
      await page.getByTestId('go-receive').waitFor();
    });

    const offer = await sandbox.createOffer({ type: 'refugee-status', claims: SANDBOX_CLAIMS });
    await page.getByTestId('go-receive').click();
    await page.getByTestId('receive-link').fill(offer.offerUri);
    run.receive = await timed(async () => {
      await page.getByTestId('receive-submit').click();
      await page.getByTestId('txcode-input').fill(offer.txCode!);
      await page.getByTestId('txcode-submit').click();
      await page.getByTestId('receive-done').waitFor();
    });

    const session = await sandbox.verifier.createSession({ preset: 'over-18' });
    await home(page);
    await page.getByTestId('go-present').click();
    await page.getByTestId('present-link').fill(session.authorizationRequest);
    // The holder's reading time on the consent screen is not the wallet's.
    const opening = await timed(async () => {
      await page.getByTestId('present-open').click();
      await page.getByTestId('consent').waitFor();
    });
    const sharing = await timed(async () => {
      await page.getByTestId('consent-share').click();
      await page.getByTestId('present-done').waitFor();
    });
    run.present = opening + sharing;
    await home(page);

    // A return visit: the app from the service worker, locked, opened with the passphrase.
    await page.reload();
    await page.getByTestId('unlock-passphrase').waitFor();
    run.reopen = await page.evaluate(
      () => (window as { sanadSeen?: Record<string, number> }).sanadSeen?.['unlock-passphrase'],
    );
    run.passphraseUnlock = await timed(async () => {
      await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      await page.getByTestId('card').first().waitFor();
    });
    const pin = await pinUnlock(page);
    if (pin !== undefined) run.pinUnlock = pin;
    await cdp.detach();
    return run;
  } finally {
    await context.close();
  }
}

interface Summary {
  key: StepKey;
  name: string;
  unit: string;
  target?: number;
  median?: number;
  min?: number;
  max?: number;
  met?: boolean;
}

function summarise(runs: Run[]): Summary[] {
  return STEPS.map(({ key, name, unit, target }) => {
    const values = runs
      .map((r) => r[key])
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    if (values.length === 0)
      return { key, name, unit, ...(target !== undefined ? { target } : {}) };
    const median = values[Math.floor(values.length / 2)]!;
    return {
      key,
      name,
      unit,
      median,
      min: values[0]!,
      max: values.at(-1)!,
      ...(target !== undefined ? { target, met: median <= target } : {}),
    };
  });
}

function print(profile: Profile, rows: Summary[]): void {
  process.stdout.write(`\n${profile.name}: median (min-max) of ${RUNS} runs\n`);
  for (const row of rows) {
    const value =
      row.median === undefined
        ? 'not available'
        : `${fmt(row.median, 0)} ${row.unit} (${fmt(row.min!, 0)}-${fmt(row.max!, 0)})`;
    const target =
      row.target === undefined
        ? ''
        : `target <= ${fmt(row.target, 0)} ${row.unit}${row.met === undefined ? '' : row.met ? '  met' : '  MISSED'}`;
    process.stdout.write(`  ${row.name.padEnd(60)} ${value.padStart(24)}  ${target}\n`);
  }
}

if (!existsSync(join(WALLET_DIST, 'index.html'))) {
  process.stderr.write(`${WALLET_DIST} is missing: run pnpm build:web first.\n`);
  process.exit(1);
}
const dir = await mkdtemp(join(tmpdir(), 'sanad-bench-web-'));
// The sandbox's request log lines would bury the timings: warnings and errors only.
process.env.SANAD_LOG_LEVEL ??= 'warn';
const sandbox = await startSandbox({
  dataDir: join(dir, 'sandbox'),
  port: 0,
  walletDir: WALLET_DIST,
  ...(existsSync(join(DESK_DIST, 'index.html')) ? { deskDir: DESK_DIST } : {}),
});
const browser = await launchChromium();
const version = browser.version();
const report: Array<{ profile: string; runs: Run[]; steps: Summary[] }> = [];
let broken: unknown;
try {
  if (!json)
    process.stderr.write(
      `Sanad web wallet benchmark: Chromium ${version}, ${RUNS} runs per profile, each in a new profile (cold cache)\n`,
    );
  for (const profile of PROFILES) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      if (!json) process.stderr.write(`  ${profile.name}: run ${i + 1} of ${RUNS}\n`);
      runs.push(await oneRun(browser, sandbox, profile));
    }
    const steps = summarise(runs);
    report.push({ profile: profile.name, runs, steps });
    if (!json) print(profile, steps);
  }
} catch (err) {
  broken = err;
} finally {
  await browser.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
}
if (json)
  process.stdout.write(
    `${JSON.stringify({ chromium: version, runsPerProfile: RUNS, profiles: report }, null, 2)}\n`,
  );
if (broken) {
  process.stderr.write(
    `The page broke: ${broken instanceof Error ? broken.message : String(broken)}\n`,
  );
  process.exit(1);
}
