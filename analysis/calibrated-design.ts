import type { SurveyDesign } from './design.js';
import type { CalibrationResult } from './calibration.js';

/**
 * The design with calibrated weights; variances then use the calibration residuals. Calibrations
 * compose in the order applied, as R's postStrata list does.
 */
export function withCalibration(design: SurveyDesign, result: CalibrationResult): SurveyDesign {
  const earlier = design.residualise;
  const residualise = earlier ? (z: Float64Array) => result.residualise(earlier(z)) : result.residualise;
  return { ...design, weights: result.weights, residualise };
}
