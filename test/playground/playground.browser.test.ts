/**
 * The playground in a real browser (Debian's Chromium through playwright-core)
 * against the real gateway: the app as `npm start` runs it (startApp: the GWS
 * simulator, the gateway with the playground and agent1's demo header), on
 * loopback. GraphiQL renders with the example tabs, the schema docs load
 * through introspection, a query runs over HTTP with the default
 * Authorization header, the example subscription runs over graphql-ws with
 * `authorization` in connection_init, a mutation example run in a second tab
 * makes its CometD acknowledgement appear in the subscription's result pane,
 * and the page loads nothing from any other host and trips no CSP rule.
 *
 * Needs Chromium: `scripts/ensure-chromium.sh` installs it. Without it the
 * file skips itself, except in CI (CI set), where it fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { testConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/logger.js';
import { EXAMPLE_OPERATIONS } from '../../src/playground/examples.js';
import { basicAuthorizationHeaders } from '../../src/playground/serve-playground.js';
import { BUILD_TIMEOUT_MS, ensurePlaygroundBuild } from './build-playground.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/playground.png', import.meta.url));
const DEMO_HEADERS = basicAuthorizationHeaders('agent1', 'agent1pass');
const AUTHORIZATION = DEMO_HEADERS.Authorization!;
const UI_TIMEOUT_MS = 30_000;

const haveChromium = existsSync(CHROMIUM_PATH);
const skip = !haveChromium && !process.env.CI;
if (skip) {
  console.warn(
    `playground.browser.test: skipped, no Chromium at ${CHROMIUM_PATH}. ` +
      'Run scripts/ensure-chromium.sh (or set CHROMIUM_PATH). In CI this test fails instead.',
  );
}

/** Polls a condition on the Node side (gateway state). */
async function until(what: string, condition: () => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until the response editor shows `text`. Monaco wraps long lines, so
 * the comparison ignores whitespace.
 */
async function responseShows(page: Page, text: string): Promise<string> {
  const squeeze = (s: string) => s.replace(/\s+/g, '');
  const response = page.locator('.graphiql-response');
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let shown = '';
  while (Date.now() < deadline) {
    shown = await response.innerText().catch(() => '');
    if (squeeze(shown).includes(squeeze(text))) return shown;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failure.png') }).catch(() => undefined);
  throw new Error(`the response editor does not show ${JSON.stringify(text)}; it shows:\n${shown}`);
}

async function openTab(page: Page, title: string): Promise<void> {
  const editor = page.locator('.graphiql-query-editor');
  // The operation editor is Monaco, loaded lazily: a tab switched to before it
  // is mounted keeps showing the previous tab's document.
  await editor.locator('.monaco-editor').first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.locator('.graphiql-tab', { hasText: title }).locator('.graphiql-tab-button').click();
  await page.locator('.graphiql-tab-active', { hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
  await editor.locator('.view-lines', { hasText: ` ${title}` }).waitFor({ timeout: UI_TIMEOUT_MS });
}

describe.skipIf(skip)('GraphiQL playground in Chromium, on the real gateway', () => {
  let app: App;
  let origin: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const offHostRequests: string[] = [];
  const consoleErrors: string[] = [];
  /** operationName of every GraphQL POST the browser sent. */
  const httpOperations: string[] = [];
  /** Payloads of the graphql-ws connection_init messages the browser sent. */
  const connectionInits: unknown[] = [];

  /** Live subscriptions of agent1 on the gateway (its per-user event stream). */
  const subscribers = (): number =>
    app.gateway.services.sessions.peek(AUTHORIZATION)?.eventStreamStatus().subscribers ?? 0;
  const eventStreamConnected = (): boolean =>
    app.gateway.services.sessions.peek(AUTHORIZATION)?.eventStreamStatus().state === 'CONNECTED';

  function watch(target: Page): void {
    target.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    target.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    target.on('request', (request) => {
      if (request.method() !== 'POST') return;
      try {
        const body = JSON.parse(request.postData() ?? '') as { operationName?: unknown };
        if (typeof body.operationName === 'string') httpOperations.push(body.operationName);
      } catch {
        // Not a GraphQL request.
      }
    });
    target.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type?: string; payload?: unknown };
        if (message.type === 'connection_init') connectionInits.push(message.payload);
      });
    });
  }

  beforeAll(async () => {
    if (!haveChromium) {
      throw new Error(`No Chromium at ${CHROMIUM_PATH}: run scripts/ensure-chromium.sh (or set CHROMIUM_PATH)`);
    }
    // startApp serves dist/playground/client, which this builds when missing or stale.
    await ensurePlaygroundBuild();
    app = await startApp(testConfig({ PLAYGROUND: 'true', COMETD_IDLE_GRACE_MS: '50' }), silentLogger);
    origin = new URL(app.gateway.url).host;
    userDataDir = await mkdtemp(path.join(tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
    });
    // Anything not addressed to the gateway is recorded and refused.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.host === origin) return route.continue();
      offHostRequests.push(url.href);
      return route.abort('blockedbyclient');
    });
    page = context.pages()[0] ?? (await context.newPage());
    watch(page);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await app?.stop();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('renders GraphiQL with one tab per example operation', async () => {
    expect(app.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const response = await page.goto(app.gateway.url);
    expect(response?.status()).toBe(200);
    await page.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const titles = (await page.locator('.graphiql-tab').allInnerTexts()).map((t) => t.trim());
    expect(titles).toEqual(EXAMPLE_OPERATIONS.map((op) => op.name));
  }, 60_000);

  it('loads the schema docs through introspection', async () => {
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.locator('a', { hasText: 'Mutation' }).first().click({ timeout: UI_TIMEOUT_MS });
    await docs.locator('.graphiql-doc-explorer-title', { hasText: 'Mutation' }).waitFor({ timeout: UI_TIMEOUT_MS });
    for (const field of ['rescheduleRecord', 'rejectRecord', 'updateRecord', 'cancelRecordByPhoneNumber', 'completeRecord']) {
      await docs.getByText(field, { exact: true }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
    expect(httpOperations).toContain('IntrospectionQuery');
    // Closed again, so the screenshot below has room for the result pane.
    await page.locator('button[aria-label="Hide Documentation Explorer"]').click();
  }, 60_000);

  it("runs a query with the run button, sending the default Authorization header: agent1's devices from the simulator", async () => {
    await openTab(page, 'Devices');
    await page.locator('.graphiql-execute-button').click();
    await responseShows(page, '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294');
    await responseShows(page, '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00');
    expect(httpOperations).toContain('Devices');
  }, 60_000);

  it('runs the example subscription; a mutation example run in another tab shows its acknowledgement there', async () => {
    await openTab(page, 'OutboundRecordEvents');
    await page.locator('.graphiql-execute-button').click();
    await until('the subscription to be live upstream', () => subscribers() === 1 && eventStreamConnected());
    // graphql-ws connection_init carried the header, lower-cased.
    expect(connectionInits.at(-1)).toEqual({ authorization: AUTHORIZATION });

    // A second browser tab runs the RejectRecord example, as a user would.
    const second = await context.newPage();
    watch(second);
    try {
      await second.goto(app.gateway.url);
      await second.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT_MS });
      await openTab(second, 'RejectRecord');
      await second.locator('.graphiql-execute-button').click();
      const answer = await responseShows(second, '"statusCode": 0');
      await responseShows(second, 'RECORD_REJECT_ACKNOWLEDGE');
      const referenceId = /"referenceId":\s*"([^"]+)"/.exec(answer)?.[1];
      expect(referenceId).toMatch(/\S/);

      // The event, with its notificationType and the mutation's referenceId, in the subscription's pane.
      await responseShows(page, '"notificationType": "RECORD_REJECT_ACKNOWLEDGE"');
      await responseShows(page, `"referenceId": "${referenceId}"`);
      await responseShows(page, '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395');
      expect(httpOperations).toContain('RejectRecord');
    } finally {
      await second.close();
    }

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The run button is now a stop button: stopping ends the subscription on the gateway.
    await page.locator('.graphiql-execute-button').click();
    await until('the subscription to end on the gateway', () => subscribers() === 0);
  }, 90_000);

  it('keeps the demo Authorization header after a reload', async () => {
    await page.reload();
    await page.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT_MS });
    await openTab(page, 'Devices');
    const before = httpOperations.filter((op) => op === 'Devices').length;
    await page.locator('.graphiql-execute-button').click();
    await until('the query to reach the gateway', () => httpOperations.filter((op) => op === 'Devices').length > before);
    await responseShows(page, '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294');
  }, 60_000);

  it('loaded nothing from another host and broke no CSP rule', () => {
    expect(offHostRequests).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
