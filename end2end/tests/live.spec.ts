import { test, expect, waitForHydration, watchPage, expectHealthy } from './fixtures';
import { APIRequestContext } from '@playwright/test';
import { USERS, stateFile } from './accounts';

async function ownService(request: APIRequestContext): Promise<string> {
  const doc = `# E2E live ${Date.now()}\n\n## Checks\n\n- [ ] First check\n- [ ] Second check\n- [x] Done check\n`;
  const res = await request.post('/api/v1/import', { data: doc, headers: { 'content-type': 'text/markdown' } });
  expect(res.status()).toBe(201);
  return (await res.json()).slug;
}

test("a teammate's tick shows up live, and an edit in progress is kept", async ({ browser, request }) => {
  const slug = await ownService(request);
  const mine = await (await browser.newContext({ storageState: stateFile('editor') })).newPage();
  const theirs = await (await browser.newContext({ storageState: stateFile('admin') })).newPage();
  const problems = [...[mine, theirs].map((p) => watchPage(p))];
  for (const page of [mine, theirs]) {
    await page.goto(`/services/${slug}`);
    await waitForHydration(page);
  }
  const [first, second] = await theirs
    .locator('li.item:not(.done):not(.na)')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-item-id')));
  const overall = mine.getByRole('progressbar', { name: 'Service readiness' });
  const before = await overall.getAttribute('aria-valuenow');

  await theirs.locator(`#item-${first} button.tick`).click();
  await expect(mine.locator(`#item-${first} button.tick`)).toHaveAttribute('aria-checked', 'true', { timeout: 5_000 });
  await expect(overall).not.toHaveAttribute('aria-valuenow', before!);

  // My unsaved edit of the second item stays while they change it.
  const row = mine.locator(`#item-${second}`);
  await row.getByRole('button', { name: 'Edit Second check' }).click();
  await row.getByLabel('Title').fill('My unsaved title');
  await theirs.locator(`#item-${second}`).getByRole('combobox', { name: 'Status of Second check' }).selectOption('in_progress');
  await expect(row.getByTestId('changed-by')).toContainText(USERS.admin.email, { timeout: 5_000 });
  await expect(row.getByLabel('Title')).toHaveValue('My unsaved title');

  // So does an owner being typed into the row while they tick that item.
  const owner = mine.getByLabel('Owner of First check');
  await owner.fill('Someone typing');
  await theirs.locator(`#item-${first} button.tick`).click();
  await expect(mine.locator(`#item-${first}`).getByTestId('changed-by')).toContainText(USERS.admin.email, {
    timeout: 5_000,
  });
  await expect(owner).toHaveValue('Someone typing');

  for (const [i, page] of [mine, theirs].entries()) {
    await expectHealthy(page, problems[i]);
    await page.context().close();
  }
});
