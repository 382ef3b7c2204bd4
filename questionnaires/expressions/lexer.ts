import { ExpressionError } from './errors.js';

export type Token =
  | { type: 'number'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'ref'; value: string; pos: number }
  | { type: 'name'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'eof'; pos: number };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.:-]/;
const REF_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** A column of the choice being filtered may be a translated one (`__choice.label::English`). */
const CHOICE_COLUMN = /^__choice\.[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Splits an expression into tokens; throws ExpressionError at the first character that fits no token. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '$') {
      if (src[i + 1] !== '{') throw new ExpressionError('expression-syntax', "expected '{' after '$'", src, i);
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw new ExpressionError('expression-syntax', "unclosed '${'", src, i);
      const name = src.slice(i + 2, end);
      if (!REF_NAME.test(name) && !CHOICE_COLUMN.test(name)) throw new ExpressionError('expression-syntax', `"${name}" is not a valid question name`, src, i);
      tokens.push({ type: 'ref', value: name, pos: start });
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError('expression-syntax', 'unterminated string', src, i);
      tokens.push({ type: 'string', value: src.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      while (isDigit(src[i])) i++;
      if (src[i] === '.') {
        i++;
        while (isDigit(src[i])) i++;
      }
      tokens.push({ type: 'number', value: Number(src.slice(start, i)), pos: start });
      continue;
    }
    if (NAME_START.test(c)) {
      i++;
      while (i < src.length && NAME_CHAR.test(src[i])) i++;
      // A trailing '-' or '.' belongs to what follows (`a -1` is not a name "a-").
      while (src[i - 1] === '-' || src[i - 1] === '.') i--;
      tokens.push({ type: 'name', value: src.slice(start, i), pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '..') {
      tokens.push({ type: 'op', value: two, pos: start });
      i += 2;
      continue;
    }
    if ('=<>+-*(),.'.includes(c)) {
      tokens.push({ type: 'op', value: c, pos: start });
      i++;
      continue;
    }
    throw new ExpressionError('expression-syntax', `unexpected character '${c}'`, src, i);
  }
  tokens.push({ type: 'eof', pos: src.length });
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
