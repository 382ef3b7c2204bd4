export { InputError, isInputError, messageOf } from './errors.js';
