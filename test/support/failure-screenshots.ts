import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach } from 'vitest';

/** After a failed test, a screenshot of each page named after the test: the first thing to look at. */
export function screenshotOnFailure(pages: () => Record<string, Page | undefined>): void {
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, page] of Object.entries(pages())) {
      const path = join(tmpdir(), `sanad-failed-${name}-${who}.png`);
      await page?.screenshot({ path, fullPage: true }).then(
        () => console.error(`screenshot: ${path}`),
        () => undefined,
      );
    }
  });
}
