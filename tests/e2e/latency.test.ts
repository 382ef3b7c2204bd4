/**
 * Responsiveness: typing in a field of a 30-member DotM household (about 1,500 person-level
 * questions) in real headless Chromium. The app records the time from each input to the next frame
 * after React rendered it. The budget (50 ms at p95) is checked by `node bench/input-latency.mjs`,
 * which runs this test alone; inside the parallel suite it only guards against gross regressions.
 */
const BUDGET_MS = Number(process.env.LATENCY_BUDGET_MS ?? 250);
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dotmHousehold } from '../../questionnaires/index.js';
import { addFieldworkSurvey, addEnumerator, signIn, startWebApp } from '../helpers/browser.js';

describe.runIf(need(chromiumTool(), 'input latency in a 30-member household'))('input latency in a 30-member household', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    app = await startWebApp(async (db) => {
      const ana = await addEnumerator(db, 'ana', 'ana-password-1');
      const survey = await addFieldworkSurvey(db, 'DotM', dotmHousehold());
      // An enumerator sees the surveys where she holds a case.
      await db.query('INSERT INTO assignments (survey_id, enumerator_id, case_data) VALUES ($1, $2, $3)', [survey, ana, JSON.stringify({ ea: 'EA01' })]);
    });
  }, 60_000);
  afterAll(() => app?.close());

  it(`keeps input-to-render under ${BUDGET_MS} ms at p95`, async () => {
    const page = await app.browser.newPage({ viewport: { width: 768, height: 1024 } });
    page.setDefaultTimeout(15_000);
    await signIn(page, app.url, 'ana', 'ana-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.getByRole('button', { name: 'New interview without a case' }).click();
    await page.getByText('Saved on this device').waitFor();
    const instanceId = page.url().split('/').pop()!;
    // 30 members put straight into the device's store (entering them by hand is another test's job).
    const members = Array.from({ length: 30 }, (_, k) => ({
      _key: `m${k + 1}`,
      name: `Person ${k + 1}`,
      sex: k % 2 ? '1' : '2',
      age: 3 + ((k * 7) % 70),
      relation: k === 0 ? '1' : '3',
      usual_resident: '1',
      country_birth: 'THIS',
      citizenship: ['THIS'],
    }));
    await page.evaluate(
      async ({ id, answers }) => {
        // The signed-in user's store (stores are per user: mdsurvey-interviews:<user id>).
        const name = (await indexedDB.databases()).map((d) => d.name).find((n) => n?.startsWith('mdsurvey-interviews:'))!;
        const db: IDBDatabase = await new Promise((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const tx = db.transaction('drafts', 'readwrite');
        const store = tx.objectStore('drafts');
        const draft = await new Promise<{ submission: { answers: unknown } }>((resolve) => {
          const g = store.get(id);
          g.onsuccess = () => resolve(g.result);
        });
        draft.submission.answers = answers;
        store.put(draft);
        await new Promise((resolve) => (tx.oncomplete = resolve));
        db.close();
      },
      { id: instanceId, answers: { s_member_abroad: '0', s_member_returned: '0', members } },
    );
    await page.reload();
    await page.getByRole('button', { name: 'Household members' }).click();
    const field = page.locator('details[open] [data-question="name"] input');
    await field.click();
    await page.evaluate(() => ((window as unknown as { __mdsurveyInputLatency: number[] }).__mdsurveyInputLatency = []));
    await page.keyboard.type(' Mensah-Owusu of the northern district', { delay: 30 });
    await page.waitForTimeout(200);
    const latencies = await page.evaluate(() => (window as unknown as { __mdsurveyInputLatency: number[] }).__mdsurveyInputLatency);
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)];
    console.log(
      `input-to-render over ${latencies.length} keystrokes: p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThanOrEqual(30);
    expect(p95).toBeLessThan(BUDGET_MS);
  }, 90_000);
});
