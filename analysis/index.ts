export type { Column, NumericColumn, CategoricalColumn, DataTable } from './table.js';
export { tableFromRecords, categoricalFrom, getColumn, numericColumn, categoricalColumn, sortedLevelOrder, isNumericText } from './table.js';
export { ColumnarCsvParser, parseCsvColumns, csvHeader } from './csv-reader.js';
export type { ColumnRole } from './csv-reader.js';
export { accumulateCells, CellSet, CellsRefused, concatCells, type CellData, type CellDesign, type CellItem } from './cells.js';
export { checkEstimateSpec, ESTIMATE_SPEC_SCHEMA, specNames, type EstimateSpec, type SpecEntry } from './estimate-spec.js';
export { estimatesFromCells, type CellsOutline } from './cells-estimates.js';
export { buildDesign, designDf, LONELY_PSU_OPTIONS } from './design.js';
export type { DesignSpec, SurveyDesign, LonelyPsu } from './design.js';
export { linearisedCovariance, covAt } from './variance.js';
export type { Covariance } from './variance.js';
export {
  estimate,
  domainsOf,
  linearisedMean,
  linearisedTotal,
  linearisedRatio,
  summarise,
  designEffect,
  kornGraubard,
  varianceOf,
  residualised,
} from './estimators.js';
export type { Estimate, EstimateRequest, Domain, Linearised, Statistic, CiMethod } from './estimators.js';
export { compareMeans, oneSampleTest } from './compare.js';
export type { OneSampleTest } from './compare.js';
export type { Comparison, CompareRequest } from './compare.js';
export { tabulate } from './tabulate.js';
export type { Tabulation, TableCell, RaoScottTest } from './tabulate.js';
export { evaluateSubset, evaluateSubsetByRow, subsetColumns } from './subset.js';
export { createReplicates, givenReplicates, hadamard, mulberry32 } from './replicates.js';
export type { ReplicateWeights, ReplicateOptions, ReplicateType } from './replicates.js';
export { withReplicates } from './design.js';
export { quantileEstimate } from './quantile.js';
export { qt, pTwoSided, pF, pChisq, qbeta } from './distributions.js';
export {
  parseDatasetDesign,
  designRoleOf,
  designSpecOf,
  designColumnsOf,
  analysisTable,
  levelOf,
  cellText,
  gatherColumn,
  filterRows,
  matchRows,
  joinColumns,
  lineNumbers,
  withColumn,
  DATASET_DESIGN_SCHEMA,
} from './dataset.js';
export type { Dataset, DatasetDesign, DatasetLevel, DatasetReplicates, Codebook } from './dataset.js';
export { parseExchangeRates, formatExchangeRates, periodBounds, RateTable, MAX_RATE_FILE_BYTES } from './exchange-rates.js';
export type { ExchangeRate, MoneySettings } from './exchange-rates.js';
export { convertAmounts, moneyUnit } from './money.js';
export { evaluateColumn } from './subset.js';
export { parseCatalogue, shippedCatalogue, prepareDataset, withVariableMap, CATALOGUE_SCHEMA } from './indicators/catalogue.js';
export type { IndicatorCatalogue, IndicatorDefinition, DerivedVariable, IndicatorDomain, PreparedDataset } from './indicators/catalogue.js';
export { computeIndicators, designOfLevel, publishedRows } from './indicators/compute.js';
export type { IndicatorReport, IndicatorRow, IndicatorDifference, IndicatorOptions, IndicatorSkip } from './indicators/compute.js';
export { DEFAULT_THRESHOLDS, estimateFlags } from './disclosure/thresholds.js';
export type { DisclosureThresholds } from './disclosure/thresholds.js';
export { suppressTable } from './disclosure/tables.js';
export type { CellStatus, CountGrid, SuppressionResult } from './disclosure/tables.js';
export { anonymise, kAnonymise } from './disclosure/microdata.js';
export type { AnonymiseOptions, AnonymisationReport, KAnonymityReport } from './disclosure/microdata.js';
export { tabulateDataset, withTabulationVariables, tablePreset, publishedTabulation, TABLE_PRESETS, TABULATION_VARIABLES } from './weighted-tables.js';
export type { TablePreset, TabulationRequest, DatasetTabulation, WeightedTable, WeightedEntry, GroupingOptions } from './weighted-tables.js';
export { writeStata } from './export/stata.js';
export type { StataVariable, StataInput } from './export/stata.js';
export { svysetLine, svydesignCall } from './export/design-commands.js';
export { indicatorWorkbook, tabulationWorkbook, monitoringWorkbook, annexWorkbook } from './export/xlsx.js';
export { attachColumns } from './attach.js';
export type { AttachOptions } from './attach.js';
export { inverse } from './linalg.js';
export { regress, regressOnDataset, datasetLevel, parseFormula, FAMILIES } from './regression.js';
export type { Regression, RegressionRequest, Family, Coefficient, WaldTest, PredictedMargin, MarginDifference } from './regression.js';
export { postStratify, rake, calibrate } from './calibration.js';
export type { Margin, Residualiser, CalibrationResult, RakeOptions, CalibrationTargets, CalibrationMethod, CalibrateOptions } from './calibration.js';
export { withCalibration } from './calibrated-design.js';
export { withDatasetCalibration, withRecordedCalibration } from './dataset-calibration.js';
export type { DatasetCalibration } from './dataset.js';
export { monitor, parseMonitoringPlan, stackRounds, dateValue, monitoringCsvRows, MONITORING_PLAN_SCHEMA } from './monitoring.js';
export type { MonitoringPlan, MonitoringReport, MonitoringRow, MonitoringRound, MonitoringIndicator, RoundValue, Change } from './monitoring.js';
export { migrationProfile } from './report/migration-profile.js';
export type { MigrationProfileAnnex, AnnexTable, AnnexSection, ReportLanguage } from './report/migration-profile.js';
export { annexHtml, intervalChart } from './report/html.js';
export { replicateWeightsOf } from './replicate-variance.js';
