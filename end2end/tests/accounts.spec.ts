import { test, expect, waitForHydration } from './fixtures';
import { request as apiRequest, APIRequestContext } from '@playwright/test';
import { USERS, stateFile } from './accounts';

const SERVICE = '/services/payments-api';

/** A service of this test's own (the demo services' state is what other tests check). */
async function ownService(request: APIRequestContext, name: string): Promise<string> {
  const doc = `# ${name} ${Date.now()}\n\n## Checks\n\n- [ ] First check\n- [ ] Second check\n- [x] Done check\n`;
  const res = await request.post('/api/v1/import', { data: doc, headers: { 'content-type': 'text/markdown' } });
  expect(res.status()).toBe(201);
  return (await res.json()).slug;
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('pages ask for sign-in, refuse a wrong password vaguely, then return to the page', async ({ page }) => {
    await page.goto(`${SERVICE}/costs`);
    await expect(page).toHaveURL(/\/login\?next=%2Fservices%2Fpayments-api%2Fcosts$/);
    await waitForHydration(page);
    await page.getByLabel('Email').fill(USERS.editor.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('That email and password do not match an active account.');
    await waitForHydration(page);
    await page.getByLabel('Email').fill(USERS.editor.email);
    await page.getByLabel('Password').fill(USERS.editor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`${SERVICE}/costs$`));
    await expect(page.getByTestId('signed-in-as')).toHaveText(USERS.editor.email);
    await waitForHydration(page);
  });

  test('the API answers 401 JSON without a token', async ({ request }) => {
    const res = await request.get('/api/v1/services');
    expect(res.status()).toBe(401);
    expect((await res.json()).error).toContain('Sign in');
  });
});

test.describe('as a viewer', () => {
  test.use({ storageState: stateFile('viewer') });

  test('sees everything, can change nothing, and a forced write is refused', async ({ page }) => {
    await page.goto(SERVICE);
    await waitForHydration(page);
    await expect(page.getByTestId('signed-in-as')).toHaveText(USERS.viewer.email);
    const ticks = page.locator('button.tick');
    expect(await ticks.count()).toBeGreaterThan(10);
    for (const tick of await ticks.all()) await expect(tick).toBeDisabled();
    await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add section' })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' })).toHaveCount(0);

    // Force the first open item's box and click it: the server refuses, nothing changes.
    const item = page.locator('li.item:not(.done):not(.na)').first();
    const id = await item.getAttribute('data-item-id');
    await item.locator('button.tick').evaluate((b: HTMLButtonElement) => { b.disabled = false; b.click(); });
    await expect(item.getByRole('alert')).toContainText('Your role can read but not change anything');
    const res = await page.request.patch(`/api/v1/services/payments-api/items/${id}`, { data: { status: 'done' } });
    expect(res.status()).toBe(403);
    await page.reload();
    await waitForHydration(page);
    await expect(page.locator(`#item-${id} button.tick`)).toHaveAttribute('aria-checked', 'false');

    await page.goto('/import');
    await expect(page.getByRole('heading', { name: 'Editors only' })).toBeVisible();
    await page.goto(`${SERVICE}/costs`);
    await waitForHydration(page);
    await expect(page.getByRole('button', { name: 'Add cost line' })).toHaveCount(0);
  });
});

test('an editor ticks an item and the history names them', async ({ page, request }) => {
  const slug = await ownService(request, 'E2E editor');
  await page.goto(`/services/${slug}`);
  await waitForHydration(page);
  const id = await page.locator('li.item:not(.done):not(.na)').first().getAttribute('data-item-id');
  const item = page.locator(`#item-${id}`);
  const title = (await item.locator('.item-title').textContent())!.trim();
  await item.locator('button.tick').click();
  await expect(item.locator('button.tick')).toHaveAttribute('aria-checked', 'true');
  await page.goto(`/services/${slug}/history`);
  await waitForHydration(page);
  const entry = page.locator('li', { hasText: title }).filter({ hasText: USERS.editor.email }).first();
  await expect(entry).toBeVisible();
});

test.describe('as an admin', () => {
  test.use({ storageState: stateFile('admin') });

  test('creates a user and a token; the token ticks through the API until revoked', async ({ page, baseURL, request }) => {
    const slug = await ownService(request, 'E2E token');
    const email = `new-${Date.now()}@example.com`;
    await page.goto('/admin/users');
    await waitForHydration(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Role').selectOption('editor');
    await page.getByLabel('Initial password (12 characters or more)').fill('a long new password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.locator(`tr[data-email="${email}"]`)).toBeVisible();

    await page.goto('/settings/tokens');
    await waitForHydration(page);
    const name = `ci-${Date.now()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Scope').selectOption('write');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').textContent())!.trim();
    expect(secret).toMatch(/^pf_[0-9a-f]{64}$/);

    const ci = await apiRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
    const doc = await (await ci.get(`/api/v1/services/${slug}`)).json();
    const open = doc.sections.flatMap((s: any) => s.items).find((i: any) => i.status === 'todo');
    const tick = await ci.patch(`/api/v1/services/${slug}/items/${open.id}`, { data: { status: 'done' } });
    expect(tick.status()).toBe(200);
    expect((await tick.json()).updated_by).toBe(`token ${name} (${USERS.admin.email})`);

    const row = page.locator('table.tokens tr', { hasText: name });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toContainText('Revoked');
    const after = await ci.patch(`/api/v1/services/${slug}/items/${open.id}`, { data: { status: 'todo' } });
    expect(after.status()).toBe(401);
    await ci.dispose();
  });

  test('changes a role, disables a user, and is told it cannot demote the last admin', async ({ page }) => {
    const email = `roles-${Date.now()}@example.com`;
    await page.goto('/admin/users');
    await waitForHydration(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Initial password (12 characters or more)').fill('a long new password');
    await page.getByRole('button', { name: 'Add user' }).click();
    const row = page.locator(`tr[data-email="${email}"]`);
    await expect(row).toContainText('Active');
    await row.getByRole('combobox').selectOption('editor');
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(row).toContainText('Disabled');
    await page.reload();
    await waitForHydration(page);
    await expect(row.getByRole('combobox')).toHaveValue('editor');
    await expect(row).toContainText('Disabled');

    const me = page.locator(`tr[data-email="${USERS.admin.email}"]`);
    await me.getByRole('combobox').selectOption('viewer');
    await expect(page.getByRole('alert')).toContainText('last admin');
    await page.reload();
    await waitForHydration(page);
    await expect(me.getByRole('combobox')).toHaveValue('admin');
  });
});
