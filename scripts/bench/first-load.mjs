// First-load bytes per entry page: what a browser with an empty cache downloads of
// script and WebAssembly (as sent on the wire, after brotli) until the page has
// hydrated. Prints one JSON line per page; asserts nothing.
// Usage: node first-load.mjs BASE_URL PATH...
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../end2end/package.json'));
const { chromium } = require('@playwright/test');

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const p of paths) {
  const context = await browser.newContext();
  // Signed in (scripts/bench-web.sh passes the demo viewer's session cookie).
  const [name, value] = (process.env.PREFLIGHT_COOKIE ?? '').split('=');
  if (name && value) await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const responses = [];
  page.on('requestfinished', async (request) => {
    const type = request.resourceType();
    const url = request.url();
    const kind = url.endsWith('.wasm') ? 'wasm' : type === 'script' ? 'script' : null;
    if (!kind) return;
    const sizes = await request.sizes();
    const response = await request.response();
    responses.push({ kind, url, bytes: sizes.responseBodySize, encoding: response?.headers()['content-encoding'] ?? 'identity' });
  });
  const started = Date.now();
  await page.goto(base + p);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  const hydratedMs = Date.now() - started;
  await page.waitForLoadState('networkidle');
  const sum = (k) => responses.filter((r) => r.kind === k).reduce((a, r) => a + r.bytes, 0);
  const html = await page.content();
  console.log(JSON.stringify({
    page: p,
    script_bytes: sum('script'),
    wasm_bytes: sum('wasm'),
    total_bytes: sum('script') + sum('wasm'),
    files: responses.length,
    encodings: [...new Set(responses.map((r) => r.encoding))].join(','),
    hydrated_ms: hydratedMs,
    dom_bytes: html.length,
  }));
  await context.close();
}
await browser.close();
