import JSZip from 'jszip';
import { stringify } from 'csv-stringify/sync';
import { designRoleOf, parseDatasetDesign, tableFromRecords, type Codebook, type DataTable, type Dataset, type DatasetDesign, type DatasetLevel } from '../analysis/index.js';
import { codebookOf, flattenInterview, levelsOf, type CodebookEntry, type CompiledQuestionnaire } from '../questionnaires/index.js';
import type { Database } from './db/index.js';
import { levelColumns, type LevelRow } from './dataset-files.js';

/** The design part of a survey's settings (`settings.design`): column names of the household file. */
export interface SurveyDesignSettings {
  weights?: string;
  strata?: string;
  ids?: string[];
  fpc?: string[];
  nest?: boolean;
  lonelyPsu?: DatasetDesign['lonelyPsu'];
  variableMap?: Record<string, string>;
}

/** The dataset levels of a questionnaire: household, rosters (nested ones under their parent), follow-up rosters following their source. */
export function datasetLevels(q: CompiledQuestionnaire): DatasetLevel[] {
  return levelsOf(q).map((l) => {
    const parent = l.keys.length === 1 ? null : l.keys.length === 2 ? 'household' : l.keys[l.keys.length - 2].replace(/_key$/, '');
    const level: DatasetLevel = { name: l.name, file: `${l.name}.csv`, keys: l.keys, parent };
    const from = l.roster?.item.kind === 'roster' ? l.roster.item.rowsFrom?.roster : undefined;
    if (from) level.follows = { level: from, on: { [`${l.name}_key`]: `${from}_key` } };
    return level;
  });
}

/**
 * The survey's approved interviews as a dataset: one table per level (identifiers only when allowed), the
 * sampling variables of each interview's assignment (case data: region, ea, weight ...) on the household
 * rows, design.json from `settings.design`, and the codebook.
 */
export async function surveyDataset(
  db: Database,
  surveyId: string,
  q: CompiledQuestionnaire,
  opts: { withIdentifiers: boolean; states: string[]; settings: { design?: SurveyDesignSettings } },
): Promise<{ dataset: Dataset; rows: Record<string, LevelRow[]> }> {
  const levels = levelsOf(q);
  const rows: Record<string, LevelRow[]> = Object.fromEntries(levels.map((l) => [l.name, []]));
  const caseColumns = new Set<string>();
  const page = 500;
  for (let offset = 0; ; offset += page) {
    const r = await db.query<{ interview_id: string; answers: Record<string, unknown> | string; case_data: Record<string, unknown> | string | null }>(
      `SELECT s.interview_id, s.answers, a.case_data FROM submissions s LEFT JOIN assignments a ON a.id = s.assignment_id
       WHERE s.survey_id = $1 AND NOT s.superseded AND s.state = ANY($2) ORDER BY s.received_at, s.instance_id LIMIT ${page} OFFSET ${offset}`,
      [surveyId, opts.states],
    );
    for (const row of r.rows) {
      const answers = typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers;
      const caseData = (typeof row.case_data === 'string' ? JSON.parse(row.case_data) : row.case_data) ?? {};
      for (const level of levels) {
        const out = flattenInterview(level, row.interview_id, answers, opts.withIdentifiers);
        if (level.name === 'household') {
          for (const o of out) {
            for (const [k, v] of Object.entries(caseData)) {
              if ((typeof v === 'string' || typeof v === 'number') && !(k in o)) {
                o[k] = v;
                caseColumns.add(k);
              }
            }
          }
        }
        rows[level.name].push(...out);
      }
    }
    if (r.rows.length < page) break;
  }
  const d = opts.settings.design ?? {};
  const design = parseDatasetDesign({
    format: 'mdsurvey-dataset/1',
    title: `${q.source.title ? (typeof q.source.title === 'string' ? q.source.title : (q.source.title.en ?? q.source.id)) : q.source.id} ${q.source.version}`,
    designLevel: 'household',
    weights: d.weights ?? 'weight',
    ...(d.strata ? { strata: d.strata } : {}),
    ...(d.ids ? { ids: d.ids } : {}),
    ...(d.fpc ? { fpc: d.fpc } : {}),
    ...(d.nest !== undefined ? { nest: d.nest } : {}),
    ...(d.lonelyPsu ? { lonelyPsu: d.lonelyPsu } : {}),
    levels: datasetLevels(q),
    ...(d.variableMap ? { variableMap: d.variableMap } : {}),
    provenance: { source: 'mdsurvey server export', surveyId, states: opts.states, identifiersIncluded: opts.withIdentifiers, ...(opts.settings.design ? {} : { note: 'the survey settings name no design: weights default to a column "weight" (set settings.design)' }) },
  });
  const variables: CodebookEntry[] = [
    ...codebookOf(q).filter((v) => opts.withIdentifiers || !v.identifier),
    ...[...caseColumns].map((c) => ({ level: 'household', variable: c, label: { en: `${c} (sample case data)` }, type: 'case', identifier: false, quasiIdentifier: c === design.strata, design: designRoleOf(design, c) })),
  ];
  const codebook: Codebook = { questionnaire: { id: q.source.id, version: q.source.version }, languages: q.source.languages.available, variables };
  const tables = new Map<string, DataTable>();
  for (const level of design.levels) tables.set(level.name, tableFromRecords(rows[level.name], levelColumns(design, codebook, level.name, rows[level.name])));
  return { dataset: { design, codebook, tables }, rows };
}

/** The dataset as a .zip: design.json, codebook.json, one CSV per level (the format `mdsurvey` reads). */
export async function datasetZip(dataset: Dataset, rows: Record<string, LevelRow[]>): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('design.json', `${JSON.stringify(dataset.design, null, 2)}\n`);
  zip.file('codebook.json', `${JSON.stringify(dataset.codebook, null, 1)}\n`);
  for (const level of dataset.design.levels) {
    const columns = levelColumns(dataset.design, dataset.codebook, level.name, rows[level.name]);
    zip.file(level.file, stringify(rows[level.name], { header: true, columns }));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
