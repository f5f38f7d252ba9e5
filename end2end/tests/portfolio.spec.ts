import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

// Other tests may add services: assert on the named demo rows only.
const DEMO = ['customer-portal', 'notification-service', 'payments-api', 'search-indexer'];

const table = (page: Page) => page.getByTestId('portfolio-table');
const row = (page: Page, slug: string) => table(page).locator(`tbody tr[data-slug="${slug}"]`);

/** The demo services in the order the table shows them. */
async function demoOrder(page: Page): Promise<string[]> {
  const slugs = await table(page).locator('tbody tr[data-slug]').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('data-slug') ?? ''),
  );
  return slugs.filter((s) => DEMO.includes(s));
}

async function readiness(page: Page, slug: string): Promise<number> {
  const text = await row(page, slug).getByTestId('readiness').locator('.mini-value').textContent();
  return parseInt(text ?? '', 10);
}

test('the portfolio shows every demo service with its gate, phase, risks and cost', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  for (const slug of DEMO) {
    await expect(row(page, slug)).toBeVisible();
  }
  await expect(row(page, 'notification-service').getByTestId('gate')).toHaveText('Clear');
  await expect(row(page, 'payments-api').getByTestId('gate')).toContainText('Blocked');
  await expect(row(page, 'payments-api')).toContainText('Phase 1: Critical');
  await expect(row(page, 'payments-api')).toContainText('$308.83');
  await expect(page.getByTestId('portfolio-figures')).toContainText('Ready to launch');
  await expect(page.getByTestId('portfolio-heat-map').locator('svg')).toHaveCount(1);
  await expect(page.getByTestId('portfolio-projection').locator('svg')).toHaveCount(1);
});

test('sort and filters live in the URL and survive a reload', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  expect(await demoOrder(page)).toEqual(DEMO); // by name

  // Sort by readiness: ascending, then descending; the URL follows.
  const header = table(page).locator('th[data-sort="readiness"]');
  await expect(header).not.toHaveAttribute('aria-sort');
  await header.getByRole('link').click();
  await expect(page).toHaveURL(/[?&]sort=readiness(&|$)/);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => demoOrder(page)).not.toEqual(DEMO);
  const ascending = await demoOrder(page);
  const values = await Promise.all(ascending.map((s) => readiness(page, s)));
  expect(values).toEqual([...values].sort((a, b) => a - b));

  // Keyboard: focus the header link and press Enter to flip the direction.
  await header.getByRole('link').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/dir=desc/);
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => demoOrder(page)).toEqual([...ascending].reverse());

  // Only blocked services: notification-service (gate clear) disappears.
  await page.getByLabel('Launch gate').selectOption('blocked');
  await expect(page).toHaveURL(/gate=blocked/);
  await expect(row(page, 'notification-service')).toHaveCount(0);
  await expect(row(page, 'payments-api')).toBeVisible();
  await expect(page.locator('.filter-summary')).toContainText('Showing');

  // A reload (or a shared link) shows the same view.
  await page.reload();
  await waitForHydration(page);
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByLabel('Launch gate')).toHaveValue('blocked');
  await expect(row(page, 'notification-service')).toHaveCount(0);
  expect(await demoOrder(page)).toEqual([...ascending].reverse().filter((s) => s !== 'notification-service'));

  // Filter by team, then clear the filters.
  await page.getByLabel('Team').selectOption('Payments Platform');
  await expect(page).toHaveURL(/team=Payments%20Platform/);
  await expect.poll(() => demoOrder(page)).toEqual(['payments-api']);
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(row(page, 'notification-service')).toBeVisible();
  await expect(page).toHaveURL(/sort=readiness&dir=desc$/);
});

test('a portfolio of more than one page of services is paged, with figures over all of them', async ({ page, request }) => {
  // Enough services for a second page; named to sort after the demo services.
  const stamp = Date.now();
  for (let i = 0; i < 51; i++) {
    const doc = `# ZZ Paging ${stamp} ${String(i).padStart(2, '0')}\n\n## Security\n- [ ] TLS everywhere (Critical)\n`;
    const res = await request.post('/api/v1/import', { data: doc, headers: { 'content-type': 'text/markdown' } });
    expect(res.status()).toBe(201);
  }
  await page.goto('/');
  await waitForHydration(page);
  const pager = page.getByRole('navigation', { name: 'Pages of the table' });
  await expect(pager).toContainText('page 1 of');
  await expect(table(page).locator('tbody tr[data-slug]')).toHaveCount(50);
  const total = Number((await page.locator('.filter-summary').textContent())!.match(/\d+/)![0]);
  expect(total).toBeGreaterThan(50);
  await expect(page.getByTestId('portfolio-figures')).toContainText(`of ${total}`);

  await pager.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/[?&]page=2/);
  await expect(pager).toContainText('page 2 of');
  await expect(table(page).locator('tbody tr[data-slug]').first()).not.toHaveAttribute('data-slug', 'customer-portal');
  // Sorting starts again from the first page.
  await table(page).locator('th[data-sort="readiness"]').getByRole('link').click();
  await expect(page).not.toHaveURL(/page=2/);
  await expect(pager).toContainText('page 1 of');
});
