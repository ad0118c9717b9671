import { badConditions } from '../cw-error.js';
import { valuesAt, type FieldType, type FieldTypes } from './field-types.js';

// The `conditions` language of ConnectWise PSA (Developer Guide): comparisons of a field path with
// a literal, joined by and/or with parentheses. Literal kinds are strict, as on the real server:
// strings quoted (double or single), numbers bare, booleans true/false, null, datetimes [ISO-8601].

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number };

const operators = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'like', 'in'] as const;
type Operator = (typeof operators)[number];

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'compare'; path: string; op: Operator; negated: boolean; values: Literal[] };

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' }
  | { kind: 'literal'; literal: Literal };

const isoInstant = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDatetime(text: string): number {
  const trimmed = text.trim();
  const ms = isoInstant.test(trimmed)
    ? Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed.replace(/(\.\d{3})\d+/, '$1'))
    : NaN;
  if (Number.isNaN(ms)) throw badConditions(`'${trimmed}' is not a valid DateTime value.`);
  return ms;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      i++;
      while (i < input.length && input[i] !== c) {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i] ?? '';
        i++;
      }
      if (i >= input.length) throw badConditions('A string value is missing its closing quote.');
      i++;
      // `[[]` is how a literal `[` is written inside a string (the guide's escaping rule).
      tokens.push({ kind: 'literal', literal: { kind: 'string', value: text.replaceAll('[[]', '[') } });
    } else if (c === '[') {
      const end = input.indexOf(']', i);
      if (end < 0) throw badConditions('A DateTime value is missing its closing bracket.');
      tokens.push({
        kind: 'literal',
        literal: { kind: 'datetime', value: parseDatetime(input.slice(i + 1, end)) },
      });
      i = end + 1;
    } else if (/[<>=!]/.test(c)) {
      const two = input.slice(i, i + 2);
      const text = ['!=', '<=', '>=', '<>'].includes(two) ? two : c;
      if (text === '!' || text === '<>') throw badConditions(`Unknown operator '${text}'.`);
      tokens.push({ kind: 'op', text });
      i += text.length;
    } else if (/[-\d.]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (!m) throw badConditions(`Unexpected character '${c}' at position ${i}.`);
      tokens.push({ kind: 'literal', literal: { kind: 'number', value: Number(m[0]) } });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(input.slice(i)) ?? [''];
      const word = m[0];
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false')
        tokens.push({ kind: 'literal', literal: { kind: 'boolean', value: lower === 'true' } });
      else if (lower === 'null') tokens.push({ kind: 'literal', literal: { kind: 'null' } });
      else tokens.push({ kind: 'word', text: word });
      i += word.length;
    } else {
      throw badConditions(`Unexpected character '${c}' at position ${i}.`);
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Condition {
    const condition = this.or();
    if (this.at < this.tokens.length) throw badConditions(`Unexpected '${this.describe(this.peek())}'.`);
    return condition;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private describe(token: Token | undefined): string {
    if (!token) return 'end of conditions';
    if (token.kind === 'literal') return 'value' in token.literal ? String(token.literal.value) : 'null';
    return token.text;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private or(): Condition {
    let left = this.and();
    while (this.isWord('or')) {
      this.at++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.primary();
    while (this.isWord('and')) {
      this.at++;
      left = { kind: 'and', left, right: this.primary() };
    }
    return left;
  }

  private primary(): Condition {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === '(') {
      this.at++;
      const inner = this.or();
      const close = this.peek();
      if (close?.kind !== 'punct' || close.text !== ')') throw badConditions('Missing closing parenthesis.');
      this.at++;
      return inner;
    }
    if (t?.kind !== 'word') throw badConditions(`Expected a field name, found '${this.describe(t)}'.`);
    this.at++;
    const path = t.text;
    let negated = false;
    if (this.isWord('not')) {
      negated = true;
      this.at++;
    }
    const opToken = this.peek();
    const opText = opToken?.kind === 'op' || opToken?.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (
      !(operators as readonly string[]).includes(opText) ||
      (negated && !['like', 'contains', 'in'].includes(opText))
    )
      throw badConditions(`Expected an operator after '${path}', found '${this.describe(opToken)}'.`);
    this.at++;
    const op = opText as Operator;
    if (op !== 'in') return { kind: 'compare', path, op, negated, values: [this.literal()] };
    const open = this.peek();
    if (open?.kind !== 'punct' || open.text !== '(') throw badConditions(`Expected '(' after 'in'.`);
    this.at++;
    const values = [this.literal()];
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'punct' && next.text === ',') {
        this.at++;
        values.push(this.literal());
      } else if (next?.kind === 'punct' && next.text === ')') {
        this.at++;
        return { kind: 'compare', path, op, negated, values };
      } else {
        throw badConditions(`Expected ',' or ')' in the 'in' list, found '${this.describe(next)}'.`);
      }
    }
  }

  private literal(): Literal {
    const t = this.peek();
    if (t?.kind !== 'literal') throw badConditions(`Expected a value, found '${this.describe(t)}'.`);
    this.at++;
    return t.literal;
  }
}

