import { FakeSalesforceFieldType, FakeSalesforceObjectType, canonicalFieldName, fakeSalesforceObject } from './fake-salesforce-schema';

/**
 * A small SOQL interpreter: enough for polling queries, and strict where Salesforce is strict
 * (unknown objects and fields, literals of the wrong type, syntax errors) so that a wrong query
 * from an adapter fails here as it would there.
 *
 *   SELECT field[, field…] FROM object
 *     [WHERE field op literal [AND field op literal…]]
 *     [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST][, …]]
 *     [LIMIT n]
 *
 * `OR`, `NOT`, parentheses, functions and relationship fields are not modelled: they answer
 * MALFORMED_QUERY naming the fake's limit, so a test never passes by accident.
 */

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

export type SoqlOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type SoqlLiteral =
  | { readonly kind: 'datetime'; readonly value: number }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

export interface SoqlCondition {
  readonly field: string;
  readonly operator: SoqlOperator;
  readonly value: SoqlLiteral;
}

export interface SoqlOrdering {
  readonly field: string;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

export interface SoqlQuery {
  readonly object: FakeSalesforceObjectType;
  /** Canonical field names, in SELECT order. */
  readonly fields: readonly string[];
  readonly where: readonly SoqlCondition[];
  readonly orderBy: readonly SoqlOrdering[];
  readonly limit?: number;
}

interface Token {
  readonly kind: 'word' | 'datetime' | 'date' | 'number' | 'string' | 'symbol' | 'eof';
  readonly text: string;
  readonly offset: number;
}

const TOKEN_PATTERNS: readonly [Token['kind'], RegExp][] = [
  // SOQL's three dateTime forms: …ss+hh:mm, …ss-hh:mm, …ssZ (no fractions, unlike API output).
  ['datetime', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})/y],
  ['date', /\d{4}-\d{2}-\d{2}(?![\dT])/y],
  ['number', /-?\d+(?:\.\d+)?(?![\w.])/y],
  ['word', /[A-Za-z_][A-Za-z0-9_.]*/y],
  ['symbol', /<=|>=|!=|<>|[=<>,()]/y],
];

const TYPE_NAMES: Record<FakeSalesforceFieldType, string> = {
  id: 'string',
  string: 'string',
  datetime: 'dateTime',
  date: 'date',
  boolean: 'boolean',
  number: 'double',
};

export function parseSoql(text: string): SoqlQuery {
  return new SoqlParser(text).query();
}

/** Filters, sorts and limits rows (canonical field names); projection is the caller's. */
export function runSoql(query: SoqlQuery, rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const kept = rows.filter((row) => query.where.every((condition) => matches(row[condition.field], condition)));
  const sorted = [...kept].sort((a, b) => {
    for (const order of query.orderBy) {
      const result = compareForSort(a[order.field], b[order.field], order);
      if (result !== 0) return result;
    }
    return 0;
  });
  return query.limit === undefined ? sorted : sorted.slice(0, query.limit);
}

