import { stateFile } from './accounts';
import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

const tab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name });

const SERVICE = '/services/customer-portal';

test('build a checklist, filter it, mark N/A, and complete a phase', async ({ page }) => {
  const tag = `E2E ${Date.now()}`;
  await page.goto(SERVICE);
  await waitForHydration(page);

  // A new section with two items.
  await page.getByLabel('New section').fill(`${tag} section`);
  await page.getByRole('button', { name: 'Add section' }).click();
  const section = page.locator('section.checklist-section', { has: page.getByRole('heading', { name: `${tag} section` }) });
  await expect(section).toBeVisible();
  await section.getByPlaceholder('Add an item…').fill(`${tag} alpha`);
  await section.getByLabel('Priority of the new item').selectOption('critical');
  await section.getByRole('button', { name: 'Add item' }).click();
  await expect(section.getByText(`${tag} alpha`)).toBeVisible();
  await section.getByPlaceholder('Add an item…').fill(`${tag} beta`);
  await section.getByRole('button', { name: 'Add item' }).click();
  await expect(section.getByText(`${tag} beta`)).toBeVisible();

  // A critical open item blocks the launch.
  await expect(page.getByTestId('launch-gate')).toContainText('blocked');

  // Tick alpha; the section's bar follows.
  const alpha = section.locator('li.item', { hasText: `${tag} alpha` });
  await alpha.getByRole('checkbox').check();
  await expect(section.getByRole('progressbar', { name: `Readiness of ${tag} section` })).toHaveAttribute('aria-valuenow', '50');

  // Filter: search and status are kept in the URL.
  await page.getByRole('searchbox').fill(tag);
  await page.getByRole('search').getByLabel('Status').selectOption('done');
  await expect(page).toHaveURL(/status=done/);
  await expect(page).toHaveURL(/q=E2E/);
  await expect(alpha).toBeVisible();
  await expect(section.locator('li.item', { hasText: `${tag} beta` })).toBeHidden();
  await expect(page.getByText(/Showing 1 of \d+ items/)).toBeVisible();
  // A shared link opens the same view.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByText(/Showing 1 of \d+ items/)).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/status=/);

  // Mark beta not applicable: a reason is required.
  const beta = page.locator('li.item', { hasText: `${tag} beta` });
  await beta.getByLabel(`Status of ${tag} beta`).selectOption('not_applicable');
  const editor = beta.locator('form.item-editor');
  await editor.getByRole('button', { name: 'Save item' }).click();
  await expect(editor.getByRole('alert')).toContainText('reason');
  await editor.getByLabel('Why is it not applicable?').fill('No EU users at launch');
  await editor.getByRole('button', { name: 'Save item' }).click();
  await expect(editor).toBeHidden();
  await expect(beta).toHaveClass(/na/);
  await expect(beta).toContainText('N/A: No EU users at launch');

  // A phase for both items: it completes, since alpha is done and beta is N/A.
  await tab(page, 'Roadmap').click();
  await expect(page).toHaveURL(/\/roadmap$/);
  await page.getByRole('button', { name: 'Add phase' }).click();
  await page.getByLabel('Name').fill(`${tag} phase`);
  await page.getByLabel('Planned start').fill('2026-01-05');
  await page.getByLabel('Planned end').fill('2099-01-16');
  await page.getByLabel('Effort from (days)').fill('2');
  await page.getByLabel('Effort to (days)').fill('3');
  await page.getByLabel('Monthly cost change ($)').fill('+15.00');
  await page.locator('.add-phase').getByRole('button', { name: 'Add phase' }).click();
  const card = page.locator('li.phase-card', { has: page.getByRole('heading', { name: `${tag} phase` }) });
  await expect(card).toContainText('+$15.00/month');
  await expect(card).toContainText('2–3 days');
  await card.getByText('Assign items to this phase').click();
  await card.getByRole('listbox').selectOption([{ label: `${tag} alpha` }, { label: `${tag} beta` }]);
  await card.getByRole('button', { name: 'Assign selected' }).click();
  await expect(card.getByTestId('phase-schedule')).toHaveText('Complete, on time');
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');

  // Reopening the item reopens the phase.
  await tab(page, 'Checklist').click();
  await page.locator('li.item', { hasText: `${tag} alpha` }).getByRole('checkbox').uncheck();
  await tab(page, 'Roadmap').click();
  await expect(card.getByTestId('phase-schedule')).toHaveText('On track');
});

test('a phase with its end before its start is refused, naming the field', async ({ page }) => {
  await page.goto(`${SERVICE}/roadmap`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add phase' }).click();
  await page.getByLabel('Name').fill('Backwards phase');
  await page.getByLabel('Planned start').fill('2027-02-01');
  await page.getByLabel('Planned end').fill('2027-01-01');
  await page.locator('.add-phase').getByRole('button', { name: 'Add phase' }).click();
  await expect(page.locator('.add-phase').getByRole('alert')).toContainText('planned end');
  await expect(page.getByLabel('Planned end')).toHaveAttribute('aria-invalid', 'true');
});

test('two people edit the same item: the second is told, nothing is overwritten', async ({ browser }) => {
  const first = await (await browser.newContext({ storageState: stateFile('editor') })).newPage();
  const second = await (await browser.newContext({ storageState: stateFile('editor') })).newPage();
  const problems = [watchPage(first), watchPage(second)];
  for (const p of [first, second]) {
    await p.goto('/services/search-indexer');
    await waitForHydration(p);
  }
  const row = (p: Page) => p.locator('li.item').first();
  const title = (await row(first).locator('.item-title').textContent())!.trim();

  // The second person is already in the field when the first saves: the live update
  // leaves what they are typing alone, and their save meets the version check.
  await row(second).getByLabel(`Owner of ${title}`).focus();
  const saved = first.waitForResponse((r) => r.url().includes('/api/update_item') && r.ok());
  await row(first).getByLabel(`Owner of ${title}`).fill('First Person');
  await row(first).getByLabel(`Owner of ${title}`).blur();
  await saved;

  await row(second).getByLabel(`Owner of ${title}`).fill('Second Person');
  await row(second).getByLabel(`Owner of ${title}`).blur();
  await expect(row(second).getByRole('alert')).toContainText('was changed by');
  await expect(row(second).getByLabel(`Owner of ${title}`)).toHaveValue('First Person');

  await first.reload();
  await waitForHydration(first);
  await expect(row(first).getByLabel(`Owner of ${title}`)).toHaveValue('First Person');
  await expectHealthy(first, problems[0]);
  await expectHealthy(second, problems[1]);
});
