/** Syntax tree of an XLSForm-style expression. `pos` is the 0-based offset in the source. */
export type Expr =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'ref'; name: string; pos: number }
  | { kind: 'current'; pos: number }
  | { kind: 'parent'; pos: number }
  | { kind: 'unary'; op: '-'; operand: Expr; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'call'; name: string; args: Expr[]; pos: number };

export type BinaryOp = 'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | 'div' | 'mod';

/** Names referenced with ${name}, in order of first appearance. */
export function referencedNames(expr: Expr): string[] {
  const seen = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'ref':
        seen.add(e.name);
        break;
      case 'unary':
        walk(e.operand);
        break;
      case 'binary':
        walk(e.left);
        walk(e.right);
        break;
      case 'call':
        // jr:choice-name(${q}, '${q}') names its question inside a string literal.
        e.args.forEach(walk);
        for (const a of e.args) if (a.kind === 'string') for (const m of a.value.matchAll(/\$\{([A-Za-z_][\w.-]*)\}/g)) seen.add(m[1]);
        break;
      default:
        break;
    }
  };
  walk(expr);
  return [...seen];
}

/** Names of the functions called anywhere in the expression. */
export function calledFunctions(expr: Expr): string[] {
  const seen = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'call') {
      seen.add(e.name);
      e.args.forEach(walk);
    } else if (e.kind === 'unary') walk(e.operand);
    else if (e.kind === 'binary') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return [...seen];
}

/** Source text of a tree, fully parenthesised; parsing it again gives the same tree (modulo positions). */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return Number.isInteger(e.value) || !Number.isFinite(e.value) ? String(e.value) : String(e.value);
    case 'string':
      return e.value.includes("'") ? `"${e.value}"` : `'${e.value}'`;
    case 'ref':
      return `\${${e.name}}`;
    case 'current':
      return '.';
    case 'parent':
      return '..';
    case 'unary':
      return `(-${printExpr(e.operand)})`;
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'call':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
  }
}

/** The calls of `name` in an expression, outermost first. */
export function callsOf(expr: Expr, name: string): Extract<Expr, { kind: 'call' }>[] {
  const out: Extract<Expr, { kind: 'call' }>[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'unary') walk(e.operand);
    else if (e.kind === 'binary') {
      walk(e.left);
      walk(e.right);
    } else if (e.kind === 'call') {
      if (e.name === name) out.push(e);
      e.args.forEach(walk);
    }
  };
  walk(expr);
  return out;
}