class SoqlParser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly text: string) {
    this.tokens = this.tokenize();
  }

  query(): SoqlQuery {
    this.keyword('SELECT');
    const selected = [this.word()];
    while (this.peekSymbol(',')) {
      this.next();
      selected.push(this.word());
    }
    this.keyword('FROM');
    const objectToken = this.word();
    const object = fakeSalesforceObject(objectToken.text);
    if (!object) {
      throw this.error(
        'INVALID_TYPE',
        objectToken,
        `sObject type '${objectToken.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const fields = selected.map((token) => this.field(object, token));
    const where: SoqlCondition[] = [];
    if (this.peekKeyword('WHERE')) {
      this.next();
      where.push(this.condition(object));
      while (this.peekKeyword('AND')) {
        this.next();
        where.push(this.condition(object));
      }
    }
    const orderBy: SoqlOrdering[] = [];
    if (this.peekKeyword('ORDER')) {
      this.next();
      this.keyword('BY');
      orderBy.push(this.ordering(object));
      while (this.peekSymbol(',')) {
        this.next();
        orderBy.push(this.ordering(object));
      }
    }
    let limit: number | undefined;
    if (this.peekKeyword('LIMIT')) {
      this.next();
      const token = this.next();
      if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.unexpected(token);
      limit = Number(token.text);
    }
    const end = this.next();
    if (end.kind !== 'eof') throw this.unexpected(end);
    return { object, fields, where, orderBy, limit };
  }

  private condition(object: FakeSalesforceObjectType): SoqlCondition {
    const fieldToken = this.word();
    const field = this.field(object, fieldToken);
    const operatorToken = this.next();
    if (operatorToken.kind !== 'symbol' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(operatorToken.text)) {
      throw this.unexpected(operatorToken);
    }
    const operator = (operatorToken.text === '<>' ? '!=' : operatorToken.text) as SoqlOperator;
    const valueToken = this.next();
    const value = this.literal(valueToken);
    const type = object.fields[field] ?? 'string';
    if (value.kind !== 'null' && !literalFits(type, value)) {
      const quoting = type === 'id' || type === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
      throw this.error('INVALID_FIELD', valueToken, `value of filter criterion for field '${field}' must be of type ${TYPE_NAMES[type]} and ${quoting}`);
    }
    if (type === 'boolean' && operator !== '=' && operator !== '!=') {
      throw this.error('INVALID_FIELD', operatorToken, `invalid operator on boolean field: ${field}`);
    }
    return { field, operator, value };
  }

  private ordering(object: FakeSalesforceObjectType): SoqlOrdering {
    const field = this.field(object, this.word());
    let descending = false;
    if (this.peekKeyword('ASC') || this.peekKeyword('DESC')) descending = this.next().text.toUpperCase() === 'DESC';
    // Salesforce puts nulls first in ascending order and last in descending order, unless told.
    let nullsLast = descending;
    if (this.peekKeyword('NULLS')) {
      this.next();
      const which = this.next();
      if (which.kind !== 'word' || !['FIRST', 'LAST'].includes(which.text.toUpperCase())) throw this.unexpected(which);
      nullsLast = which.text.toUpperCase() === 'LAST';
    }
    return { field, descending, nullsLast };
  }

  private literal(token: Token): SoqlLiteral {
    switch (token.kind) {
      case 'datetime':
        return { kind: 'datetime', value: Date.parse(token.text) };
      case 'date':
        return { kind: 'date', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'string':
        return { kind: 'string', value: token.text };
      case 'word': {
        const word = token.text.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
        if (word === 'null') return { kind: 'null' };
        throw this.unexpected(token);
      }
      default:
        throw this.unexpected(token);
    }
  }

  private field(object: FakeSalesforceObjectType, token: Token): string {
    const field = canonicalFieldName(object, token.text);
    if (!field) {
      throw this.error(
        'INVALID_FIELD',
        token,
        `No such column '${token.text}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return field;
  }

  private keyword(expected: string): void {
    const token = this.next();
    if (token.kind !== 'word' || token.text.toUpperCase() !== expected) throw this.unexpected(token);
  }

  private word(): Token {
    const token = this.next();
    if (token.kind !== 'word' || ['SELECT', 'FROM', 'WHERE', 'AND', 'ORDER', 'BY', 'LIMIT'].includes(token.text.toUpperCase())) {
      throw this.unexpected(token);
    }
    return token;
  }

  private peekKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toUpperCase() === keyword;
  }

  private peekSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private peek(): Token {
    return this.tokens[Math.min(this.position, this.tokens.length - 1)] ?? { kind: 'eof', text: '', offset: this.text.length };
  }

  private next(): Token {
    const token = this.peek();
    this.position++;
    return token;
  }

  private unexpected(token: Token): SoqlError {
    const shown = token.kind === 'eof' ? '<EOF>' : token.kind === 'string' ? `'${token.text}'` : token.text;
    const unsupported = token.kind === 'word' && ['OR', 'NOT', 'IN', 'LIKE', 'INCLUDES', 'EXCLUDES'].includes(token.text.toUpperCase());
    const note = unsupported || (token.kind === 'symbol' && token.text === '(') ? ' (not modelled by the Salesforce fake)' : '';
    return this.error('MALFORMED_QUERY', token, `unexpected token: ${shown}${note}`);
  }

  /** Salesforce's own layout: the query, a caret under the token, its row and column. */
  private error(code: SoqlErrorCode, token: Token, problem: string): SoqlError {
    const before = this.text.slice(0, token.offset);
    const row = before.split('\n').length;
    const column = token.offset - before.lastIndexOf('\n');
    const line = this.text.split('\n')[row - 1] ?? '';
    return new SoqlError(code, `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${problem}`);
  }

  private tokenize(): Token[] {
    const tokens: Token[] = [];
    let at = 0;
    while (at < this.text.length) {
      const whitespace = /\s+/y;
      whitespace.lastIndex = at;
      if (whitespace.exec(this.text)) {
        at = whitespace.lastIndex;
        continue;
      }
      if (this.text[at] === "'") {
        const { value, end } = this.stringAt(at);
        tokens.push({ kind: 'string', text: value, offset: at });
        at = end;
        continue;
      }
      const found = TOKEN_PATTERNS.find(([, pattern]) => {
        pattern.lastIndex = at;
        return pattern.test(this.text);
      });
      if (!found) {
        throw this.error('MALFORMED_QUERY', { kind: 'symbol', text: this.text.charAt(at), offset: at }, `unexpected token: ${this.text.charAt(at)}`);
      }
      const [kind, pattern] = found;
      tokens.push({ kind, text: this.text.slice(at, pattern.lastIndex), offset: at });
      at = pattern.lastIndex;
    }
    tokens.push({ kind: 'eof', text: '', offset: this.text.length });
    return tokens;
  }

  /** A quoted string with backslash escapes (`\'`, `\\`, `\n`…). */
  private stringAt(start: number): { value: string; end: number } {
    let value = '';
    for (let at = start + 1; at < this.text.length; at++) {
      const character = this.text.charAt(at);
      if (character === "'") return { value, end: at + 1 };
      if (character === '\\') {
        const escaped = this.text.charAt(++at);
        value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
      } else {
        value += character;
      }
    }
    throw this.error('MALFORMED_QUERY', { kind: 'eof', text: '', offset: start }, 'unexpected token: unterminated string literal');
  }
}

