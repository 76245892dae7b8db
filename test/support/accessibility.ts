/**
 * Accessibility checks for the browser tests: axe-core's rules on the page as it is, and the
 * layout at large text (what a holder who sets the phone's text size to 200 % gets).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** axe-core's source, evaluated in the page: the apps' Content-Security-Policy (script-src 'self') refuses an injected script tag. */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** axe-core on the page as shown now: no serious or critical violation (`where` names the screen in a failure). */
export async function expectNoSeriousAxeViolations(page: Page, where = page.url()): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { violations } = await (
      window as unknown as {
        axe: {
          run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations'] });
    return violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`,
    ),
    where,
  ).toEqual([]);
}

/**
 * Large text: the page's root font size (which the apps' `rem` sizes follow) times `percent`, set
 * on every page this one loads once its styles are in. (Chromium's own default-font-size
 * override through the DevTools protocol did not survive the wallet's first minute.)
 */
export async function setTextSize(page: Page, percent: number): Promise<void> {
  const enlarge = (factor: number) => {
    const root = document.documentElement;
    root.style.fontSize = '';
    root.style.fontSize = `${parseFloat(getComputedStyle(root).fontSize) * factor}px`;
  };
  await page.addInitScript(
    `addEventListener('load', () => (${enlarge.toString()})(${percent / 100}))`,
  );
}

/** Where a control is, as the checks see it. */
interface ControlProblem {
  control: string;
  problem: string;
}

/**
 * The page reflows: nothing scrolls sideways; every visible control lies inside the screen
 * across, is at least 44 px each way, is not covered by anything when scrolled to, and its text
 * fits it; and no word is broken across lines outside long opaque values (those styled
 * `overflow-wrap: anywhere` or `word-break: break-all`). Controls behind an open modal dialog
 * are not reachable by design and are skipped.
 */
export async function expectReflows(page: Page, where = page.url()): Promise<void> {
  // The screen's width, not innerWidth: a mobile browser widens its layout viewport to fit a page that is too wide.
  const width = page.viewportSize()!.width;
  const report = await page.evaluate((width) => {
    const problems: ControlProblem[] = [];
    const describe = (el: Element) =>
      `<${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? ` data-testid=${el.getAttribute('data-testid')}` : ''}> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const scope: ParentNode = document.querySelector('dialog[open]') ?? document;
    const hiddenByDesign = (el: Element) => el.closest('.skip, .visually-hidden') !== null;
    const controls = Array.from(
      scope.querySelectorAll<HTMLElement>(
        'button, a[href], input, select, textarea, summary, label.check',
      ),
    ).filter(
      (el) =>
        el.checkVisibility({ visibilityProperty: true }) &&
        !hiddenByDesign(el) &&
        !(el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')),
    );
    // Across first, before any scrolling: a box past the start edge of a right-to-left page cannot be scrolled to at all.
    for (const el of controls) {
      const box = el.getBoundingClientRect();
      const [left, right] = [box.left + window.scrollX, box.right + window.scrollX];
      if (left < -0.5 || right > width + 0.5)
        problems.push({
          control: describe(el),
          problem: `outside the screen across: ${Math.round(left)}..${Math.round(right)} of ${width}`,
        });
    }
    for (const el of controls) {
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      const box = el.getBoundingClientRect();
      if (box.width < 44 || box.height < 44)
        problems.push({
          control: describe(el),
          problem: `target ${Math.round(box.width)}x${Math.round(box.height)} px`,
        });
      if (
        el.scrollWidth > el.clientWidth + 1 &&
        !(el instanceof HTMLSelectElement) &&
        !(el instanceof HTMLInputElement) &&
        !(el instanceof HTMLTextAreaElement)
      )
        problems.push({
          control: describe(el),
          problem: `text wider than the control: ${el.scrollWidth} > ${el.clientWidth}`,
        });
      const x = Math.min(Math.max(box.left + box.width / 2, 0), width - 1);
      const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
      const top = document.elementFromPoint(x, y);
      const labelled =
        el instanceof HTMLLabelElement || (top instanceof HTMLLabelElement && top.control === el);
      if (top && top !== el && !el.contains(top) && !labelled)
        problems.push({ control: describe(el), problem: `covered by ${describe(top)}` });
    }

    const broken: string[] = [];
    const sticksOut: string[] = [];
    const walker = document.createTreeWalker(
      scope instanceof Document ? scope.body : scope,
      NodeFilter.SHOW_TEXT,
    );
    for (
      let node = walker.nextNode() as Text | null;
      node;
      node = walker.nextNode() as Text | null
    ) {
      const parent = node.parentElement;
      if (!parent?.checkVisibility() || hiddenByDesign(parent)) continue;
      const style = getComputedStyle(parent);
      if (style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all') continue;
      // A word ends at a space or a hyphen ("devez-vous" may wrap after its hyphen).
      for (const word of node.data.matchAll(/[^\s\-\u2010/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = Array.from(range.getClientRects()).filter((r) => r.width > 0);
        const tops = lines.map((r) => r.top);
        if (
          lines.length > 1 &&
          Math.max(...tops) - Math.min(...tops) > Math.min(...lines.map((r) => r.height)) / 2
        )
          broken.push(word[0]);
        if (
          lines.some(
            (r) => r.left + window.scrollX < -0.5 || r.right + window.scrollX > width + 0.5,
          )
        )
          sticksOut.push(`"${word[0]}" in ${describe(parent)}`);
      }
    }
    // What sticks out across, innermost first: the word or box to fix when the page scrolls sideways.
    const outside = (el: Element) => {
      const box = el.getBoundingClientRect();
      return (
        box.width > 0 &&
        (box.left + window.scrollX < -0.5 || box.right + window.scrollX > width + 0.5)
      );
    };
    const overflowing = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => outside(el) && !hiddenByDesign(el) && !Array.from(el.children).some(outside))
      .map(describe)
      .concat(sticksOut)
      .slice(0, 5);
    window.scrollTo(0, 0);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width,
      problems,
      broken,
      overflowing,
    };
  }, width);
  const sideways =
    report.scrollWidth > report.width || report.overflowing.length > 0
      ? `${report.scrollWidth} > ${report.width}: ${report.overflowing.join(', ')}`
      : 'none';
  expect({ where, sideways, problems: report.problems, broken: report.broken }).toEqual({
    where,
    sideways: 'none',
    problems: [],
    broken: [],
  });
}
