// sansho as a person uses it, in a real browser: Debian's Chromium (headless) driven by
// playwright-core, against `sansho serve --demo` on a fresh database.
//
// First start with the setup token → administrator with a TOTP second factor and recovery codes →
// the demo assessment's dashboard (verdict, charts, figures) → the checklist → answer an unanswered
// check item (result, 実施内容) → upload an evidence file with its dates (listed with its SHA-256,
// downloaded back byte for byte) → accept a derived suggestion → the dashboard's figures changed →
// the Excel download holds the new answer and evidence → guideline pages (related requirements,
// the English toggle) and search → log out → log in with the password and a fresh code. Every page must load without a console error, a script error or a CSP violation. Full-page
// screenshots go to e2e/screenshots/ for a person to look at.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

import { REPO, startServer } from './server.mjs';
import { STEP_SECONDS, stepAt, totp } from './totp.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = join(REPO, 'e2e', 'screenshots');
const USER = 'e2e-admin';
const DISPLAY = '情報システム課 管理者';
const PASSWORD = 'kanri-Passw0rd-2025!';
const DEMO_ORG = 'サンプル事業者（出典003）';

/** The files of a zip archive by name (stored or deflated), read through its central directory. */
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'a zip end record');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : raw);
  }
  return files;
}

/** Collapses runs of white space, as a reader sees the text. */
const squash = (s) => s.replace(/\s+/g, ' ').trim();

