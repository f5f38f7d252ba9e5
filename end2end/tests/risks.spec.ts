import { stateFile } from './accounts';
import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

const tab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name });

const SERVICE = '/services/search-indexer';

test('a risk burns down as its linked item is done', async ({ page }) => {
  test.slow(); // two page loads of the debug WebAssembly bundle and many steps
  const tag = `E2E risk ${Date.now()}`;
  const itemTitle = `${tag} snapshot restore`;
  await page.goto(SERVICE);
  await waitForHydration(page);

  // A fresh checklist item, so the test can run again on the same database.
  const section = page.locator('section.checklist-section', {
    has: page.getByRole('heading', { name: 'Backup & DR' }),
  });
  await section.getByPlaceholder('Add an item…').fill(itemTitle);
  await section.getByRole('button', { name: 'Add item' }).click();
  await expect(section.getByText(itemTitle)).toBeVisible();

  // Add a risk mitigated by that item.
  await tab(page, 'Risks').click();
  await expect(page).toHaveURL(/\/risks$/);
  await page.getByRole('button', { name: 'Add risk' }).click();
  const editor = page.locator('.add-risk form.risk-editor');
  await editor.getByLabel('Title', { exact: true }).fill(`${tag} snapshots cannot be restored`);
  await editor.getByLabel('Description', { exact: true }).fill('Nobody has restored a snapshot end to end.');
  await editor.getByLabel('Likelihood (1–5)', { exact: true }).fill('4');
  await editor.getByLabel('Impact (1–5)', { exact: true }).fill('5');
  await expect(editor.getByText('Score 4 × 5 = 20 (Critical)')).toBeVisible();
  await editor.getByLabel('Status', { exact: true }).selectOption('mitigating');
  await editor.getByLabel('Review date', { exact: true }).fill('2099-01-31');
  await editor.getByLabel('Mitigation plan', { exact: true }).fill('Run a timed restore drill every quarter.');
  await editor.getByLabel('Owner', { exact: true }).fill('Rafael');
  await editor.getByRole('checkbox', { name: itemTitle }).check();
  await editor.getByRole('button', { name: 'Add risk' }).click();
  await expect(editor).toBeHidden();

  const card = page.locator('li.risk-card', {
    has: page.getByRole('heading', { name: `${tag} snapshots cannot be restored` }),
  });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('inherent-score')).toHaveText('Critical 20');
  await expect(card.getByTestId('residual-score')).toHaveText('Critical 20');
  await expect(card.getByTestId('risk-status')).toHaveText('Mitigating');
  await expect(card).toContainText('Owner Rafael');
  await expect(card).toContainText('Review 31 Jan 2099');
  await expect(card).toContainText('Mitigation: Run a timed restore drill');
  const link = card.getByRole('link', { name: itemTitle });
  await expect(link).toHaveAttribute('href', /\/services\/search-indexer#item-\d+$/);
  await expect(card.locator('.risk-items li', { hasText: itemTitle })).toContainText('To do');

  // The heat map toggles between inherent and residual.
  const figure = page.locator('figure.heat-map');
  await figure.getByRole('button', { name: 'Inherent' }).click();
  await expect(figure.getByRole('button', { name: 'Inherent' })).toHaveAttribute('aria-pressed', 'true');
  await expect(figure.locator('figcaption')).toContainText('inherent score');
  await expect(figure.locator('svg title')).toHaveText('Open risks, inherent score');
  await figure.getByRole('button', { name: 'Residual' }).click();
  await expect(figure.locator('svg title')).toHaveText('Open risks, residual score');

  // Tick the item on the checklist: no reload.
  await tab(page, 'Checklist').click();
  const row = page.locator('li.item', { hasText: itemTitle });
  const saved = page.waitForResponse((r) => r.url().includes('/api/set_item_status') && r.ok());
  await row.getByRole('checkbox').check();
  await saved;

  // Back on the risks tab the residual has fallen: ⌈4 × 0 / 1⌉ → 1, so 1 × 5 = 5.
  await tab(page, 'Risks').click();
  await expect(card.getByTestId('inherent-score')).toHaveText('Critical 20');
  await expect(card.getByTestId('residual-score')).toHaveText('Medium 5');
  await expect(card.locator('.risk-items li', { hasText: itemTitle })).toContainText('Done');

  // Still so after a reload (the server computes the same).
  await page.reload();
  await waitForHydration(page);
  await expect(card.getByTestId('residual-score')).toHaveText('Medium 5');

  // Close it, then delete it (asked first).
  await card.getByRole('button', { name: `Close risk ${tag} snapshots cannot be restored` }).click();
  await expect(card.getByTestId('risk-status')).toHaveText('Closed');
  await expect(card).toHaveClass(/closed/);
  await card.getByRole('button', { name: `Delete risk ${tag} snapshots cannot be restored` }).click();
  await card.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(card).toHaveCount(0);
});

