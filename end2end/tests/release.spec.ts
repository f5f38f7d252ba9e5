import { test, expect, Page, waitForHydration } from './fixtures';

// What scripts/run.sh serves: every entry page hydrates with no console error (the
// fixture fails the test otherwise), assets are hashed, precompressed and cached,
// and the server-rendered page already shows the real state of its controls.

const ENTRY_PAGES = [
  '/',
  '/services/payments-api',
  '/services/payments-api/roadmap',
  '/services/payments-api/risks',
  '/services/payments-api/costs',
  '/services/payments-api/history',
  '/import',
  '/services/new',
];

for (const path of ENTRY_PAGES) {
  test(`${path} hydrates with no console error`, async ({ page }) => {
    await page.goto(path);
    await waitForHydration(page);
    await expect(page.locator('main')).not.toBeEmpty();
  });
}

test('assets are hashed, precompressed and cached for a year; HTML is revalidated', async ({ request, page }) => {
  const html = await request.get('/');
  expect(html.headers()['cache-control']).toBe('no-cache');
  const body = await html.text();
  const wasm = body.match(/\/pkg\/preflight\.[A-Za-z0-9_-]+\.wasm/);
  const js = body.match(/\/pkg\/preflight\.[A-Za-z0-9_-]+\.js/);
  const css = body.match(/\/pkg\/preflight\.[A-Za-z0-9_-]+\.css/);
  expect(wasm, 'hashed wasm name in the page').not.toBeNull();
  expect(js, 'hashed script name in the page').not.toBeNull();
  expect(css, 'hashed stylesheet name in the page').not.toBeNull();
  for (const asset of [wasm![0], js![0], css![0]]) {
    const res = await request.get(asset, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.status(), asset).toBe(200);
    expect(res.headers()['content-encoding'], asset).toBe('br');
    expect(res.headers()['cache-control'], asset).toBe('public, max-age=31536000, immutable');
  }
  const gz = await request.get(wasm![0], { headers: { 'accept-encoding': 'gzip' } });
  expect(gz.headers()['content-encoding']).toBe('gzip');
  await page.goto('/');
  await waitForHydration(page);
});

async function firstOpenItem(page: Page) {
  const row = page.locator('li.item:not(.done):not(.na)').first();
  const id = await row.getAttribute('data-item-id');
  return page.locator(`li[data-item-id="${id}"]`);
}

test('the server-rendered checklist shows ticks, statuses and priorities as stored', async ({ request, page }) => {
  const html = await (await request.get('/services/payments-api')).text();
  expect(html).toMatch(/role="checkbox"[^>]*aria-checked="true"/);
  expect((html.match(/<option[^>]* selected/g) ?? []).length).toBeGreaterThan(10);
  await page.goto('/services/payments-api');
  await waitForHydration(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('ticking and moving items are plain form posts that come back to the page', async ({ page }) => {
    await page.goto('/services/search-indexer');
    const row = await firstOpenItem(page);
    const id = await row.getAttribute('data-item-id');
    const box = row.getByRole('checkbox');
    await expect(box).toHaveAttribute('aria-checked', 'false');

    await box.click();
    await expect(page).toHaveURL(/\/services\/search-indexer\??$/);
    const after = page.locator(`li[data-item-id="${id}"]`);
    await expect(after.getByRole('checkbox')).toHaveAttribute('aria-checked', 'true');
    await expect(after).toHaveClass(/done/);

    // And back, so the test can run again on the same database.
    await after.getByRole('checkbox').click();
    await expect(page.locator(`li[data-item-id="${id}"]`).getByRole('checkbox')).toHaveAttribute('aria-checked', 'false');

    // Moving the second item of the first section up makes it the first.
    const section = page.locator('section.checklist-section').first();
    const second = section.locator('li.item').nth(1);
    const secondId = await second.getAttribute('data-item-id');
    const title = (await second.locator('.item-title').textContent())!.trim();
    await second.getByRole('button', { name: `Move ${title} up` }).click();
    await expect(page.locator('section.checklist-section').first().locator('li.item').first()).toHaveAttribute('data-item-id', secondId!);
    // Put it back.
    await page.locator(`li[data-item-id="${secondId}"]`).getByRole('button', { name: `Move ${title} down` }).click();
    await expect(page.locator('section.checklist-section').first().locator('li.item').nth(1)).toHaveAttribute('data-item-id', secondId!);
  });
});
