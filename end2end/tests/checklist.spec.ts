import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

test('tick an item: progress follows at once and survives a reload', async ({ page }) => {
  const wasm: string[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Portfolio' })).toBeVisible();
  await page.getByRole('link', { name: 'Payments API' }).click();
  await expect(page).toHaveURL(/\/services\/payments-api$/);
  await waitForHydration(page);
  expect(wasm.length).toBeGreaterThan(0);

  const overall = page.getByRole('progressbar', { name: 'Service readiness' });
  const before = Number(await overall.getAttribute('aria-valuenow'));

  // The first open item of the first section, and that section's bar.
  const section = page.locator('section.checklist-section').first();
  const sectionName = (await section.locator('h3').textContent())!.trim();
  const sectionBar = section.getByRole('progressbar', { name: `Readiness of ${sectionName}` });
  const sectionBefore = await sectionBar.getAttribute('aria-valuenow');
  const row = section.locator('li.item:not(.done):not(.na)').first();
  const itemId = await row.getAttribute('data-item-id');
  const box = page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`);
  await expect(box).not.toBeChecked();

  let navigated = false;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigated = true;
  });
  const saved = page.waitForResponse((r) => r.url().includes('/api/set_item_status') && r.ok());
  await box.click();
  await expect(box).toBeChecked();
  await expect(sectionBar).not.toHaveAttribute('aria-valuenow', sectionBefore!);
  await saved;
  expect(navigated).toBe(false);
  const after = Number(await overall.getAttribute('aria-valuenow'));
  expect(after).toBeGreaterThanOrEqual(before);
  await expect(page.locator(`li[data-item-id="${itemId}"]`)).toHaveClass(/done/);

  await page.reload();
  await waitForHydration(page);
  await expect(page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`)).toBeChecked();
  await expect(overall).toHaveAttribute('aria-valuenow', String(after));

  // Untick to put it back; the page follows again.
  await page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`).click();
  await expect(page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`)).not.toBeChecked();
  await expect(overall).toHaveAttribute('aria-valuenow', String(before));
});

test('a failed write puts the box back and says why', async ({ page }) => {
  await page.goto('/services/payments-api');
  await waitForHydration(page);
  const row = page.locator('li.item:not(.done):not(.na)').first();
  const box = row.locator('[role="checkbox"]');
  await page.route('**/api/set_item_status*', (route) => route.abort('connectionrefused'));
  await box.click();
  await expect(row.getByRole('alert')).toContainText('Not saved');
  await expect(box).not.toBeChecked();
});

test('unknown pages and services say so', async ({ page }) => {
  const response = await page.goto('/services/does-not-exist');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the portfolio' }).click();
  await expect(page.getByRole('heading', { name: 'Portfolio' })).toBeVisible();
});
