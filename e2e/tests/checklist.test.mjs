// The checklist as a person uses it (issue 11 §2.1, §2.2, §2.14), in Debian's Chromium against
// `sansho serve --demo`: two rows edited and the second row's 保存 pressed saves both; leaving the
// page with unsaved edits asks first (checklist.js, an external script: the CSP allows no inline
// one); 該当なし shows its reason field on the row, and a refusal comes back on the checklist with
// every entered value; at 390 px the header wraps (no word broken one character per line) and the
// checklist rows become cards. Screenshots at 1280 and 390 px, Japanese and English, go to
// e2e/screenshots/.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { firstAdmin, walk } from './harness.mjs';

describe('the checklist in a real browser', { timeout: 240_000 }, () => {
  const { step, at, shot, page: p, server, expected, state } = walk('checklist');
  let page;

  step('an administrator is set up and opens the demo checklist', async () => {
    page = p();
    state.assessment = await firstAdmin(page, server(), {
      username: 'e2e-checklist',
      display: '評価担当',
      password: 'hyoka-Passw0rd-2026!',
    });
    await page.goto(at(`${state.assessment}/answers`));
    assert.equal(await page.locator('form#checklist').count(), 1, 'one form for the whole checklist');
  });

  step('two rows edited, the second row saved: both are kept', async () => {
    const rows = page.locator('table.checklist tbody tr:not(.group)');
    state.first = (await rows.nth(0).getAttribute('id')).slice(2);
    state.second = (await rows.nth(1).getAttribute('id')).slice(2);
    const how = (id) => page.locator(`textarea[name="how.${id}"]`);
    await how(state.first).click();
    await how(state.first).fill('e2e 一行目: 規程を毎年見直す');
    await how(state.second).click();
    await how(state.second).pressSequentially('（e2e 二行目）');
    assert.ok(await page.locator('#unsaved').isVisible(), 'the page says there are unsaved changes');
    assert.equal(await page.locator('tr.changed').count(), 2, 'both edited rows are marked');
    await shot('20-checklist-unsaved');

    // Leaving asks first; staying keeps the edits.
    const dialogs = [];
    page.once('dialog', async (d) => {
      dialogs.push(d.type());
      await d.dismiss();
    });
    await page.locator('p.crumbs a').last().click();
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, ['beforeunload'], 'the browser asked before leaving');
    assert.match(page.url(), /\/answers$/, 'still on the checklist');
    assert.equal(await how(state.first).inputValue(), 'e2e 一行目: 規程を毎年見直す');

    await Promise.all([
      page.waitForURL(/saved=2/),
      page.locator(`tr#r-${state.second} button.row-save`).click(),
    ]);
    assert.match(await page.locator('p.notice').first().innerText(), /2 行を保存しました/);
    assert.equal(await how(state.first).inputValue(), 'e2e 一行目: 規程を毎年見直す', 'the first row was saved too');
    assert.match(await how(state.second).inputValue(), /（e2e 二行目）$/);
    assert.ok(!(await page.locator('#unsaved').isVisible()), 'nothing unsaved any more');
  });

  step('該当なし takes its reason on the row; without one the checklist comes back with the values', async () => {
    const id = state.first;
    const reason = page.locator(`tr#r-${id} label.reason`);
    assert.ok(!(await reason.isVisible()), 'no reason field until 該当なし is chosen');
    await page.locator(`select[name="result.${id}"]`).selectOption('not-applicable');
    assert.ok(await reason.isVisible(), 'the reason field shows for 該当なし');
    await page.locator(`textarea[name="how.${state.second}"]`).fill('e2e: 残るはずの入力');
    expected.add(422);
    expected.add('console');
    await Promise.all([page.waitForLoadState('load'), page.locator('.savebar button').click()]);
    await page.locator(`tr#r-${id}.row-error`).waitFor();
    assert.match(await page.locator(`tr#r-${id} .error`).innerText(), /該当なしには理由の記入が必要です/);
    assert.equal(await page.locator(`select[name="result.${id}"]`).inputValue(), 'not-applicable', 'the choice is kept');
    assert.equal(await page.locator(`textarea[name="how.${state.second}"]`).inputValue(), 'e2e: 残るはずの入力');
    await shot('21-checklist-refused-row');
    // Chromium may report the 422 on the console a moment after the page loaded.
    expected.delete(422);
    expected.delete('console');
    await page.locator(`textarea[name="why.${id}"]`).fill('e2e: 対象の業務がないため');
    await Promise.all([page.waitForURL(/saved=2/), page.locator('.savebar button').click()]);
    assert.equal(await page.locator(`select[name="result.${id}"]`).inputValue(), 'not-applicable');
    assert.equal(await page.locator(`textarea[name="why.${id}"]`).inputValue(), 'e2e: 対象の業務がないため');
    await shot('22-checklist-1280-ja');
  });

  step('at 390 px the header wraps whole words and the checklist rows become cards', async () => {
    for (const lang of ['ja', 'en']) {
      await page.goto(at(`/lang/${lang}?next=${encodeURIComponent(`${state.assessment}/answers`)}`));
      await page.setViewportSize({ width: 390, height: 844 });
      for (const link of await page.locator('header.bar nav a').all()) {
        const box = await link.boundingBox();
        assert.ok(box.height < 40 && box.width > box.height, `a nav link stays on one line: ${JSON.stringify(box)}`);
      }
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 392, `no sideways scrolling of the page at 390 px (${width})`);
      const textarea = await page.locator('table.checklist textarea').first().boundingBox();
      assert.ok(textarea.width > 250, `a row's fields use the width of the phone: ${JSON.stringify(textarea)}`);
      await shot(`23-checklist-390-${lang}`);
      await page.goto(at(state.assessment));
      await shot(`24-dashboard-390-${lang}`);
      await page.setViewportSize({ width: 1280, height: 860 });
      await shot(`25-dashboard-1280-${lang}`);
      await page.goto(at('/assessments'));
      await shot(`26-assessments-1280-${lang}`);
    }
    await page.goto(at(`/lang/ja?next=/assessments`));
  });
});
