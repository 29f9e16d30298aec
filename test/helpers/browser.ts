// Debian's Chromium driven by playwright-core (never a downloaded browser), with axe-core on every page.
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, expect } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Express } from 'express';
import type { User } from '../../src/db/types.js';
import { createTestApp, currentCode, PASSWORD, type TestApp } from './app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function serve(app: Express): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** WCAG 2.2 AA rules; the test fails with the list of violations, so they can be read in CI output. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .setLegacyMode()
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const violations = results.violations
    .map((v) => ({
      ...v,
      // GOV.UK Frontend's conditional reveal puts aria-expanded on radios on purpose: screen readers
      // announce it, though ARIA 1.2 does not list it for radios (govuk-frontend issue #979, a known
      // issue the Design System keeps). Only that one finding is set aside.
      nodes:
        v.id === 'aria-allowed-attr'
          ? v.nodes.filter((n) => !(/type="radio"/.test(n.html) && /aria-expanded=/.test(n.html)))
          : v.nodes,
    }))
    .filter((v) => v.nodes.length > 0)
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect({ url: page.url(), violations }).toEqual({ url: page.url(), violations: [] });
}

/** Signs in through the sign-in page by its labels, as a person would. */
/** Signs in by the pages: email and password, then the code from the user's authenticator app. */
export async function signInThroughPage(page: Page, baseUrl: string, user: User, t: TestApp) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/sign-in'), clickButton(page, 'Sign in')]);
  if (new URL(page.url()).pathname === '/sign-in/code') {
    await page.getByLabel('Enter the code from your authenticator app').fill(await currentCode(t, user));
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
      clickButton(page, 'Continue'),
    ]);
  }
  await page.waitForLoadState('domcontentloaded');
}

const clickButton = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).click();

/** Collects console errors and uncaught page errors, which must stay empty. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

/**
 * Axe at 1280 px and at 375 px (a phone), and at 375 px nothing may scroll sideways: the page's
 * width must fit the screen. Leaves the page at 1280 px.
 */
export async function expectAccessibleAtBothWidths(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 375, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect([page.url(), width <= 375 ? 'fits' : `scrolls sideways: ${width} px`]).toEqual([page.url(), 'fits']);
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Counts the pages a person sees: every document loaded in the tab (redirects are not pages). */
export function countPageLoads(page: Page): { count: number; urls: string[] } {
  const counter = { count: 0, urls: [] as string[] };
  page.on('load', () => {
    counter.count += 1;
    counter.urls.push(new URL(page.url()).pathname);
  });
  return counter;
}

/**
 * A browser journey's set-up and teardown: the app on its own database at `now`, served on a port,
 * Chromium, and whatever `seed` adds — all closed after the file's tests. The fields are filled in
 * before the first test runs.
 */
export function useBrowserApp(
  options: { now: string },
  seed: (t: TestApp) => Promise<void> = async () => {},
) {
  const journey = {} as { t: TestApp; baseUrl: string; browser: Browser };
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    journey.t = await createTestApp({ now: options.now });
    server = await serve(journey.t.app);
    journey.baseUrl = server.baseUrl;
    journey.browser = await launchBrowser();
    await seed(journey.t); // a seed may open its first page
  });
  afterAll(async () => {
    await journey.browser?.close();
    await server?.close();
    await journey.t?.close();
  });
  return journey;
}