test('editing a risk in place updates its scores', async ({ page }) => {
  const tag = `E2E edit ${Date.now()}`;
  await page.goto(`${SERVICE}/risks`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add risk' }).click();
  const editor = page.locator('.add-risk form.risk-editor');
  await editor.getByLabel('Title', { exact: true }).fill(tag);
  await editor.getByLabel('Likelihood (1–5)', { exact: true }).fill('2');
  await editor.getByLabel('Impact (1–5)', { exact: true }).fill('2');
  await editor.getByRole('button', { name: 'Add risk' }).click();
  const card = page.locator('li.risk-card', { has: page.getByRole('heading', { name: tag }) });
  await expect(card.getByTestId('inherent-score')).toHaveText('Low 4');

  await card.getByRole('button', { name: `Edit risk ${tag}` }).click();
  const form = card.locator('form.risk-editor');
  await form.getByLabel('Impact (1–5)', { exact: true }).fill('5');
  await form.getByRole('button', { name: 'Save risk' }).click();
  await expect(form).toBeHidden();
  await expect(card.getByTestId('inherent-score')).toHaveText('High 10');
  await expect(card.getByTestId('residual-score')).toHaveText('High 10');

  await card.getByRole('button', { name: `Delete risk ${tag}` }).click();
  await card.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(card).toHaveCount(0);
});

test('a likelihood outside 1–5 is refused, naming the field', async ({ page }) => {
  await page.goto(`${SERVICE}/risks`);
  await waitForHydration(page);
  const cards = await page.locator('li.risk-card').count();
  await page.getByRole('button', { name: 'Add risk' }).click();
  const editor = page.locator('.add-risk form.risk-editor');
  await editor.getByLabel('Title', { exact: true }).fill('Too likely');
  await editor.getByLabel('Likelihood (1–5)', { exact: true }).fill('7');
  await editor.getByLabel('Impact (1–5)', { exact: true }).fill('3');
  await editor.getByRole('button', { name: 'Add risk' }).click();
  await expect(editor.getByRole('alert')).toContainText('likelihood: must be a whole number from 1 to 5');
  await expect(editor.getByLabel('Likelihood (1–5)', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('li.risk-card')).toHaveCount(cards);
});

test('two people change the same risk: the second is told, nothing is overwritten', async ({ browser }) => {
  const tag = `E2E conflict ${Date.now()}`;
  const first = await (await browser.newContext({ storageState: stateFile('editor') })).newPage();
  const firstProblems = watchPage(first);
  await first.goto(`${SERVICE}/risks`);
  await waitForHydration(first);
  await first.getByRole('button', { name: 'Add risk' }).click();
  const editor = first.locator('.add-risk form.risk-editor');
  await editor.getByLabel('Title', { exact: true }).fill(tag);
  await editor.getByLabel('Likelihood (1–5)', { exact: true }).fill('3');
  await editor.getByLabel('Impact (1–5)', { exact: true }).fill('3');
  await editor.getByRole('button', { name: 'Add risk' }).click();
  const card = (p: Page) => p.locator('li.risk-card', { has: p.getByRole('heading', { name: tag }) });
  await expect(card(first)).toBeVisible();

  const second = await (await browser.newContext({ storageState: stateFile('editor') })).newPage();
  const secondProblems = watchPage(second);
  await second.goto(`${SERVICE}/risks`);
  await waitForHydration(second);
  await expect(card(second)).toBeVisible();

  // The first closes it; the second, still on the old version, tries too.
  await card(first).getByRole('button', { name: `Close risk ${tag}` }).click();
  await expect(card(first).getByTestId('risk-status')).toHaveText('Closed');
  await card(second).getByRole('button', { name: `Close risk ${tag}` }).click();
  await expect(card(second).getByRole('alert')).toContainText('changed by someone else');
  await expect(card(second).getByTestId('risk-status')).toHaveText('Open');
  await card(second).getByRole('alert').getByRole('button', { name: 'Reload' }).click();
  await expect(card(second).getByTestId('risk-status')).toHaveText('Closed');

  await card(first).getByRole('button', { name: `Delete risk ${tag}` }).click();
  await card(first).getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(card(first)).toHaveCount(0);
  await expectHealthy(first, firstProblems);
  await expectHealthy(second, secondProblems);
});
