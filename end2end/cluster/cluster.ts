import fs from 'fs';
import { APIRequestContext, expect } from '@playwright/test';

/** What scripts/cluster.sh tells the tests about the cluster it started. */
export const INSTANCES = (process.env.PREFLIGHT_INSTANCES ?? '').split(',').filter(Boolean);
export const INSTANCE_PIDS = (process.env.PREFLIGHT_INSTANCE_PIDS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number);
/** How long haproxy takes to mark a dead instance down (checks × interval). */
export const CHECK_WINDOW_MS = Number(process.env.PREFLIGHT_CHECK_WINDOW_MS ?? 1500);
const FIGURES = process.env.PREFLIGHT_FIGURES;

export function requireCluster() {
  if (INSTANCES.length < 3 || INSTANCE_PIDS.length < 3) {
    throw new Error('run these through scripts/cluster.sh test: it starts the cluster they need');
  }
}

/** Adds figures to the file scripts/cluster.sh prints at the end. */
export function recordFigures(figures: Record<string, unknown>) {
  console.log(JSON.stringify(figures, null, 2));
  if (!FIGURES) return;
  const all = fs.existsSync(FIGURES) ? JSON.parse(fs.readFileSync(FIGURES, 'utf8')) : {};
  fs.writeFileSync(FIGURES, JSON.stringify({ ...all, ...figures }, null, 2));
}

/** Alive means running: an exited child that its parent has not reaped yet is not. */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves with the time at which the process stopped running. */
export async function exitTime(pid: number, limitMs: number): Promise<number | null> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (!isRunning(pid)) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
  return null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A service of its own with `count` open items; returns its slug and items. */
export async function newService(
  request: APIRequestContext,
  count: number,
): Promise<{ slug: string; items: { id: number; title: string; version: number }[] }> {
  const lines = Array.from({ length: count }, (_, i) => `- [ ] Check ${i + 1}`).join('\n');
  const doc = `# E2E cluster ${Date.now()}\n\n## Checks\n\n${lines}\n`;
  const created = await request.post('/api/v1/import', {
    data: doc,
    headers: { 'content-type': 'text/markdown' },
  });
  expect(created.status()).toBe(201);
  const { slug } = await created.json();
  const service = await (await request.get(`/api/v1/services/${slug}`)).json();
  const items = service.sections.flatMap((s: { items: { id: number; title: string; version: number }[] }) =>
    s.items.map(({ id, title, version }) => ({ id, title, version })),
  );
  return { slug, items };
}
