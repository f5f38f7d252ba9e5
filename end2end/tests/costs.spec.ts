import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

const figure = (page: Page, label: string) =>
  page.getByTestId('cost-figures').locator('.figure', { hasText: label }).locator('.figure-value');

test('the what-if recomputes in the browser with no request, then saves', async ({ page }) => {
  await page.goto('/services/payments-api/costs');
  await waitForHydration(page);

  // The first render already has the chart (drawn on the server).
  const chart = page.getByTestId('projection-chart');
  await expect(chart.locator('svg')).toHaveCount(1);
  await expect(page.getByText('states +$15.00/month, but its cost lines add up to +$33.85/month')).toBeVisible();
  await expect(figure(page, 'Monthly cost now')).toHaveText('$308.83');

  const completion = await figure(page, 'At plan completion').textContent();
  const annual = await figure(page, 'First 12 months').textContent();
  const svgBefore = await chart.innerHTML();

  // From here on, nothing may go to the server until "Save".
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  await page.getByRole('checkbox', { name: /Compute Savings Plan/ }).uncheck();
  await expect(figure(page, 'At plan completion')).not.toHaveText(completion!);
  await expect(figure(page, 'First 12 months')).not.toHaveText(annual!);
  expect(await chart.innerHTML()).not.toEqual(svgBefore);
  await expect(page.getByRole('status')).toHaveText('Showing the what-if, not the saved plan.');

  // Moving the last phase a year later lowers the first 12 months' total.
  const annualWithoutSaving = await figure(page, 'First 12 months').textContent();
  await page.getByLabel('Phase 4: Long-term').fill('2099-12-31');
  await page.getByLabel('Phase 4: Long-term').dispatchEvent('change');
  await expect(figure(page, 'First 12 months')).not.toHaveText(annualWithoutSaving!);

  // Reset brings the plan back.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(figure(page, 'At plan completion')).toHaveText(completion!);
  expect(requests).toEqual([]);

  // Leave the saving out and save: the choice persists.
  await page.getByRole('checkbox', { name: /Compute Savings Plan/ }).uncheck();
  const changed = await figure(page, 'At plan completion').textContent();
  await page.getByRole('button', { name: 'Save these changes' }).click();
  await expect(page.getByRole('button', { name: 'Save these changes' })).toBeDisabled();
  await page.reload();
  await waitForHydration(page);
  await expect(figure(page, 'At plan completion')).toHaveText(changed!);
  await expect(page.getByRole('checkbox', { name: /Compute Savings Plan/ })).not.toBeChecked();
  await expect(page.locator('tr', { hasText: 'Compute Savings Plan' })).toContainText('left out');

  // Put it back for the other tests.
  await page.getByRole('checkbox', { name: /Compute Savings Plan/ }).check();
  await page.getByRole('button', { name: 'Save these changes' }).click();
  await expect(page.getByRole('button', { name: 'Save these changes' })).toBeDisabled();
});

test('cost lines: a negative baseline is refused, a good line is added', async ({ page }) => {
  const name = `Extra Lambda concurrency ${Date.now()}`;
  await page.goto('/services/notification-service/costs');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add cost line' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Per month ($)').fill('-5');
  await page.locator('.add-cost-line').getByRole('button', { name: 'Add cost line' }).click();
  await expect(page.locator('.add-cost-line').getByRole('alert')).toContainText('amount: a baseline line cannot be negative');

  const now = await figure(page, 'Monthly cost now').textContent();
  await page.getByLabel('Per month ($)').fill('5.25');
  await page.locator('.add-cost-line').getByRole('button', { name: 'Add cost line' }).click();
  await expect(page.locator('tr', { hasText: name })).toContainText('$5.25');
  await expect(figure(page, 'Monthly cost now')).not.toHaveText(now!);
});
