import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

/** The `datetime` attributes of the listed events, in page order. */
async function eventTimes(page: Page): Promise<number[]> {
  const values = await page
    .locator('li.history-event time')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime') ?? ''));
  return values.map((v) => Date.parse(v));
}

test('the history tab shows the burn-up, the forecast and the changes, newest first', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto('/services/payments-api');
  await waitForHydration(page);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(/\/services\/payments-api\/history$/);

  const figure = page.getByTestId('burnup');
  await expect(figure).toBeVisible();
  await expect(figure.locator('svg')).toBeVisible();
  await expect(figure.locator('figcaption')).toContainText('Readiness over time');
  await expect(page.getByTestId('forecast')).toHaveText(
    /^(At the pace of the last \d+ days \([+-]\d+\.\d points a week\), ready around \d{1,2} [A-Z][a-z]{2} \d{4}|No forecast: .+|Ready since .+)$/,
  );

  const events = page.locator('li.history-event');
  await expect(events.first()).toBeVisible();
  expect(await events.count()).toBeGreaterThan(10);
  const times = await eventTimes(page);
  for (let i = 1; i < times.length; i++) {
    expect(times[i - 1]).toBeGreaterThanOrEqual(times[i]);
  }
  await expect(page.locator('li.history-event[data-action="item.status_changed"]').first()).toContainText(
    /changed “.+” from (To do|In progress|Done|N\/A) to (To do|In progress|Done|N\/A)/,
  );
  await expect(page.locator('li.history-event[data-action="service.created"]')).toContainText(
    'Service created with 54 items',
  );

  await page.screenshot({ path: 'test-results/history-tab.png', fullPage: true });

  // Loaded directly, the server-rendered tab hydrates without complaint.
  await page.goto('/services/payments-api/history');
  await waitForHydration(page);
  await expect(page.getByTestId('forecast')).toBeVisible();
  expect(problems).toEqual([]);
});

test('a ticked item shows on top of the history', async ({ page }) => {
  await page.goto('/services/payments-api');
  await waitForHydration(page);

  // An item still to do (not in progress), so unticking it afterwards restores it.
  const itemId = await page.locator('li.item:not(.done):not(.na)').evaluateAll((rows) => {
    const row = rows.find((r) => r.querySelector<HTMLSelectElement>('select.inline-select')?.value === 'todo');
    return row?.getAttribute('data-item-id') ?? null;
  });
  expect(itemId).not.toBeNull();
  const title = (await page.locator(`li[data-item-id="${itemId}"] .item-title`).first().textContent())!.trim();
  const box = page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`);
  const saved = page.waitForResponse((r) => r.url().includes('/api/set_item_status') && r.ok());
  await box.click();
  await saved;
  await expect(box).toBeChecked();

  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(/\/history$/);
  // The change is on top (or right below the phase it completed, if it did).
  const top = page.locator('li.history-event').first();
  await expect(top).toHaveAttribute('data-action', /^(item\.status_changed|phase\.completed)$/);
  const sentences = await page.locator('li.history-event .event-sentence').allTextContents();
  const change = sentences.slice(0, 2).find((s) => s.includes(`“${title}”`));
  expect(change).toMatch(/^.+ changed “.+” from To do to Done$/);

  // Put it back, so other tests see the demo as it was.
  await page.goto('/services/payments-api');
  await waitForHydration(page);
  await page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`).click();
  await expect(page.locator(`li[data-item-id="${itemId}"] [role="checkbox"]`)).not.toBeChecked();
});

test('older changes are a page away and the page is kept in the URL', async ({ page }) => {
  await page.goto('/services/payments-api/history?page=2');
  await waitForHydration(page);
  // The demo history fits on one page: page 2 is empty and links back.
  const empty = page.getByText('No changes on this page.');
  const pager = page.getByRole('navigation', { name: 'History pages' });
  if (await empty.isVisible()) {
    await page.getByRole('link', { name: 'See the newest changes' }).click();
    await expect(page).toHaveURL(/\/services\/payments-api\/history$/);
  } else {
    await pager.getByRole('link', { name: '← Newer' }).click();
    await expect(page).toHaveURL(/\/services\/payments-api\/history$/);
  }
  await expect(page.locator('li.history-event').first()).toBeVisible();
});
