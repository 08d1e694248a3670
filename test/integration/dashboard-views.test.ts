import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, startHub, type Hub } from '@releasegraph/server';
import { gqlOk } from '../src/client.js';
import { prepareTestDemo, type TestDemo } from '../src/demo.js';
import { ADMIN_TOKEN } from '../src/hub.js';
import { hasProgram, waitFor } from '../src/processes.js';

/*
 * Every view of the built dashboard in headless Chromium, against a hub on its embedded PostgreSQL
 * with the demo estate running (as `pnpm start` does): each view shows the demo's data, nothing
 * logs an error or fails a request, a viewer is offered no action. Screenshots of each view go to
 * test/artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium';
const requireBrowser = process.env.TEST_REQUIRE_BROWSER === '1';
const hasBrowser = fs.existsSync(CHROMIUM) || hasProgram('chromium');
if (requireBrowser && !hasBrowser) throw new Error(`TEST_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
const artifacts = path.resolve(import.meta.dirname, '../artifacts');

// As root, PostgreSQL runs as user "postgres", who must be able to enter the data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegraph-views-'));
fs.chmodSync(dataDir, 0o755);

let hub: Hub;
let demo: TestDemo;
let browser: Browser;
const problems: string[] = [];
const call = <T = any>(query: string, variables: Record<string, unknown> = {}, token = ADMIN_TOKEN) => gqlOk<T>(hub.url, query, variables, token);

async function openContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('requestfailed', (r) => {
    // A navigation away aborts the previous view's open requests: that is not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  return { context, page };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(hub.url, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('API token').fill(token);
  await page.getByLabel('API token').press('Enter');
  await page.getByRole('navigation', { name: 'Views' }).waitFor({ timeout: 15_000 });
}

/** Follows a link of the top bar (client-side navigation, as a user does) and waits for `ready`. */
async function visit(page: Page, label: string, ready: string, screenshot: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: label }).click();
  await page.locator(ready).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(artifacts, screenshot), fullPage: true });
}