describe('sansho in a real browser', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  /** Console errors, uncaught script errors, CSP violations and failed responses, in order. */
  const problems = [];
  let broken = false;
  const state = {};

  const at = (path) => server.url + path;
  const pathname = () => new URL(page.url()).pathname;
  const shot = async (name) => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  /** The dashboard's figures: answered / total, the gap count, the coverage chart. */
  const figures = async () => {
    if (!/\/assessments\/[0-9a-f-]{36}$/.test(pathname())) await page.goto(at(state.assessment));
    const status = squash(await page.locator('main p.muted').first().innerText());
    const m = status.match(/回答 (\d+) \/ (\d+)/);
    assert.ok(m, status);
    const gaps = Number(await page.locator('h2:has-text("ギャップ") .count').innerText());
    const chart = await page.locator('svg.chart').first().innerHTML();
    return { answered: Number(m[1]), total: Number(m[2]), gaps, chart };
  };

  /** Submits a form that comes back to a page (POST, then 303 to a GET) and waits for it. */
  const submit = async (button) => {
    await Promise.all([page.waitForEvent('framenavigated', (f) => f === page.mainFrame()), button.click()]);
    await page.waitForLoadState('load');
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const context = await browser.newContext({
      viewport: { width: 1366, height: 860 },
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      acceptDownloads: true,
    });
    // Report CSP violations through the console too (Chromium also logs them as errors itself).
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      // Any failed load, on any page, is a problem.
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) {
        problems.push(`console ${m.type()} on ${page.url()}: ${m.text()} [${m.location().url}]`);
      }
    });
    page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
    }
  });

  /** A step of the walk: skipped once an earlier one failed; fails on any new page problem. */
  const step = (name, fn) =>
    it(name, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      const seen = problems.length;
      try {
        await fn();
        assert.deepEqual(problems.slice(seen), [], 'no console error, script error or CSP violation');
      } catch (e) {
        broken = true;
        await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
        if (server) e.message += `\n--- page ${page?.url()}\n--- server output (tail):\n${server.output().slice(-3000)}`;
        throw e;
      }
    });

  step('the setup page creates the administrator with the console token', async () => {
    await page.goto(at('/login'));
    assert.equal(pathname(), '/setup', 'before anyone exists, the login page sends to setup');
    assert.match(await page.locator('h1').innerText(), /初期設定/);
    await page.fill('input[name=token]', server.token);
    await page.fill('input[name=username]', USER);
    await page.fill('input[name=display_name]', DISPLAY);
    await page.fill('input[name=password]', PASSWORD);
    await shot('01-setup');
    await Promise.all([page.waitForURL('**/account/totp'), page.click('form[action="/setup"] button[type=submit]')]);
  });

  step('the administrator enrols an authenticator app and gets 10 recovery codes', async () => {
    assert.match(await page.locator('h1').innerText(), /二要素認証/);
    assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code');
    const box = await page.locator('.qr svg').boundingBox();
    assert.ok(box && box.width >= 120, `the QR code is big enough to scan: ${JSON.stringify(box)}`);
    state.secret = (await page.locator('code.secret').innerText()).trim();
    assert.match(state.secret, /^[A-Z2-7]{16,}=*$/, 'a base32 key');
    await shot('02-totp-enrol');
    state.enrolStep = stepAt(Date.now());
    await page.fill('input[name=code]', totp(state.secret, state.enrolStep));
    await page.click('form[action="/account/totp"] button[type=submit]');
    await page.locator('ol.recovery').waitFor();
    state.recovery = (await page.locator('ol.recovery li code').allInnerTexts()).map((c) => c.trim());
    assert.equal(state.recovery.length, 10, 'ten recovery codes');
    assert.equal(new Set(state.recovery).size, 10, 'all different');
    assert.match(await page.locator('main').innerText(), /回復コード/);
    await shot('03-recovery-codes');
  });

  step('continuing lists the demo assessment', async () => {
    await Promise.all([page.waitForURL('**/assessments'), page.click('a.button:has-text("続ける")')]);
    const row = page.locator('table.list tbody tr', { hasText: DEMO_ORG });
    assert.equal(await row.count(), 1, `a row for ${DEMO_ORG}`);
    await shot('04-assessments');
  });

  step('the dashboard shows the minimum-package verdict and the charts', async () => {
    const row = page.locator('table.list tbody tr', { hasText: DEMO_ORG });
    await Promise.all([page.waitForURL(/\/assessments\/[0-9a-f-]{36}$/), row.locator('a[href^="/assessments/"]').click()]);
    state.assessment = pathname();
    const verdict = squash(await page.locator('.verdict').innerText());
    assert.match(verdict, /^最低限のガイドライン（遵守事項）: 未達/, verdict);
    assert.ok(await page.locator('.verdict-not').isVisible(), 'shown as not met');
    const charts = page.locator('svg.chart');
    assert.ok((await charts.count()) >= 3, 'coverage, category and level charts');
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 40, `a chart is drawn at a readable size: ${JSON.stringify(box)}`);
    }
    assert.ok((await page.locator('table.list tbody tr').count()) > 0, 'the gap list');
    state.before = await figures();
    await shot('05-dashboard');
  });

  step('the checklist lists every requirement of the assessment', async () => {
    await page.goto(at(state.assessment));
    await Promise.all([page.waitForURL('**/answers'), page.click('a.button:has-text("チェックリストに回答する")')]);
    assert.ok((await page.locator('table tbody tr').count()) >= 80, 'the 80 check items and their groups');
    await shot('06-checklist');
  });

  step('an unanswered check item is answered with its result and 実施内容', async () => {
    // Check items without an answer of their own show a derived result, （推定）: answer the last.
    const rows = page.locator('table.checklist tbody tr:not(.group)', { hasText: '（推定）' });
    assert.ok((await rows.count()) > 1, 'the demo leaves some check items to answer');
    const row = rows.last();
    const link = row.locator('a').first();
    state.answered = squash(await link.innerText());
    await Promise.all([page.waitForURL(/\/r\/[^/]+$/), link.click()]);
    state.answerPage = pathname();
    assert.equal(squash(await page.locator('section.requirement h1').innerText()), state.answered);
    const form = page.locator(`form[action="${state.answerPage}"]`);
    await form.locator('select[name=result]').selectOption('implemented');
    await form.locator('textarea[name=how]').fill('e2e: 担当者を定め、手順書に従って毎月点検している。');
    await form.locator('input[name=owner]').fill('情報システム課');
    await submit(form.locator('button[type=submit]'));
    assert.equal(await form.locator('select[name=result]').inputValue(), 'implemented', 'saved');
    assert.equal(await form.locator('textarea[name=how]').inputValue(), 'e2e: 担当者を定め、手順書に従って毎月点検している。');
    assert.match(squash(await page.locator('table.history').innerText()), /実施状況 — → 実施済/, 'the history');
  });

  step('an evidence file is uploaded with its dates and listed with its hash', async () => {
    const content = 'e2e 点検記録 2026年度\n第1条 毎月点検する。\n';
    const form = page.locator(`form[action="${state.answerPage}/evidence"]`);
    await form.locator('input[name=file]').setInputFiles({
      name: '点検記録.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(content, 'utf8'),
    });
    await form.locator('input[name=title]').fill('月次点検記録');
    await form.locator('input[name=effective]').fill('2026-04-01');
    await form.locator('input[name=expiry]').fill('2027-03-31');
    await submit(form.locator('button[type=submit]'));
    const item = page.locator('ul.evidence li', { hasText: '月次点検記録' });
    assert.equal(await item.count(), 1, 'listed');
    const text = squash(await item.innerText());
    const sha = createHash('sha256').update(content, 'utf8').digest('hex');
    assert.ok(text.includes('点検記録.txt'), text);
    assert.ok(text.includes(sha), `the SHA-256 of the file: ${text}`);
    assert.ok(text.includes('2026-04-01〜2027-03-31'), text);
    const box = await item.boundingBox();
    const section = await page.locator('section.requirement').boundingBox();
    assert.ok(box.x + box.width <= section.x + section.width + 1, 'the hash does not overflow its column');
    await shot('07-answer-with-evidence');
    // The file comes back byte for byte.
    const got = await page.request.get(at(await item.locator('a').getAttribute('href')));
    assert.equal(got.status(), 200);
    assert.equal((await got.body()).toString('utf8'), content);
  });

  step('a derived suggestion is accepted as the answer', async () => {
    await page.goto(at(`${state.assessment}/answers`));
    const rows = page.locator('table.checklist tbody tr:not(.group)', { hasText: '（推定）' });
    const n = await rows.count();
    assert.ok(n > 0, 'the demo has check items with a derived result');
    // The first whose suggestion can be accepted (a suggestion of 未回答 cannot).
    let accepted = false;
    const hrefs = [];
    for (let i = 0; i < n; i++) hrefs.push(await rows.nth(i).locator('a').first().getAttribute('href'));
    for (const href of hrefs) {
      if (accepted) break;
      assert.notEqual(href, state.answerPage, 'the item answered above has no derived result any more');
      await page.goto(at(href));
      const button = page.locator('form[action$="/accept"] button');
      if ((await button.count()) === 0) continue;
      state.suggested = squash(await page.locator('aside.related p strong').first().innerText());
      await shot('08-suggestion');
      await submit(button);
      assert.equal(pathname(), href);
      const form = page.locator(`form[action="${href}"]`);
      const chosen = squash(await form.locator('select[name=result] option:checked').innerText());
      assert.equal(chosen, state.suggested, 'the answer is now the suggested result');
      assert.match(await page.locator('h2 .badge').first().innerText(), /由来: 推定を採用/, 'with its origin');
      const history = squash(await page.locator('table.history').innerText());
      assert.match(history, /由来 — → 推定を採用/, history);
      const table = await page.locator('table.history').boundingBox();
      const aside = await page.locator('aside.related').boundingBox();
      assert.ok(table.x + table.width <= aside.x + aside.width, 'the history stays inside its panel');
      await shot('08-suggestion-accepted');
      accepted = true;
    }
    assert.ok(accepted, 'some suggestion could be accepted');
  });

  step('the dashboard figures changed', async () => {
    await page.goto(at(state.assessment));
    const after = await figures();
    assert.equal(after.answered, state.before.answered + 2, `answered: ${state.before.answered} → ${after.answered}`);
    assert.equal(after.total, state.before.total);
    assert.ok(after.gaps < state.before.gaps, `gaps: ${state.before.gaps} → ${after.gaps}`);
    const svg = await page.locator('svg.chart').first().innerHTML();
    assert.notEqual(svg, state.before.chart, 'the coverage chart was redrawn');
    await shot('09-dashboard-after');
  });

  step('the Excel download is a real workbook with the new answer and evidence', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a.button:has-text("チェックリスト（Excel）")'),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    assert.ok(statSync(file).size > 10 * 1024, `more than 10 kB: ${statSync(file).size}`);
    const parts = unzip(bytes);
    assert.ok(parts.has('xl/workbook.xml'), 'an Office Open XML workbook');
    const sheets = [...parts.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    assert.ok(sheets.length >= 2, `the checklist and the 集計 sheet: ${sheets}`);
    // Cell text is inline or in the shared strings; either way it is in these parts.
    const text = [...parts.entries()]
      .filter(([n]) => n === 'xl/sharedStrings.xml' || sheets.includes(n))
      .map(([, b]) => b.toString('utf8'))
      .join('\n');
    assert.ok(text.includes('e2e: 担当者を定め、手順書に従って毎月点検している。'), 'the answer filled in the browser');
    assert.ok(text.includes('月次点検記録（点検記録.txt SHA-256:'), 'the evidence uploaded in the browser');
    assert.ok(text.includes('チェック項目'), 'the checklist header');
  });

  step('the guideline list shows the bundled catalogs', async () => {
    await page.click('.bar nav a:has-text("ガイドライン")');
    await page.waitForURL('**/guidelines');
    assert.ok((await page.locator('table.list').first().locator('tbody tr').count()) >= 5, 'the catalogs');
    await shot('10-guidelines');
  });

  step('a requirement page shows its related requirements in the other guidelines', async () => {
    await page.goto(at('/guidelines/mic-cloud-2018/3.2.3-a-2'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    const panel = page.locator('aside.related');
    assert.match(await panel.locator('h2').innerText(), /他のガイドライン・版の対応する要求事項/);
    assert.equal((await panel.locator('h2 .count').innerText()).trim(), '10');
    assert.equal(await panel.locator('ul.rel > li').count(), 10, 'ten related requirements');
    assert.equal(squash(await page.locator('section.requirement h1').innerText()), '3.2.3 (ア) 2');
    assert.match(await page.locator('section.requirement').innerText(), /技術的/, 'its control category');
    await shot('11-requirement-ja');
  });

  step('the English toggle switches the page to English and back', async () => {
    const path = pathname();
    await Promise.all([page.waitForURL((u) => u.pathname === path), page.click('.lang a:has-text("English")')]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.match(
      await page.locator('aside.related h2').innerText(),
      /Related requirements in other guidelines and versions/,
    );
    assert.match(await page.locator('.bar nav').innerText(), /Guidelines/);
    // Catalog titles in English where the catalog has one; relations in words, not ids.
    assert.match(await page.locator('p.crumbs').innerText(), /Guidelines for cloud service providers/);
    for (const h of await page.locator('aside.related h3').allInnerTexts()) assert.match(h, /^Guidelines /, h);
    const badges = await page.locator('aside.related .relation').allInnerTexts();
    assert.ok(badges.includes('overlaps'), badges.join(', '));
    assert.ok(!badges.some((b) => /-(to|of|with)$/.test(b)), badges.join(', '));
    await shot('12-requirement-en');
    await Promise.all([page.waitForURL((u) => u.pathname === path), page.click('.lang a:has-text("日本語")')]);
    await page.waitForFunction(() => document.documentElement.lang === 'ja');
    assert.match(await page.locator('aside.related h2').innerText(), /他のガイドライン・版の対応する要求事項/);
  });

  step('searching 二要素認証 finds highlighted hits', async () => {
    await page.fill('form.quick input[name=q]', '二要素認証');
    await Promise.all([page.waitForURL('**/search?**'), page.press('form.quick input[name=q]', 'Enter')]);
    const hits = page.locator('ol.hits > li');
    const n = await hits.count();
    assert.ok(n > 0, 'some hits');
    const marks = await page.locator('ol.hits mark').allInnerTexts();
    assert.ok(marks.length > 0, 'highlighted');
    for (const m of marks) assert.equal(m, '二要素認証');
    assert.match(await page.locator('p.muted').first().innerText(), new RegExp(`^${n} 件`));
    await shot('13-search');
  });

  step('logging out ends the session', async () => {
    await page.goto(at('/assessments'));
    await Promise.all([page.waitForURL('**/login'), page.click('button:has-text("ログアウト")')]);
    await page.goto(at('/assessments'));
    assert.equal(pathname(), '/login', 'the application is closed again');
  });

  step('logging in again takes the password and then a fresh TOTP code', async () => {
    await page.fill('input[name=username]', USER);
    await page.fill('input[name=password]', PASSWORD);
    await shot('14-login');
    await Promise.all([page.waitForURL('**/login/totp'), page.click('form[action="/login"] button[type=submit]')]);
    // A wrong code is refused with the reason (one that no nearby time step gives).
    const near = new Set([-1, 0, 1].map((d) => totp(state.secret, stepAt(Date.now()) + d)));
    let wrong = 123456;
    while (near.has(String(wrong))) wrong += 1;
    await page.fill('input[name=code]', String(wrong));
    await page.click('form[action="/login/totp"] button[type=submit]');
    assert.match(await page.locator('.error').innerText(), /確認コードが正しくありません/);
    await shot('15-login-totp-refused');
    // A code is good once: the enrolment's step is spent, so wait for the next one if needed.
    const wait = (state.enrolStep + 1) * STEP_SECONDS * 1000 - Date.now();
    if (wait > 0) await sleep(wait + 300);
    await page.fill('input[name=code]', totp(state.secret, stepAt(Date.now())));
    await Promise.all([page.waitForURL('**/assessments'), page.click('form[action="/login/totp"] button[type=submit]')]);
    assert.equal(await page.locator('table.list tbody tr', { hasText: DEMO_ORG }).count(), 1, 'back in');
    assert.ok(await page.locator('button:has-text("ログアウト")').isVisible());
  });
});