function literalFits(type: FakeSalesforceFieldType, value: SoqlLiteral): boolean {
  switch (type) {
    case 'datetime':
      return value.kind === 'datetime' && Number.isFinite(value.value);
    case 'date':
      return value.kind === 'date';
    case 'boolean':
      return value.kind === 'boolean';
    case 'number':
      return value.kind === 'number';
    default:
      return value.kind === 'string';
  }
}

/** A comparable form of a stored value: epoch ms, lower-cased text (SOQL compares text case-insensitively), numbers. */
function comparable(value: unknown): number | string | boolean | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

function literalComparable(literal: SoqlLiteral): number | string | boolean | undefined {
  if (literal.kind === 'null') return undefined;
  return typeof literal.value === 'string' ? literal.value.toLowerCase() : literal.value;
}

function matches(stored: unknown, condition: SoqlCondition): boolean {
  const left = comparable(stored);
  const right = literalComparable(condition.value);
  if (left === undefined || right === undefined) {
    // Only `= null` and `!= null` (or `!=` against a null field) are true with nulls.
    if (condition.operator === '=') return left === right;
    if (condition.operator === '!=') return left !== right;
    return false;
  }
  switch (condition.operator) {
    case '=':
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
  }
}

function compareForSort(a: unknown, b: unknown, order: SoqlOrdering): number {
  const left = comparable(a);
  const right = comparable(b);
  if (left === undefined || right === undefined) {
    if (left === right) return 0;
    return (left === undefined) === order.nullsLast ? 1 : -1;
  }
  const result = left < right ? -1 : left > right ? 1 : 0;
  return order.descending ? -result : result;
}