beforeAll(async () => {
  if (!hasBrowser) return;
  fs.mkdirSync(artifacts, { recursive: true });
  demo = await prepareTestDemo(dataDir, 150);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    RELEASEGRAPH_DATA_DIR: dataDir,
    RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    RELEASEGRAPH_CONFIG: '/dev/null',
    ...demo.hubEnv,
  });
  hub = await startHub(config, createLogger(config.logLevel));
  await demo.start(hub.url, ADMIN_TOKEN);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await hub?.stop();
  await demo?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(hasBrowser)('every view of the dashboard in Chromium, on the demo estate', () => {
  it('shows the demo on each view without console errors or failed requests, and offers a viewer no action', async () => {
    // The demo's story reaches its first page: a broken release, rolled back, with an incident and a window.
    await waitFor(
      'an incident with suspects, a window with an escalation, a rolled-back release',
      async () => {
        const r = await call(
          `{ incidents(first: 5) { edges { node { suspects { version } traceIds } } } releases(first: 20) { edges { node { status stabilization { escalations { id } } } } } }`,
        );
        const incident = r.incidents.edges.some((e: any) => e.node.suspects.length > 0 && e.node.traceIds.length > 0);
        const escalated = r.releases.edges.some((e: any) => (e.node.stabilization?.escalations.length ?? 0) > 0);
        const rolledBack = r.releases.edges.some((e: any) => e.node.status === 'ROLLED_BACK');
        return incident && escalated && rolledBack;
      },
      90_000,
    );
    const broken = (await call(`{ releases(first: 20, filter: { status: [ROLLED_BACK] }) { edges { node { id name version } } } }`)).releases.edges[0]?.node as
      { id: string; name: string; version: string } | undefined;
    expect(broken).toBeDefined();

    const { context, page } = await openContext();
    await signIn(page, ADMIN_TOKEN);
    await page.locator('[data-testid=release-card]').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, 'view-board.png'), fullPage: true });
    // Dark (the system's preference) and on a phone: one column, the same cards.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(artifacts, 'view-board-dark.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, 'view-board-phone.png'), fullPage: true });
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });

    // The release view of the broken release, from its card.
    await page
      .getByRole('link', { name: `${broken!.name} ${broken!.version}` })
      .first()
      .click();
    await page.locator('[data-testid=release-graph]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=rollback-decisions]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('[data-testid=release-timeline] li').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(artifacts, 'view-release.png'), fullPage: true });

    await visit(page, 'Live KPIs', '[data-testid=kpi-chart] canvas', 'view-kpis.png');
    await page.waitForFunction(() => performance.getEntriesByName('releasegraph:kpi:first-paint').length > 0, null, { timeout: 15_000 });

    // A release of our own in its stabilization window (the demo's windows come and go with its story;
    // created after the KPI view, which shows the newest production deployment, this one has no traffic):
    // a release manager may assign it an owner, a viewer may not.
    const service = (await call(`mutation { createService(input: { name: "ledger" }) { id } }`)).createService.id;
    const environments = (await call(`{ environments(first: 20) { edges { node { id name } } } }`)).environments.edges as Array<{
      node: { id: string; name: string };
    }>;
    const production = environments.find((e) => e.node.name === 'production')!.node.id;
    const ledger = (await call(`mutation { createRelease(input: { name: "Ledger", version: "1.0.0" }) { id } }`)).createRelease.id as string;
    await call(`mutation($id: ID!) { updateRelease(input: { id: $id, status: DEPLOYING }) { id } }`, { id: ledger });
    await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, {
      i: { serviceId: service, environmentId: production, version: '1.0.0', releaseId: ledger, status: 'SUCCEEDED' },
    });
    await waitFor(
      "the ledger release's window",
      async () => (await call(`query($id: ID!) { release(id: $id) { stabilization { status } } }`, { id: ledger })).release.stabilization?.status === 'OPEN',
      15_000,
    );
    const ledgerWindow = (p: Page) => p.locator('[data-testid=stabilization-window]', { hasText: 'Ledger 1.0.0' });
    const actions = /^(acknowledge|resolve|accept rollback|dismiss|hand off|assign owner)\b/i;

    await visit(page, 'Incidents', '[data-testid=suspects] li', 'view-incidents.png');
    await page.locator('[data-testid=trace-waterfall] [role=list] button, [data-testid=trace-waterfall] li').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, 'view-incidents.png'), fullPage: true });

    await visit(page, 'Stabilization', '[data-testid=stabilization-window]', 'view-stabilization.png');
    await ledgerWindow(page).getByRole('button', { name: actions }).first().waitFor({ timeout: 15_000 });
    await visit(page, 'Connectors', 'table tbody tr', 'view-connectors.png');
    await context.close();

    // A viewer (a wall screen) sees the same pages and no button that would change anything.
    const viewerToken = (await call(`mutation { createApiToken(input: { name: "lobby", role: VIEWER }) { token } }`)).createApiToken.token as string;
    const { context: viewerContext, page: viewerPage } = await openContext();
    await signIn(viewerPage, viewerToken);
    await viewerPage.goto(`${hub.url}/releases/${encodeURIComponent(broken!.id)}`, { waitUntil: 'domcontentloaded' });
    await viewerPage.locator('[data-testid=rollback-decisions]').waitFor({ timeout: 15_000 });
    expect(await viewerPage.getByRole('button', { name: actions }).count()).toBe(0);
    // The same open window the admin could assign an owner, without the button.
    await visit(viewerPage, 'Stabilization', '[data-testid=stabilization-window]', 'view-stabilization-viewer.png');
    await ledgerWindow(viewerPage).waitFor({ timeout: 15_000 });
    expect(await viewerPage.getByRole('button', { name: actions }).count()).toBe(0);
    await viewerContext.close();

    expect(problems).toEqual([]);
  }, 180_000);
});
