export type { Questionnaire, Item, Question, Note, Calculate, Metadata, Group, Roster, Choice, Text, QuestionType, MetadataType, ResponseDocument } from './format.js';
export { QUESTIONNAIRE_META_SCHEMA, metaSchemaProblems } from './meta-schema.js';
export { compileQuestionnaire, QuestionnaireError, textIn } from './compile-questionnaire.js';
export type { CompiledQuestionnaire, FieldDef, DefinitionProblem } from './compile-questionnaire.js';
export { FormState, Row, typeProblem } from './form-state.js';
export type { AnswerProblem, FormOptions, ChangeSet } from './form-state.js';
export { responseSchema, validateResponse } from './response-schema.js';
export { countryChoices, countryCodes } from './codelists.js';
export * from './expressions/index.js';
