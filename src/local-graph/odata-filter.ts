/**
 * The OData `$filter` subset Graph accepts on the resources served here: comparisons
 * (eq ne lt gt le ge), and/or/not, parentheses, startswith/endswith/contains, and literals
 * (strings with '' escaping, numbers, true/false/null, ISO date-times). Property paths such as
 * `fields/Status` are resolved by the caller, which also decides whether a path may be used.
 */

export type Literal = string | number | boolean | null;

export type Operand = { kind: 'path'; path: string[] } | { kind: 'literal'; value: Literal; dateTime: boolean };

export type Comparison = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: Comparison; left: Operand | FilterNode; right: Operand }
  | { kind: 'call'; name: 'startswith' | 'endswith' | 'contains'; args: [Operand, Operand] };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

type Token =
  | { type: 'lparen' | 'rparen' | 'comma' }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'datetime'; value: string }
  | { type: 'word'; value: string };

const dateTimePattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma' });
      i += 1;
    } else if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError('Unterminated string literal.');
        const c = text.charAt(i);
        if (c === "'") {
          if (text.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += c;
        i += 1;
      }
      tokens.push({ type: 'string', value });
    } else {
      const rest = text.slice(i);
      const date = dateTimePattern.exec(rest);
      if (date && (date[0].length > 10 || !/^[\d.]/.test(rest.charAt(10)))) {
        tokens.push({ type: 'datetime', value: date[0] });
        i += date[0].length;
        continue;
      }
      const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
      if (num) {
        tokens.push({ type: 'number', value: Number(num[0]) });
        i += num[0].length;
        continue;
      }
      const word = /^[A-Za-z_@$][\w@$./]*/.exec(rest);
      if (!word) throw new FilterSyntaxError(`Unexpected character '${ch}' at position ${i}.`);
      // datetime'2025-01-01T00:00:00Z' (OData v3 form, still seen in SharePoint code)
      if (word[0].toLowerCase() === 'datetime' && rest.charAt(word[0].length) === "'") {
        const end = rest.indexOf("'", word[0].length + 1);
        if (end < 0) throw new FilterSyntaxError('Unterminated datetime literal.');
        tokens.push({ type: 'datetime', value: rest.slice(word[0].length + 1, end) });
        i += end + 1;
        continue;
      }
      tokens.push({ type: 'word', value: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

const comparisons = new Set<Comparison>(['eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const functions = new Set(['startswith', 'endswith', 'contains']);

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.position < this.tokens.length) throw new FilterSyntaxError('Unexpected tokens after the end of the expression.');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) throw new FilterSyntaxError('Unexpected end of the expression.');
    this.position += 1;
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.type === 'word' && token.value.toLowerCase() === word) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): FilterNode {
    if (this.keyword('not')) return { kind: 'not', operand: this.unary() };
    return this.comparison();
  }

  private comparison(): FilterNode {
    const token = this.peek();
    let left: Operand | FilterNode;
    if (token?.type === 'lparen') {
      this.next();
      left = this.or();
      if (this.next().type !== 'rparen') throw new FilterSyntaxError("Expected ')'.");
    } else if (token?.type === 'word' && functions.has(token.value.toLowerCase()) && this.tokens[this.position + 1]?.type === 'lparen') {
      left = this.call();
    } else {
      left = this.operand();
    }
    const op = this.peek();
    if (op?.type === 'word' && comparisons.has(op.value.toLowerCase() as Comparison)) {
      this.next();
      return { kind: 'compare', op: op.value.toLowerCase() as Comparison, left, right: this.operand() };
    }
    if (left.kind === 'path' || left.kind === 'literal') {
      throw new FilterSyntaxError('Expected a comparison operator (eq, ne, lt, gt, le, ge).');
    }
    return left;
  }

  private call(): FilterNode {
    const name = (this.next() as { value: string }).value.toLowerCase() as 'startswith' | 'endswith' | 'contains';
    this.next();
    const first = this.operand();
    if (this.next().type !== 'comma') throw new FilterSyntaxError(`Expected ',' in ${name}().`);
    const second = this.operand();
    if (this.next().type !== 'rparen') throw new FilterSyntaxError(`Expected ')' after ${name}() arguments.`);
    return { kind: 'call', name, args: [first, second] };
  }

  private operand(): Operand {
    const token = this.next();
    switch (token.type) {
      case 'string':
        return { kind: 'literal', value: token.value, dateTime: false };
      case 'number':
        return { kind: 'literal', value: token.value, dateTime: false };
      case 'datetime':
        return { kind: 'literal', value: token.value, dateTime: true };
      case 'word': {
        const lower = token.value.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', dateTime: false };
        if (lower === 'null') return { kind: 'literal', value: null, dateTime: false };
        return { kind: 'path', path: token.value.split('/') };
      }
      default:
        throw new FilterSyntaxError('Expected a property or a literal.');
    }
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parse();
}

/** Every property path the expression reads, e.g. [['fields','Status']]. */
export function filterPaths(node: FilterNode): string[][] {
  const paths: string[][] = [];
  const visitOperand = (o: Operand | FilterNode) => {
    if (o.kind === 'path') paths.push(o.path);
    else if (o.kind !== 'literal') walk(o);
  };
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        walk(n.left);
        walk(n.right);
        break;
      case 'not':
        walk(n.operand);
        break;
      case 'compare':
        visitOperand(n.left);
        visitOperand(n.right);
        break;
      case 'call':
        n.args.forEach(visitOperand);
        break;
    }
  };
  walk(node);
  return paths;
}