const literalNames: Record<Literal['kind'], string> = {
  string: 'a string',
  number: 'a numeric',
  boolean: 'a boolean',
  null: 'null',
  datetime: 'a DateTime',
};
const expectedNames: Record<FieldType, string> = {
  string: 'a string value',
  number: 'a numeric value',
  boolean: 'a boolean value',
  datetime: 'a DateTime value',
};

function checkTypes(condition: Condition, types: FieldTypes): void {
  if (condition.kind !== 'compare') {
    checkTypes(condition.left, types);
    checkTypes(condition.right, types);
    return;
  }
  const type = types.get(condition.path.toLowerCase());
  if (type === undefined) throw badConditions(`Unknown field '${condition.path}'.`);
  for (const literal of condition.values) {
    if (literal.kind === 'null') continue;
    const ok = type === literal.kind;
    if (!ok) throw badConditions(`Expected ${expectedNames[type]}, not ${literalNames[literal.kind]}.`);
  }
  if ((condition.op === 'contains' || condition.op === 'like') && type !== 'string')
    throw badConditions(`'${condition.op}' applies to string fields only ('${condition.path}').`);
  if (condition.values.some((v) => v.kind === 'null') && !['=', '!='].includes(condition.op))
    throw badConditions(`null can only be compared with = or !=.`);
}

/** Parses and type-checks a conditions string against an entity's field paths. */
export function parseConditions(text: string, types: FieldTypes): Condition {
  const condition = new Parser(tokenize(text)).parse();
  checkTypes(condition, types);
  return condition;
}

function comparable(value: unknown, literal: Literal): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (literal.kind === 'datetime') return typeof value === 'string' ? Date.parse(value) : null;
  if (typeof value === 'string') return value.toLowerCase();
  return value as number | boolean;
}

function likeRegex(pattern: string): RegExp {
  // `%` and `*` are both wildcards: the guide documents `*`, clients use SQL's `%`.
  const body = pattern
    .split(/([%*])/)
    .map((part) => (part === '%' || part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

function compareOne(value: unknown, op: Operator, literal: Literal): boolean {
  const left = comparable(value, literal);
  if (literal.kind === 'null') return op === '=' ? left === null : left !== null;
  const right = literal.kind === 'string' ? literal.value.toLowerCase() : literal.value;
  if (left === null) return op === '!=';
  switch (op) {
    case '=':
    case 'in':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case 'contains':
      return String(left).includes(String(right));
    case 'like':
      return likeRegex(String(right)).test(String(left));
  }
}

/** True when the record (its wire form) satisfies the condition. Strings compare case-insensitively. */
export function matches(record: unknown, condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return matches(record, condition.left) && matches(record, condition.right);
    case 'or':
      return matches(record, condition.left) || matches(record, condition.right);
    case 'compare': {
      const found = valuesAt(record, condition.path);
      const values = found.length === 0 ? [null] : found;
      const hit = values.some((v) => condition.values.some((l) => compareOne(v, condition.op, l)));
      return condition.negated ? !hit : hit;
    }
  }
}
