import { test, expect, Page, waitForHydration, watchPage, expectHealthy } from './fixtures';

test('create a service from the Kubernetes template, then refuse its slug again', async ({ page }) => {
  const stamp = Date.now();
  const name = `E2E Orders ${stamp}`;
  const slug = `e2e-orders-${stamp}`;

  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New service' }).click();
  await expect(page).toHaveURL(/\/services\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'New service' })).toBeVisible();

  // The slug follows the name as it is typed.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await expect(page.getByLabel('Slug', { exact: true })).toHaveValue(slug);
  await page.getByLabel('Team', { exact: true }).fill('E2E Platform');
  await page.getByLabel('Target go-live', { exact: true }).fill('2027-06-30');
  await page.getByLabel('Description', { exact: true }).fill('Created by the end-to-end test.');

  // Template cards show what they bring; choose Kubernetes.
  const k8s = page.getByRole('radio', { name: /Kubernetes service/ });
  await expect(page.locator('label.template-card', { has: k8s })).toContainText('7 sections · 40 items · 4 phases · 8 risks');
  await k8s.check();
  await expect(k8s).toBeChecked();
  await expect(page.getByRole('radio', { name: /General production readiness/ })).not.toBeChecked();

  await page.getByRole('button', { name: 'Create service' }).click();

  // The new service opens with the template's sections.
  await expect(page).toHaveURL(new RegExp(`/services/${slug}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  for (const section of ['Workloads', 'Cluster', 'Security', 'Networking', 'Observability', 'Backup & DR', 'Cost']) {
    await expect(page.getByRole('heading', { name: section, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'Checklist' }).getByText('Liveness and readiness probes')).toBeVisible();
  await expect(page.getByTestId('launch-gate')).toContainText('blocked');

  // The same slug again: refused, the error names the field, nothing navigates.
  await page.goto('/services/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(`${name} again`);
  await page.getByLabel('Slug', { exact: true }).fill(slug);
  await page.getByRole('radio', { name: /Empty/ }).check();
  await page.getByRole('button', { name: 'Create service' }).click();
  await expect(page.getByRole('alert')).toContainText(`slug: a service with the slug "${slug}" already exists`);
  await expect(page.getByLabel('Slug', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/services\/new$/);
  await expect(page.getByRole('button', { name: 'Create service' })).toBeEnabled();
});

test('the form is keyboard usable and checks the slug early', async ({ page }) => {
  await page.goto('/services/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).focus();
  await page.keyboard.type('Ünïcode Service!');
  await expect(page.getByLabel('Slug', { exact: true })).toHaveValue('n-code-service');
  await page.getByLabel('Slug', { exact: true }).fill('Not A Slug');
  await expect(page.locator('#new-service-slug-hint')).toContainText('lowercase letters, digits and single hyphens');
  await expect(page.getByLabel('Slug', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  // Arrow keys move between the template cards.
  await page.getByRole('radio', { name: /Empty/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /General production readiness/ })).toBeChecked();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /Kubernetes service/ })).toBeChecked();
});
