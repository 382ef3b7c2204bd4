/**
 * A supervisor's first review in real headless Chromium: the team's completed interviews are listed;
 * one is sent back with a comment at a roster answer and a note, the other approved; the database holds
 * the new states, the comment under the question's path (where the enumerator's app shows it), and the
 * audit log both decisions.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/index.js';
import { addFieldworkSurvey, screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { TINY } from '../helpers/api.js';
import { hashPassword } from '../../server/auth/passwords.js';

describe.runIf(need(chromiumTool(), 'supervisor review in Chromium'))('supervisor review in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let db: Database;
  const ids = [randomUUID(), randomUUID()];
  beforeAll(async () => {
    app = await startWebApp(async (d) => {
      const sup = (
        await d.query<{ id: string }>(
          "INSERT INTO users (username, display_name, role, password_hash) VALUES ('sara', 'Sara', 'supervisor', $1) RETURNING id",
          [await hashPassword('sara-password-1')],
        )
      ).rows[0].id;
      const ana = (
        await d.query<{ id: string }>(
          "INSERT INTO users (username, display_name, role, supervisor_id, password_hash) VALUES ('ana', 'Ana', 'enumerator', $1, $2) RETURNING id",
          [sup, await hashPassword('x-password-1')],
        )
      ).rows[0].id;
      const surveyId = await addFieldworkSurvey(d, 'Pilot', TINY);
      const answers = [
        {
          head_name: 'Ama',
          abroad: '1',
          members: [
            { _key: 'a', age: 40 },
            { _key: 'b', age: 140 },
          ],
        },
        { head_name: 'Kofi', abroad: '0', members: [{ _key: 'a', age: 35 }] },
      ];
      for (let i = 0; i < 2; i++) {
        await d.query(
          "INSERT INTO submissions (instance_id, interview_id, survey_id, questionnaire_version, enumerator_id, answers, content_hash) VALUES ($1, $2, $3, '1', $4, $5, 'h')",
          [ids[i], randomUUID(), surveyId, ana, JSON.stringify(answers[i])],
        );
      }
    });
    db = app.db;
  }, 60_000);
  afterAll(() => app?.close());

  it("lists the team's completed interviews, sends one back with comments and approves the other", async () => {
    const page = await (await app.browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
    page.setDefaultTimeout(5000);
    await signIn(page, app.url, 'sara', 'sara-password-1');
    await page.getByRole('link', { name: 'Review', exact: true }).click();
    await expect.poll(() => page.getByTestId('review-row').count()).toBe(2);
    await page.getByTestId('review-row').filter({ hasText: 'ana' }).first().getByRole('link', { name: 'Review' }).click();
    // The first interview: every answer with its choice label, roster rows under their own heading.
    await page.getByRole('cell', { name: 'Ama' }).waitFor();
    await expect(page.getByRole('row', { name: /Member abroad\? Yes/ }).count()).resolves.toBe(1);
    // The questionnaire's own check flags the age the supervisor is about to query.
    await page.getByTestId('answer-problem').waitFor();
    expect(await page.getByTestId('answer-problem').count()).toBe(1);
    await page.getByText(/By ana, received/).waitFor();
    await page.getByLabel('Comment on members[1].age').fill('140 years: please check the age');
    await page.getByLabel('Note to the enumerator').fill('One age to correct.');
    await page.screenshot({ path: path.join(screenshotDir(), 'review.png') });
    await page.getByRole('button', { name: 'Send back for correction' }).click();
    await page.getByTestId('review-message').filter({ hasText: 'sent back (rejected)' }).waitFor();
    await expect.poll(() => page.getByTestId('review-row').count()).toBe(1);
    await page.getByTestId('review-row').getByRole('link', { name: 'Review' }).click();
    await page.getByRole('cell', { name: 'Kofi' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('review-message').filter({ hasText: 'approved (supervisor_approved)' }).waitFor();
    await page.getByTestId('review-empty').waitFor();

    const rows = (
      await db.query<{ instance_id: string; state: string; review: { comments: Record<string, string>; note: string } }>(
        'SELECT instance_id, state, review FROM submissions',
      )
    ).rows;
    const byId = new Map(rows.map((r) => [r.instance_id, r]));
    expect(byId.get(ids[0])!.state).toBe('rejected');
    expect(byId.get(ids[0])!.review.comments).toEqual({ 'members[1].age': '140 years: please check the age' });
    expect(byId.get(ids[0])!.review.note).toBe('One age to correct.');
    expect(byId.get(ids[1])!.state).toBe('supervisor_approved');
    const audit = (await db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity = 'submission' ORDER BY at")).rows.map((r) => r.action);
    expect(audit).toEqual(['reject', 'approve']);
  }, 60_000);
});
