// Library questionnaires to XLSForm and back (part of issue 19): whole documents survive the round trip
// through a real .xlsx (settings, titles in every language, language names, module metadata), and
// ODK's own converter (pyxform) accepts every workbook `questionnaire export-library` writes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  LIBRARY_MODULES,
  libraryQuestionnaires,
  questionnaireToXlsform,
  readXlsformWorkbook,
  writeXlsformWorkbook,
  xlsformToQuestionnaire,
} from '../../questionnaires/index.js';
import { runMdsurvey } from '../helpers/cli.js';
import { need, pyxformTool } from '../helpers/tools.js';

const all = [...LIBRARY_MODULES, ...libraryQuestionnaires()];

describe('library questionnaires through XLSForm workbooks', () => {
  it.each(all.map((q) => [q.id, q] as const))('%s comes back whole from its .xlsx', async (_id, q) => {
    const bytes = await writeXlsformWorkbook(questionnaireToXlsform(q));
    const again = xlsformToQuestionnaire(await readXlsformWorkbook(bytes), 'fallback');
    expect(again).toEqual(q);
  });
});

const pyxform = pyxformTool();
describe.runIf(need(pyxform, 'pyxform converts the library export'))("ODK's converter on the library export", () => {
  it('converts every workbook export-library writes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-lib-'));
    const r = await runMdsurvey(['questionnaire', 'export-library', dir]);
    expect(r.code, r.stderr).toBe(0);
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.xlsx'))
      .map((f) => path.join(dir, f));
    expect(files.length).toBe(all.length);
    const run = spawnSync(pyxform.command, files, { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n');
    expect(
      lines.filter((l) => l.startsWith('ERROR')),
      run.stderr,
    ).toEqual([]);
    expect(run.status).toBe(0);
    expect(lines.length).toBe(files.length);
  }, 120_000);
});
