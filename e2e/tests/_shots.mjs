import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { stepAt, totp } from './totp.mjs';
const server = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' })).newPage();
const at = (p) => server.url + p;
try {
  await page.goto(at('/setup'));
  await page.fill('input[name=token]', server.token);
  await page.fill('input[name=username]', 'shots');
  await page.fill('input[name=display_name]', '評価担当');
  await page.fill('input[name=password]', 'hyoka-Passw0rd-2026!');
  await Promise.all([page.waitForURL('**/account/totp'), page.click('form[action="/setup"] button[type=submit]')]);
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.fill('input[name=code]', totp(secret, stepAt(Date.now())));
  await page.click('form[action="/account/totp"] button[type=submit]');
  await page.locator('ol.recovery').waitFor();
  await page.goto(at('/assessments'));
  const a = await page.locator('table.list tbody tr a[href^="/assessments/"]').first().getAttribute('href');
  const sys = await page.locator('table.list tbody tr a[href^="/systems/"]').first().getAttribute('href');
  const shots = [['list', '/assessments'], ['system', sys], ['checklist', `${a}/answers`], ['dashboard', a], ['req', '/guidelines/mhlw-3-checklist/org-1'], ['migrate', `${a}/migrate?to=mhlw-6`]];
  for (const lang of ['ja', 'en']) {
    await page.goto(at(`/lang/${lang}?next=/`));
    for (const w of [1280, 390]) {
      await page.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
      for (const [n, p] of shots) {
        await page.goto(at(p));
        await page.screenshot({ path: `/tmp/shots/${n}-${lang}-${w}.png` });
      }
    }
  }
  // migrate then review, final + reopen
  await page.goto(at('/lang/ja?next=/'));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(at(`${a}/migrate?to=mhlw-6`));
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/migrate"] button')]);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/tmp/shots/review-ja-1280.png` });
  await page.goto(at(sys));
  await page.screenshot({ path: `/tmp/shots/system2-ja-1280.png`, fullPage: true });
} finally {
  await browser.close();
  await server.stop();
}
