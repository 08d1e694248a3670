import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { freePort, hasProgram } from '../src/processes.js';

/*
 * The built dashboard in headless Chromium (Debian's, never a downloaded one), against a real hub:
 * sign in, see a release, see it change live without a reload, no console errors, no failed requests.
 * Screenshots go to test/artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium';
const requireBrowser = process.env.TEST_REQUIRE_BROWSER === '1';
const hasBrowser = fs.existsSync(CHROMIUM) || hasProgram('chromium');
if (requireBrowser && !hasBrowser) throw new Error(`TEST_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
const artifacts = path.resolve(import.meta.dirname, '../artifacts');

let hub: TestHub;
let port = 0;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

beforeAll(async () => {
  if (!hasBrowser) return;
  fs.mkdirSync(artifacts, { recursive: true });
  port = await freePort();
  hub = await startTestHub({ env: { PORT: String(port) } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** The cursor of the newest event (the board received it live: it was on the page before the hub stopped). */
async function lastCursorSeen(): Promise<string> {
  const [{ id }] = (await hub.db.query('SELECT max(id)::text AS id FROM release_event')) as [{ id: string }];
  return Buffer.from(`ev:${id}`).toString('base64url');
}

describe.runIf(hasBrowser)('the dashboard in Chromium', () => {
  it('signs in, shows a release, changes live without a reload, and resumes from its last cursor after the hub comes back', async () => {
    const service = (await call(`mutation { createService(input: { name: "checkout" }) { id } }`)).createService.id;
    const env = (await call(`mutation { createEnvironment(input: { name: "production", tier: PROD }) { id } }`)).createEnvironment.id;
    const release = (await call(`mutation { createRelease(input: { name: "Checkout 3.0", version: "3.0.0" }) { id } }`)).createRelease.id;

    await page.goto(hub.url, { waitUntil: 'domcontentloaded' });
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByLabel('API token').press('Enter');
    await page.getByText('Checkout 3.0').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, 'board.png'), fullPage: true });
    const marker = await page.evaluate(() => ((globalThis as { __loadedOnce?: number }).__loadedOnce = Date.now()));

    await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, {
      i: { serviceId: service, environmentId: env, version: '3.0.0', releaseId: release, status: 'IN_PROGRESS' },
    });
    await page
      .getByText(/production/i)
      .first()
      .waitFor({ timeout: 15_000 });
    await page
      .getByText(/in progress|IN_PROGRESS/i)
      .first()
      .waitFor({ timeout: 15_000 });
    // Still the same page: nothing reloaded it.
    expect(await page.evaluate(() => (globalThis as { __loadedOnce?: number }).__loadedOnce)).toBe(marker);
    await page.screenshot({ path: path.join(artifacts, 'board-live.png'), fullPage: true });

    // The hub goes away and comes back on the same address while the release moves on: the board shows
    // it is offline, resubscribes from the last cursor it received, and gets the event it missed.
    const framesIn: string[] = [];
    const framesOut: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => framesIn.push(String(f.payload)));
      ws.on('framesent', (f) => framesOut.push(String(f.payload)));
    });
    const lastCursorBefore = await lastCursorSeen();
    const databaseUrl = hub.database!.url;
    await hub.stop();
    await page
      .getByRole('status')
      .filter({ hasText: /offline/i })
      .waitFor({ timeout: 15_000 });
    const restarted = await startTestHub({ databaseUrl, env: { PORT: String(port) } });
    hub = { ...restarted, database: hub.database, close: async () => (await restarted.stop(), await hub.database?.drop()) } as TestHub;
    const [{ id: deploymentId }] = (await hub.db.query('SELECT id FROM deployment WHERE release_id = $1', [release])) as [{ id: string }];
    await call(`mutation($i: UpdateDeploymentInput!) { updateDeployment(input: $i) { id } }`, { i: { id: deploymentId, status: 'SUCCEEDED' } });
    await page
      .getByText(/succeeded/i)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, 'board-resumed.png'), fullPage: true });
    const resubscribe = framesOut
      .map((f) => JSON.parse(f) as { type: string; payload?: { variables?: { after?: string } } })
      .find((m) => m.type === 'subscribe');
    expect(resubscribe?.payload?.variables?.after).toBe(lastCursorBefore);
    expect(framesIn.some((f) => f.includes('deployment.status_changed'))).toBe(true);

    await page.goto(`${hub.url}/connectors`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: path.join(artifacts, 'connectors.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
