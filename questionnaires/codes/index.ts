/**
 * The code lists alone (countries with their regions, ISO 4217 currencies): the surface for analysis
 * code that needs them without loading the questionnaire engine and its library (which cost every
 * `mdsurvey estimate` process its start-up time).
 */
export { countryLabel, countryRegion, isCurrencyCode, NOT_A_COUNTRY, THIS_COUNTRY } from '../codelists.js';
