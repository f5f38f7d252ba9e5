import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';
import { stateFile, USERS } from './accounts';

// The editor opens a review naming themself (SRE) and the admin (Security). The
// editor's conditional go adds a dated follow-up, the admin's go makes the outcome a
// conditional go, and moving the test clock past the follow-up's due date voids it.
test.use({ storageState: stateFile('editor') });

async function newService(page: Page, stamp: number): Promise<string> {
  const markdown = [
    `# Review E2E ${stamp}`,
    '',
    '## Security',
    '',
    '- [x] TLS everywhere',
    '- [ ] Pen test',
  ].join('\n');
  const created = await page.request.post('/api/v1/import', {
    headers: { 'content-type': 'text/markdown' },
    data: markdown,
  });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()).slug;
}

function isoDate(daysAhead: number): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('open a review, decide conditionally, see the follow-up, void it when overdue', async ({ page, browser }) => {
  const stamp = Date.now();
  const slug = await newService(page, stamp);

  await page.goto(`/services/${slug}/reviews`);
  await waitForHydration(page);
  await expect(page.getByText('No review of this service yet.')).toBeVisible();

  // Open it: two approvers, one per role.
  await page.getByLabel('Title', { exact: true }).fill(`Launch ${stamp}`);
  await page.getByRole('button', { name: 'Remove the Engineering approver' }).click();
  const rows = page.locator('.approver-row');
  await expect(rows).toHaveCount(2);
  await rows.nth(0).getByLabel('Approver', { exact: true }).fill(USERS.editor.email);
  // A missing approver is named, and nothing is opened.
  await page.getByRole('button', { name: 'Open the review' }).click();
  await expect(page.getByRole('alert')).toContainText('approvers[1].email');
  await rows.nth(1).getByLabel('Approver', { exact: true }).fill(USERS.admin.email);
  await page.getByRole('button', { name: 'Open the review' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${slug}/reviews/\\d+$`));
  const reviewUrl = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Launch ${stamp}`);
  await expect(page.getByTestId('review-outcome')).toHaveText('Pending');
  // The facts as frozen: one of two items done.
  await expect(page.locator('.facts')).toContainText('50% (1 of 2 applicable items done)');

  // The editor decides for SRE: a conditional go needs a dated follow-up.
  await expect(page.getByRole('heading', { name: 'Your decision as SRE' })).toBeVisible();
  await page.getByLabel('Conditional go').check();
  await page.getByLabel('Comment', { exact: true }).fill('Go once the pen test is booked');
  await page.getByRole('button', { name: 'Record my decision' }).click();
  await expect(page.getByRole('alert')).toContainText('follow-up');
  await page.locator('.follow-up-title').fill(`Book the pen test ${stamp}`);
  await page.locator('.follow-up-due').fill(isoDate(3));
  await page.getByRole('button', { name: 'Record my decision' }).click();
  const decisions = page.locator('table.decisions');
  await expect(decisions.locator('tr', { hasText: 'SRE' })).toContainText('Conditional go');
  await expect(page.getByRole('heading', { name: 'Your decision as SRE' })).toHaveCount(0);
  await expect(page.locator('ul.follow-ups')).toContainText(`Book the pen test ${stamp}`);
  // The follow-up is on the checklist, and listed as new since the review.
  await expect(page.getByTestId('since-review')).toContainText(`Item "Book the pen test ${stamp}" (Review follow-ups): added`);

  // The admin decides for Security.
  const context = await browser.newContext({ storageState: stateFile('admin') });
  const admin = await context.newPage();
  const problems = watchPage(admin);
  await admin.goto(reviewUrl);
  await waitForHydration(admin);
  await expect(admin.getByRole('heading', { name: 'Your decision as Security' })).toBeVisible();
  await admin.getByLabel('Go', { exact: true }).check();
  await admin.getByRole('button', { name: 'Record my decision' }).click();
  await expect(admin.getByTestId('review-outcome')).toHaveText('Conditional go');

  // The checklist shows the follow-up with its due date.
  await admin.goto(`/services/${slug}`);
  await waitForHydration(admin);
  const section = admin.locator('section.checklist-section', { has: admin.getByRole('heading', { name: 'Review follow-ups' }) });
  await expect(section).toContainText(`Book the pen test ${stamp}`);

  // Ten days on, the follow-up is overdue: the scan voids the decision.
  const moved = await admin.request.post('/api/test_clock', { form: { days_ahead: '10' } });
  expect(moved.status(), await moved.text()).toBe(200);
  expect(await moved.json()).toContain(`Launch ${stamp}`);
  const reset = await admin.request.post('/api/test_clock', { form: { days_ahead: '0' } });
  expect(reset.status()).toBe(200);
  await admin.goto(reviewUrl);
  await waitForHydration(admin);
  await expect(admin.getByTestId('review-outcome')).toHaveText('Voided');
  await expect(admin.getByRole('status').filter({ hasText: 'Void since' })).toContainText(`Book the pen test ${stamp}`);
  await expectHealthy(admin, problems);
  await context.close();

  // The record downloads as Markdown, and the list shows the outcome.
  const id = reviewUrl.split('/').pop();
  const record = await page.request.get(`/api/v1/services/${slug}/reviews/${id}/record`);
  expect(record.status()).toBe(200);
  const md = await record.text();
  expect(md).toContain(`# Decision record: Launch ${stamp}`);
  expect(md).toContain('## Outcome: Voided');
  expect(md).toContain('Go once the pen test is booked');
  await page.goto(`/services/${slug}/reviews`);
  await waitForHydration(page);
  await expect(page.locator('table.review-list tr', { hasText: `Launch ${stamp}` })).toContainText('Voided');
});

test('a viewer sees a review but cannot open one', async ({ browser }) => {
  const context = await browser.newContext({ storageState: stateFile('viewer') });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto('/services/payments-api/reviews');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Readiness reviews' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the review' })).toHaveCount(0);
  // The test clock is for admins only.
  const refused = await page.request.post('/api/test_clock', { form: { days_ahead: '1' } });
  expect(refused.status()).toBe(403);
  await expectHealthy(page, problems);
  await context.close();
});
