/** The checks every screen gets: axe (serious and critical violations) and no sideways scroll on a phone. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { Page } from 'playwright-core';

import type { Stack } from './stack.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Serious and critical axe violations on the page as it is now, as readable lines. Waits for the
 * network to settle and for dialogs to fade in (and old ones out): contrast is measured on what is
 * painted.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.MuiDialog-container, .MuiBackdrop-root')].every(
      (el) => getComputedStyle(el).opacity === '1' || el.closest('[aria-hidden="true"]') !== null,
    ),
  );
  // Evaluated over CDP rather than added as a <script>: the console's CSP rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown }> } })
      .axe;
    return (await axe.run(document)).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact ?? ''} ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** The phone every layout check uses. */
export const phoneViewport = { width: 390, height: 844 } as const;

/**
 * A page 390 px wide in a context of its own; `sessionOf` lends it a signed-in page's cookies
 * (otherwise sign it in).
 */
export async function atPhoneWidth(
  stack: Stack,
  options: { readonly height?: number; readonly sessionOf?: Page } = {},
): Promise<Page> {
  const phone = await stack.newPage({
    width: phoneViewport.width,
    height: options.height ?? phoneViewport.height,
  });
  if (options.sessionOf) await phone.context().addCookies(await options.sessionOf.context().cookies());
  return phone;
}

/**
 * How far the page scrolls sideways (0 when it fits the viewport), and what pushes it: the first
 * three elements that stick out of a parent that fits, as the start of their HTML. What a scroller
 * clips (a scrollable tab bar, a table container) cannot push the page and is not named.
 */
export function sidewaysScroll(page: Page): Promise<{ px: number; widest: string }> {
  return page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const px = document.documentElement.scrollWidth - edge;
    if (px <= 0) return { px: 0, widest: '' };
    const isClipped = (el: Element): boolean => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const overflowing = [...document.body.querySelectorAll('*')].filter(
      (el) => el.getBoundingClientRect().right > edge,
    );
    const culprits = overflowing.filter(
      (el) => (el.parentElement?.getBoundingClientRect().right ?? 0) <= edge && !isClipped(el),
    );
    // None when the body itself is too wide: then the innermost overflowing elements.
    const named =
      culprits.length > 0
        ? culprits
        : overflowing.filter((el) => !overflowing.some((other) => other !== el && el.contains(other)));
    return {
      px,
      widest: named
        .slice(0, 3)
        .map((el) => el.outerHTML.slice(0, 200))
        .join(' | '),
    };
  });
}
