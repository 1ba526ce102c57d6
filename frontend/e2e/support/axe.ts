// axe-core in the page: the accessibility rules a browser test checks a page
// against. Only what axe calls serious or critical counts as a failure.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements, with axe's summary of each. */
  nodes: string[];
}

const FAILING = new Set(['serious', 'critical']);

/**
 * Runs axe over the whole page; returns its serious and critical violations.
 * The app's CSP refuses inline scripts, so the page's context needs `bypassCSP: true`.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await settled(page);
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(async () => {
    const inPage = (globalThis as unknown as { axe: typeof axe }).axe;
    const r = await inPage.run({ resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`.replace(/\s+/g, ' ')),
    }));
  });
  return results.filter((v) => FAILING.has(v.impact));
}

/**
 * Waits for the page's transitions and finite animations to end (a colour
 * scheme or size just changed starts some): axe reads colours as they are
 * drawn, and a colour half-way between two themes is no colour of the app.
 * Endless animations (a ringing call's pulse) are left running.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    await frame();
    await frame();
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/** One line per violation and element, for a failure message a person can act on. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id} (${v.help}):\n${v.nodes.map((n) => `  ${n}`).join('\n')}`).join('\n');
}
