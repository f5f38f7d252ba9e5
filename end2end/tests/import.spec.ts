import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';
import { stateFile } from './accounts';
import * as fs from 'fs';
import * as path from 'path';

// The readiness documents live in ../shared/seeds beside the project.
function seedPath(name: string): string {
  const candidates = [
    process.env.PREFLIGHT_SEEDS_DIR,
    path.resolve(__dirname, '../../../shared/seeds'),
    '/work/shared/seeds',
  ].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`seed ${name} not found in ${candidates.join(', ')}`);
}

test('import a seed document, check the preview, save, find it on the portfolio', async ({ page }) => {
  await page.goto('/import');
  await waitForHydration(page);

  await page.locator('#import-file').setInputFiles(seedPath('003_a239adf45a15ab56.txt'));

  // The preview: what was recognised, the repaired encoding, the skipped lines.
  const summary = page.getByTestId('import-summary');
  await expect(summary).toContainText('53 items (23 done)');
  await expect(summary).toContainText('4 phases');
  await expect(page.getByText(/garbled by a wrong encoding/)).toBeVisible();
  await expect(page.getByText(/Skipped lines \(\d+\)/)).toBeVisible();
  await expect(page.getByText('+$15.00/month').first()).toBeVisible();
  // Phase 1's lines add up to $33.85, not its stated +$15, so six totals after it disagree.
  const discrepancies = page.getByTestId('import-discrepancies');
  await expect(discrepancies.getByRole('heading')).toHaveText('Figures that do not add up (6)');
  await expect(discrepancies.locator('li').first()).toContainText('line 747');
  await expect(discrepancies.locator('li').first()).toContainText('$323.83 stated, $342.68 summed');
  await expect(discrepancies).toContainText('kept as notes on the costs page');

  const stamp = Date.now();
  const name = `Seed review ${stamp}`;
  await page.locator('#import-name').fill(name);
  await page.locator('#import-slug').fill(`seed-review-${stamp}`);
  await page.getByRole('button', { name: 'Create service' }).click();

  await expect(page).toHaveURL(new RegExp(`/services/seed-review-${stamp}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  await page.goto('/');
  await waitForHydration(page);
  const row = page.locator('tr', { has: page.getByRole('link', { name, exact: true }) });
  await expect(row).toContainText('43%'); // 23 of 53 items done, rounded down
  await expect(row).toContainText('$308.83'); // the document's baseline per month

  // The disagreeing totals are notes on the costs page; a viewer reads them, cannot dismiss.
  const costs = `/services/seed-review-${stamp}/costs`;
  const viewer = await (await page.context().browser()!.newContext({ storageState: stateFile('viewer') })).newPage();
  const viewerProblems = watchPage(viewer);
  await viewer.goto(costs);
  await waitForHydration(viewer);
  const viewerNotes = viewer.getByTestId('stated-figures');
  await expect(viewerNotes.locator('li')).toHaveCount(6);
  await expect(viewerNotes.getByRole('button', { name: 'Dismiss' })).toHaveCount(0);
  await expectHealthy(viewer, viewerProblems);
  await viewer.context().close();

  await page.goto(costs);
  await waitForHydration(page);
  const notes = page.getByTestId('stated-figures');
  await expect(notes.locator('li')).toHaveCount(6);
  await expect(notes.locator('li').first()).toContainText(
    '(line 747) states $323.83, but the lines it covers add up to $342.68 ($18.85 apart).',
  );
  // Dismissing asks first; Escape backs out, the second Dismiss removes them for good.
  await notes.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notes.getByRole('alertdialog')).toContainText('Dismiss these notes?');
  await page.keyboard.press('Escape');
  await expect(notes.getByRole('alertdialog')).toHaveCount(0);
  await notes.getByRole('button', { name: 'Dismiss' }).click();
  await notes.getByRole('alertdialog').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('stated-figures')).toHaveCount(0);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId('cost-figures')).toBeVisible();
  await expect(page.getByTestId('stated-figures')).toHaveCount(0);
});

test('a document with nothing to import is refused with a message', async ({ page }) => {
  await page.goto('/import');
  await waitForHydration(page);
  await page.locator('#import-text').fill('Just one sentence, nothing structured.');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('alert')).toContainText(/nothing/i);
});

test('a taken slug is named as the problem and nothing is created', async ({ page }) => {
  await page.goto('/import');
  await waitForHydration(page);
  await page.locator('#import-text').fill('# Payments again\n\n## Security\n- [x] TLS\n- [ ] WAF\n');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-summary')).toContainText('2 items (1 done)');
  await page.locator('#import-slug').fill('payments-api');
  await page.getByRole('button', { name: 'Create service' }).click();
  await expect(page.locator('.field-error')).toContainText('already exists');
  await expect(page).toHaveURL(/\/import$/);
});
