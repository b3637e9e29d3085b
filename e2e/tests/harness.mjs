// What the browser walks share: a server (`sansho serve --demo` on a fresh database), headless
// Debian Chromium with one page, problem tracking (console errors, script errors, CSP violations,
// failed responses unless expected), steps that stop the walk at the first failure with a
// screenshot, and the first administrator's setup with a TOTP second factor.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';

import { chromium } from 'playwright-core';

import { REPO, startServer } from './server.mjs';
import { stepAt, totp } from './totp.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SHOTS = join(REPO, 'e2e', 'screenshots');
export const DEMO_ORG = 'サンプル事業者（出典003）';

/**
 * Registers the walk's before/after hooks (call inside `describe`) and returns its tools:
 * `step(name, fn)`, `at(path)`, `shot(name)`, `page()`, `server()`, `expected` (statuses, or
 * 'console', allowed to fail for a while) and `state` (what steps hand on).
 */
export function walk(prefix) {
  let server;
  let browser;
  let page;
  const problems = [];
  const expected = new Set();
  let broken = false;
  const state = {};
  const at = (path) => server.url + path;
  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const step = (name, fn) =>
    it(name, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      const seen = problems.length;
      try {
        await fn();
        assert.deepEqual(problems.slice(seen), [], 'no console error, script error or CSP violation');
      } catch (e) {
        broken = true;
        await shot(`failed-${prefix}-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
        if (server) e.message += `\n--- page ${page?.url()}\n--- server output (tail):\n${server.output().slice(-3000)}`;
        throw e;
      }
    });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
      );
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected.has('console')) problems.push(`console on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !expected.has(r.status())) problems.push(`${r.status()} for ${r.url()}`);
    });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
    }
  });

  return { step, at, shot, page: () => page, server: () => server, expected, state };
}

/**
 * The first administrator, made with the setup token, enrolled in TOTP; returns the path of the
 * demo assessment (`/assessments/<id>`).
 */
export async function firstAdmin(page, server, { username, display, password }) {
  await page.goto(server.url + '/setup');
  await page.fill('input[name=token]', server.token);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=display_name]', display);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL('**/account/totp'), page.click('form[action="/setup"] button[type=submit]')]);
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.fill('input[name=code]', totp(secret, stepAt(Date.now())));
  await page.click('form[action="/account/totp"] button[type=submit]');
  await page.locator('ol.recovery').waitFor();
  await page.goto(server.url + '/assessments');
  const row = page.locator('table.list tbody tr', { hasText: DEMO_ORG });
  return row.locator('a[href^="/assessments/"]').first().getAttribute('href');
}
