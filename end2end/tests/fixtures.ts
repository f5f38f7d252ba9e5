import { test as base, expect, Page } from '@playwright/test';

/**
 * Every test runs against the release build that `scripts/run.sh` serves, and fails
 * when a page it used logged a console error or threw, or never hydrated.
 *
 * Failed loads of server functions and JSON API calls (`/api/…`) are expected where a
 * test provokes a refusal, and a 404 document is what the not-found test asks for, so
 * those are not counted; a failed script, WebAssembly or stylesheet load is.
 */
export function watchPage(page: Page, scripts = true): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    const failedLoad = msg.text().startsWith('Failed to load resource');
    if (failedLoad && (url.includes('/api/') || !url.includes('/pkg/'))) return;
    problems.push(`console error: ${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const url = req.url();
    const error = req.failure()?.errorText ?? '';
    // With JavaScript off, Chromium refuses the scripts on purpose; a navigation
    // cancels the bundle's download when it leaves a page before hydration. A missing
    // or broken asset still counts: it answers an error status (a console error).
    if (!scripts || error.includes('ERR_ABORTED')) return;
    if (url.includes('/pkg/')) problems.push(`asset failed: ${url} ${error}`);
  });
  return problems;
}

/** Resolves once the WebAssembly bundle has hydrated the page. */
export async function waitForHydration(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 15_000 });
}

/** Asserts the page hydrated (when scripts run) and logged no errors. */
export async function expectHealthy(page: Page, problems: string[], scripts = true) {
  if (!page.isClosed() && page.url().startsWith('http') && scripts) {
    await expect(
      page.locator('body[data-hydrated="true"]'),
      `${page.url()} never hydrated`,
    ).toBeAttached({ timeout: 15_000 });
  }
  expect(problems, `errors on ${page.isClosed() ? 'a closed page' : page.url()}`).toEqual([]);
}

export const test = base.extend({
  page: async ({ page, javaScriptEnabled }, use) => {
    const problems = watchPage(page, javaScriptEnabled);
    await use(page);
    await expectHealthy(page, problems, javaScriptEnabled);
  },
});

export { expect };
export type { Page };
