/**
 * Filling the DotM questionnaires in Chromium as an enumerator does: every required question answered
 * with a plausible value for its input, section after section, to completion.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** Answers every question of `scope` flagged as required with a plausible answer for its input. */
export async function answerRequired(scope: Locator): Promise<number> {
  let answered = 0;
  const tries = new Map<string, number>();
  for (let guard = 0; guard < 200; guard++) {
    const q = scope.locator('.question.has-problem', { hasText: 'an answer is required' }).first();
    if ((await q.count()) === 0) return answered;
    const name = (await q.getAttribute('data-question')) ?? '?';
    tries.set(name, (tries.get(name) ?? 0) + 1);
    if (tries.get(name)! > 3) throw new Error(`cannot answer "${name}": ${await q.innerHTML()}`);
    const radios = q.locator('input[type=radio]');
    const checks = q.locator('input[type=checkbox]');
    const select = q.locator('select').first();
    const countries = q.locator('input[list]');
    if ((await radios.count()) > 0) {
      const no = q.getByRole('radio', { name: 'No', exact: true });
      await ((await no.count()) > 0 ? no : radios.first()).check();
    } else if ((await countries.count()) > 0) {
      // Lists with the special answers start with "This country" (named after the survey's host country when it has one).
      const list = (await countries.first().getAttribute('list')) ?? '';
      const first = list.endsWith('-all') ? await q.page().locator(`datalist[id="${list}"] option`).first().getAttribute('value') : null;
      await countries.first().fill(first ?? 'Ghana (GHA)');
    } else if ((await checks.count()) > 0) {
      await checks.first().check();
    } else if ((await q.locator('input[type=number]').count()) > 0) {
      // 1 fits most counts and amounts; a year refuses it, so a second try uses one.
      await q
        .locator('input[type=number]')
        .first()
        .fill(tries.get(name)! > 1 ? '2015' : '1');
    } else if ((await q.locator('input[type=date]').count()) > 0) {
      await q.locator('input[type=date]').first().fill('2020-01-01');
    } else if ((await select.count()) > 0) {
      await select.selectOption({ index: 1 });
    } else {
      await q.locator('input').first().fill('x');
    }
    answered++;
  }
  throw new Error('required questions keep coming back');
}

/** Fills a section: loose questions, then every row of its rosters (opening each). */
export async function fillSection(page: Page): Promise<void> {
  const body = page.locator('.section-body');
  // Nothing is flagged as missing before the enumerator asks (or moves on): then every unanswered required question is.
  const show = page.getByRole('button', { name: 'Show unanswered questions' });
  if (await show.isEnabled()) {
    expect(await body.locator('.question.has-problem', { hasText: 'an answer is required' }).count()).toBe(0);
    await show.click();
  }
  await answerRequired(body);
  const rows = body.locator('details.roster-row');
  for (let k = 0; k < (await rows.count()); k++) {
    const row = rows.nth(k);
    if (!(await row.evaluate((d) => (d as HTMLDetailsElement).open))) await row.locator('summary').first().click();
    // The row renders its questions only once open: wait for them before looking for problems.
    await row.locator('.question').first().waitFor();
    await answerRequired(row);
  }
  await answerRequired(body);
}

/** Walks every section to the end and completes the interview. */
export async function finish(page: Page): Promise<void> {
  for (let guard = 0; guard < 40; guard++) {
    await fillSection(page);
    const next = page.getByRole('button', { name: 'Next section' });
    if ((await next.count()) > 0) {
      await next.click();
      continue;
    }
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    if (
      await page
        .getByRole('heading', { name: 'Fieldwork' })
        .isVisible()
        .catch(() => false)
    )
      return;
    try {
      await page.getByRole('heading', { name: 'Fieldwork' }).waitFor({ timeout: 3000 });
    } catch {
      const alerts = await page.locator('[role=alert]').allTextContents();
      throw new Error(
        'completion blocked: ' +
          alerts.join(' | ') +
          ' / ' +
          (await page
            .getByTestId('to-fix')
            .innerHTML()
            .catch(() => '')),
      );
    }
    return;
  }
  throw new Error('too many sections');
}

/** Adds a member to the DotM household roster (M1) with the answers every member needs. */
export async function addMember(page: Page, name: string, sex: 'Male' | 'Female', age: number, relation: string, parents?: [number, number]) {
  await page.getByRole('button', { name: /^Add household members/ }).click();
  const row = page.locator('details[open]').last();
  await row.locator('[data-question="name"] input').fill(name);
  await row.locator('[data-question="sex"]').getByRole('radio', { name: sex, exact: true }).check();
  await row.locator('[data-question="age"] input').fill(String(age));
  await row.locator('[data-question="relation"] select').selectOption({ label: relation });
  // A usual member (not away 3 months or more); a child's parents by line number (0: not a member).
  await row.locator('[data-question="usual_resident"]').getByRole('radio', { name: 'Yes' }).check();
  if (parents) {
    await row.locator('[data-question="mother_line"] input').fill(String(parents[0]));
    await row.locator('[data-question="father_line"] input').fill(String(parents[1]));
  }
}
