import { defineConfig, devices } from '@playwright/test';
import { stateFile } from './tests/accounts';

// The server is started by scripts/test.sh (fresh database, demo data); the tests
// only need its address.
const baseURL = process.env.PREFLIGHT_URL ?? 'http://127.0.0.1:3100';

export default defineConfig({
  testDir: './tests',
  // Signs the demo users in; tests start as the editor unless they choose another.
  globalSetup: './global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    storageState: stateFile('editor'),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
