import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The cluster tests (scripts/cluster.sh test): three instances behind haproxy, which
// the tests stop and kill, so they run on their own cluster and not with ./tests.
export default defineConfig({
  ...base,
  testDir: './cluster',
  timeout: 120_000,
});
