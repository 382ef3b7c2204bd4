import { InputError } from '../common/errors.js';
import { calibrate, postStratify, rake, type CalibrationResult, type Margin } from './calibration.js';
import { withCalibration } from './calibrated-design.js';
import type { Dataset, DatasetCalibration } from './dataset.js';
import type { SurveyDesign } from './design.js';
import { numericColumn, type DataTable } from './table.js';

const margin = (m: { variable: string; totals: Record<string, number> }): Margin => ({ variable: m.variable, totals: new Map(Object.entries(m.totals)) });

/**
 * The design of the design level with the calibration design.json records (`calibration`): the base
 * weights are calibrated again (post-stratification, raking to convergence, or GREG/bounded/logit
 * calibration), the result must be the dataset's weight column (to 1e-6), and the variance of every
 * estimate then uses the calibration residuals, as R's calibrated designs do. Other levels keep the
 * calibrated weights as fixed weights, as a person-level svydesign in R does.
 */
export function withDatasetCalibration(dataset: Dataset, level: string, table: DataTable, design: SurveyDesign): SurveyDesign {
  const cal = dataset.design.calibration;
  if (!cal || level !== dataset.design.designLevel) return design;
  return withRecordedCalibration(design, table, cal, dataset.design.weights, 'design.json calibration', level);
}

/**
 * A design whose weights (column `weightColumn`) were calibrated as `record` says: the record's base
 * weights are calibrated again and must give those weights (to 1e-6), then variances use the residuals.
 */
export function withRecordedCalibration(
  design: SurveyDesign,
  table: DataTable,
  cal: DatasetCalibration,
  weightColumn: string,
  where: string,
  rowsName = 'the data',
): SurveyDesign {
  const base = numericColumn(table, cal.base, 'calibration base weights');
  let result: CalibrationResult;
  if (cal.poststratify) result = postStratify(table, base, margin(cal.poststratify));
  else if (cal.rake) result = rake(table, base, cal.rake.map(margin), { marginTolerance: 1e-10, maxIterations: 1000 });
  else if (cal.calibrate) {
    const c = cal.calibrate;
    result = calibrate(
      table,
      base,
      {
        population: c.population,
        numeric: new Map(Object.entries(c.numeric ?? {})),
        categorical: Object.entries(c.categorical ?? {}).map(([variable, totals]) => margin({ variable, totals })),
      },
      { method: c.method, bounds: c.bounds },
    );
  } else throw new InputError('bad-calibration', `${where}: name poststratify, rake or calibrate`, where);
  const w = design.weights;
  for (let i = 0; i < w.length; i++) {
    const x = result.weights[i];
    if (!(Math.abs(x - w[i]) <= 1e-6 * Math.max(1, Math.abs(w[i]))))
      throw new InputError(
        'bad-dataset',
        `${where}: calibrating "${cal.base}" gives ${x} on row ${i + 1} of ${rowsName}, but the weight column "${weightColumn}" has ${w[i]}; the recorded calibration is not the one that made the weights`,
        `${rowsName} row ${i + 1}`,
      );
  }
  return { ...withCalibration(design, result), weights: w };
}
