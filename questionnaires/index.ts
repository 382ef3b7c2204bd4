export type {
  Questionnaire,
  Item,
  Question,
  Note,
  Calculate,
  Metadata,
  Group,
  Roster,
  Choice,
  Text,
  QuestionType,
  MetadataType,
  ResponseDocument,
  Attachment,
} from './format.js';
export { QUESTIONNAIRE_META_SCHEMA, metaSchemaProblems } from './meta-schema.js';
export { compileQuestionnaire, QuestionnaireError, textIn } from './compile-questionnaire.js';
export type { CompiledQuestionnaire, FieldDef, DefinitionProblem } from './compile-questionnaire.js';
export { FormState, Row, typeProblem } from './form-state.js';
export type { AnswerProblem, FormOptions, ChangeSet } from './form-state.js';
export { responseSchema, validateResponse, validateResponseText } from './response-schema.js';
export {
  countryChoices,
  countryCodes,
  countryLabel,
  countryRegion,
  currencyCodes,
  currencyName,
  isCurrencyCode,
  isCountryCode,
  amountCurrencies,
  foreignBornExpression,
  NOT_A_COUNTRY,
  THIS_COUNTRY,
} from './codelists.js';
export * from './expressions/index.js';
export { xlsformToQuestionnaire, questionnaireToXlsform, XlsformError, parseHeader } from './xlsform.js';
export type { Sheet, SheetModel } from './xlsform.js';
export { readXlsformWorkbook, writeXlsformWorkbook, readAttachmentCsv } from './xlsform-workbook.js';
export { composeQuestionnaire, CompositionError } from './compose.js';
export type { ComposeOptions, ModuleLike } from './compose.js';
export {
  LIBRARY_MODULES,
  DOTM_MODULES,
  dotmHousehold,
  dotmListing,
  libraryQuestionnaires,
  libraryItem,
  exampleLfsHost,
  EXAMPLE_LFS_MAPPING,
} from './library/index.js';
export type { QuestionnaireModule } from './library/index.js';
export { levelsOf, codebookOf, columnsOf, flattenInterview, identifierFields } from './flatten.js';
export type { Level, CodebookEntry } from './flatten.js';
export { MAX_MEDIA_BYTES, MEDIA_CONTENT_TYPES, MEDIA_TYPES, MEDIA_NAME_PATTERN, MAX_ATTACHMENTS, MAX_ATTACHMENT_ROWS } from './limits.js';
