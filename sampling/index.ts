export { postStratify, rake, calibrate } from './calibration.js';
export type { Margin, Residualiser, CalibrationResult, RakeOptions, CalibrationTargets, CalibrationMethod, CalibrateOptions } from './calibration.js';
export { withCalibration } from './calibrated-design.js';