export interface EvaluateOptions {
  /** Text equality ignoring case, as the directory and SharePoint text columns compare. */
  caseInsensitive?: boolean;
}

function asInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}${m[4] ? m[4].slice(0, 4) : ''}${m[5] ?? 'Z'}`);
  return Number.isNaN(t) ? undefined : t;
}

/** Both sides as comparable values: instants when both read as date-times, numbers when either is one. */
function comparable(left: unknown, right: unknown, options: EvaluateOptions): [number, number] | [string, string] | undefined {
  const a = asInstant(left);
  const b = asInstant(right);
  if (a !== undefined && b !== undefined) return [a, b];
  if (typeof left === 'number' || typeof right === 'number') {
    const x = Number(left);
    const y = Number(right);
    return Number.isNaN(x) || Number.isNaN(y) ? undefined : [x, y];
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') return [String(left), String(right)];
  if (typeof left !== 'string' || typeof right !== 'string') return undefined;
  return options.caseInsensitive ? [left.toLowerCase(), right.toLowerCase()] : [left, right];
}

function compare(op: Comparison, left: unknown, right: unknown, options: EvaluateOptions): boolean {
  const l = left === undefined ? null : left;
  if (l === null || right === null) {
    if (op === 'eq') return l === right;
    if (op === 'ne') return l !== right;
    return false;
  }
  const pair = comparable(l, right, options);
  if (!pair) return op === 'ne';
  const [a, b] = pair;
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
      return a < b;
    case 'gt':
      return a > b;
    case 'le':
      return a <= b;
    default:
      return a >= b;
  }
}

/** Evaluates the expression against one entity; `resolve` reads a property path from it. */
export function evaluateFilter(node: FilterNode, resolve: (path: string[]) => unknown, options: EvaluateOptions = {}): boolean {
  const value = (o: Operand | FilterNode): unknown => {
    if (o.kind === 'path') return resolve(o.path);
    if (o.kind === 'literal') return o.value;
    return evaluateFilter(o, resolve, options);
  };
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, resolve, options) && evaluateFilter(node.right, resolve, options);
    case 'or':
      return evaluateFilter(node.left, resolve, options) || evaluateFilter(node.right, resolve, options);
    case 'not':
      return !evaluateFilter(node.operand, resolve, options);
    case 'compare':
      return compare(node.op, value(node.left), value(node.right), options);
    case 'call': {
      const haystack = value(node.args[0]);
      const needle = value(node.args[1]);
      if (typeof haystack !== 'string' || typeof needle !== 'string') return false;
      const h = options.caseInsensitive ? haystack.toLowerCase() : haystack;
      const n = options.caseInsensitive ? needle.toLowerCase() : needle;
      if (node.name === 'startswith') return h.startsWith(n);
      if (node.name === 'endswith') return h.endsWith(n);
      return h.includes(n);
    }
  }
}
