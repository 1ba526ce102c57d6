// The call screen at the two sizes the app is designed for, in light and dark:
// a screenshot of each, and what axe-core finds serious or critical in it.
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from './axe.js';
import { shoot } from './browser.js';

export const CALL_VIEW_SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

/**
 * Shoots `<prefix>-<width>-<light|dark>.png` at each size and scheme and checks the call
 * view with axe (the page's context needs `bypassCSP: true`); returns the violations found,
 * described for a failure message, or '' when there are none. Leaves the page as it found it
 * (its viewport, light).
 */
export async function shootCallView(page: Page, prefix: string): Promise<string> {
  const before = page.viewportSize();
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const viewport of CALL_VIEW_SIZES) {
      await page.setViewportSize(viewport);
      await page.getByTestId('call-panel').waitFor();
      const suffix = `${viewport.width}-${colorScheme}`;
      await shoot(page, `${prefix}-${suffix}`);
      const violations = await axeViolations(page);
      if (violations.length > 0) found.push(`${prefix}-${suffix}:\n${describeViolations(violations)}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (before) await page.setViewportSize(before);
  return found.join('\n');
}
