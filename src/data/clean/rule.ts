import type { Table, Value } from '../table.js';
import { CleaningDataError, cleaningMessages as msg, RuleSyntaxError } from './errors.js';
import { parseIsoDate, parsePlainNumber } from './parse.js';
import { requireColumns } from './step.js';
import { cellText, describeValue, isMissing } from './values.js';

/**
 * Filter rules: a small expression language, parsed by hand and evaluated by walking the tree, so
 * that a rule from a pipeline file can never run code.
 *
 *   rule      := or
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | '(' rule ')' | predicate
 *   predicate := operand ('==' | '!=' | '<' | '<=' | '>' | '>=') operand
 *              | column 'is' ['not'] 'missing'
 *              | column ['not'] 'in' '[' literal (',' literal)* ']'
 *              | column ('startsWith' | 'endsWith' | 'contains') string
 *              | column 'matches' /regex/flags
 *   operand   := column | literal          column := Name | `any name`
 *   literal   := "string" | 'string' | number | true | false
 *
 * Keywords are case-insensitive; a column named like one goes in backticks. A comparison with a
 * missing value is false (test for it with `is missing`). A text cell compared with a number is
 * read as a number, and with a date as an ISO date; `==` between values that cannot be compared
 * (the text 'C536379' and the number 536365) is false, while `<` between them is an error, since
 * it usually means a column was not coerced.
 */
export type Literal = string | number | boolean;
export type Operand = { kind: 'column'; name: string } | { kind: 'literal'; value: Literal };
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type RuleNode =
  | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode }
  | { kind: 'not'; operand: RuleNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'missing'; column: string; negated: boolean }
  | { kind: 'in'; column: string; values: Literal[]; negated: boolean }
  | { kind: 'text'; op: 'startsWith' | 'endsWith' | 'contains'; column: string; text: string }
  | { kind: 'matches'; column: string; regex: RegExp };

export interface Rule {
  readonly source: string;
  readonly root: RuleNode;
  /** The columns the rule reads, in order of first mention. */
  readonly columns: readonly string[];
}

type Token =
  | { type: 'column'; name: string; position: number; text: string }
  | { type: 'keyword'; word: string; position: number; text: string }
  | { type: 'string'; value: string; position: number; text: string }
  | { type: 'number'; value: number; position: number; text: string }
  | { type: 'regex'; regex: RegExp; position: number; text: string }
  | { type: 'op'; op: CompareOp; position: number; text: string }
  | { type: 'punct'; char: string; position: number; text: string }
  | { type: 'end'; position: number; text: string };

const keywords = new Set([
  'and',
  'or',
  'not',
  'is',
  'missing',
  'in',
  'startswith',
  'endswith',
  'contains',
  'matches',
  'true',
  'false',
  'null',
]);
const textOps = { startswith: 'startsWith', endswith: 'endsWith', contains: 'contains' } as const;
const predicateList = '==, !=, <, <=, >, >=, is missing, in, startsWith, endsWith, contains or matches';

// What a user coming from SQL, JavaScript or a spreadsheet might write instead.
const otherLanguages: Record<string, string> = {
  '=': "'==' to compare",
  '&&': "'and'",
  '||': "'or'",
  '!': "'not'",
};

const describe = (t: Token) => (t.type === 'end' ? 'the end of the rule' : `'${t.text}'`);

function tokenize(source: string, fail: (position: number, problem: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) {
          const escaped = source[i + 1];
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
          i += 2;
        } else value += source[i++];
      }
      if (i >= source.length) fail(start, 'unterminated string');
      i++;
      tokens.push({ type: 'string', value, position: start, text: source.slice(start, i) });
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) fail(start, 'unterminated `column name`');
      if (end === i + 1) fail(start, 'empty `column name`');
      i = end + 1;
      tokens.push({
        type: 'column',
        name: source.slice(start + 1, end),
        position: start,
        text: source.slice(start, i),
      });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(source[i + 1] ?? ''))) {
      const m = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      if (!m) fail(start, 'malformed number');
      i += m[0].length;
      tokens.push({ type: 'number', value: Number(m[0]), position: start, text: m[0] });
    } else if (/[\p{L}_]/u.test(c)) {
      const m = /^[\p{L}\p{N}_]+/u.exec(source.slice(i))!;
      i += m[0].length;
      const word = m[0].toLowerCase();
      tokens.push(
        keywords.has(word)
          ? { type: 'keyword', word, position: start, text: m[0] }
          : { type: 'column', name: m[0], position: start, text: m[0] },
      );
    } else if (c === '/') {
      i++;
      let inClass = false;
      while (i < source.length && (source[i] !== '/' || inClass)) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      if (i >= source.length) fail(start, 'unterminated regular expression');
      const body = source.slice(start + 1, i);
      i++;
      const flags = /^[a-z]*/.exec(source.slice(i))![0];
      // 'g' and 'y' make test() remember where it stopped, which would change results row to row.
      if (/[^imsu]/.test(flags)) fail(i, `regular expression flags may be i, m, s and u, not '${flags}'`);
      i += flags.length;
      let regex: RegExp;
      try {
        regex = new RegExp(body, flags);
      } catch (e) {
        fail(start, `invalid regular expression: ${(e as Error).message}`);
      }
      tokens.push({ type: 'regex', regex, position: start, text: source.slice(start, i) });
    } else {
      const two = source.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
        i += 2;
        tokens.push({ type: 'op', op: two, position: start, text: two });
      } else if (c === '<' || c === '>') {
        i++;
        tokens.push({ type: 'op', op: c, position: start, text: c });
      } else if ('()[],'.includes(c)) {
        i++;
        tokens.push({ type: 'punct', char: c, position: start, text: c });
      } else if (two in otherLanguages || c in otherLanguages) {
        const written = two in otherLanguages ? two : c;
        fail(start, `'${written}' is not an operator; use ${otherLanguages[written]}`);
      } else {
        fail(start, `unexpected character '${c}'`);
      }
    }
  }
  tokens.push({ type: 'end', position: source.length, text: '' });
  return tokens;
}

/**
 * Parses a filter rule. A syntax error is a RuleSyntaxError that names `key` (the rule's place in
 * the pipeline) and points at the character where the rule stops making sense.
 */
export function parseRule(source: string, key = 'rule'): Rule {
  const fail: (position: number, problem: string) => never = (position, problem) => {
    throw new RuleSyntaxError(key, source, position, problem);
  };
  const tokens = tokenize(source, fail);
  const columns: string[] = [];
  let at = 0;
  const peek = () => tokens[at];
  const isKeyword = (word: string, t = peek()) => t.type === 'keyword' && t.word === word;
  const isPunct = (char: string, t = peek()) => t.type === 'punct' && t.char === char;
  const expectPunct = (char: string, what: string) => {
    if (!isPunct(char)) fail(peek().position, `expected '${char}' ${what}, found ${describe(peek())}`);
    at++;
  };
  const useColumn = (name: string) => {
    if (!columns.includes(name)) columns.push(name);
  };

  const literal = (what: string): Literal => {
    const t = peek();
    at++;
    if (t.type === 'string' || t.type === 'number') return t.value;
    if (t.type === 'keyword' && (t.word === 'true' || t.word === 'false')) return t.word === 'true';
    if (t.type === 'keyword' && t.word === 'null')
      fail(t.position, "null is not a value here; use 'is missing'");
    return fail(t.position, `expected ${what}, found ${describe(t)}`);
  };

  const operand = (what: string): Operand & { position: number } => {
    const t = peek();
    if (t.type === 'column') {
      at++;
      useColumn(t.name);
      return { kind: 'column', name: t.name, position: t.position };
    }
    return { kind: 'literal', value: literal(what), position: t.position };
  };

  const subjectColumn = (left: Operand & { position: number }, word: string): string => {
    if (left.kind !== 'column') return fail(left.position, `expected a column name before '${word}'`);
    return left.name;
  };

  const predicate = (): RuleNode => {
    const left = operand('a column name, a value or (');
    const t = peek();
    if (t.type === 'op') {
      at++;
      const right = operand(`a value or a column name after '${t.op}'`);
      if (left.kind === 'literal' && right.kind === 'literal') {
        fail(left.position, 'compares two values; one side must be a column');
      }
      const ordering = t.op !== '==' && t.op !== '!=';
      for (const side of [left, right]) {
        if (ordering && side.kind === 'literal' && typeof side.value === 'boolean') {
          fail(side.position, `true and false cannot be ordered with '${t.op}'`);
        }
      }
      const strip = (o: Operand): Operand =>
        o.kind === 'column' ? { kind: 'column', name: o.name } : { kind: 'literal', value: o.value };
      return { kind: 'compare', op: t.op, left: strip(left), right: strip(right) };
    }
    if (isKeyword('is')) {
      const column = subjectColumn(left, 'is');
      at++;
      const negated = isKeyword('not');
      if (negated) at++;
      if (!isKeyword('missing'))
        fail(peek().position, `expected 'missing' after 'is', found ${describe(peek())}`);
      at++;
      return { kind: 'missing', column, negated };
    }
    if (isKeyword('in') || (isKeyword('not') && isKeyword('in', tokens[at + 1]))) {
      const column = subjectColumn(left, 'in');
      const negated = isKeyword('not');
      at += negated ? 2 : 1;
      expectPunct('[', "to start the list after 'in'");
      const values: Literal[] = [];
      if (!isPunct(']')) {
        values.push(literal('a value in the list'));
        while (isPunct(',')) {
          at++;
          values.push(literal('a value after ,'));
        }
      }
      expectPunct(']', 'to end the list');
      return { kind: 'in', column, values, negated };
    }
    if (t.type === 'keyword' && t.word in textOps) {
      const op = textOps[t.word as keyof typeof textOps];
      const column = subjectColumn(left, op);
      at++;
      const text = peek();
      if (text.type !== 'string')
        fail(text.position, `expected a "string" after '${op}', found ${describe(text)}`);
      at++;
      return { kind: 'text', op, column, text: text.value };
    }
    if (isKeyword('matches')) {
      const column = subjectColumn(left, 'matches');
      at++;
      const regex = peek();
      if (regex.type !== 'regex')
        fail(regex.position, `expected a /regular expression/ after 'matches', found ${describe(regex)}`);
      at++;
      return { kind: 'matches', column, regex: regex.regex };
    }
    const after = left.kind === 'column' ? `column ${left.name}` : 'a value';
    return fail(t.position, `expected ${predicateList} after ${after}, found ${describe(t)}`);
  };

  const not = (): RuleNode => {
    if (isKeyword('not')) {
      at++;
      return { kind: 'not', operand: not() };
    }
    if (isPunct('(')) {
      at++;
      const inner = or();
      expectPunct(')', 'to close (');
      return inner;
    }
    return predicate();
  };
  const and = (): RuleNode => {
    let left = not();
    while (isKeyword('and')) {
      at++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): RuleNode => {
    let left = and();
    while (isKeyword('or')) {
      at++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (peek().type === 'end') fail(0, 'the rule is empty');
  const root = or();
  if (peek().type !== 'end')
    fail(peek().position, `expected 'and', 'or' or the end of the rule, found ${describe(peek())}`);
  return { source, root, columns };
}

function toNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? parsePlainNumber(value) : undefined;
}

function toBoolean(value: Value): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/** Brings two present values to one type, or undefined when they cannot be compared. */
function harmonize(a: Value, b: Value): [number, number] | [string, string] | [boolean, boolean] | undefined {
  if (a instanceof Date || b instanceof Date) {
    const [x, y] = [a, b].map((v) =>
      v instanceof Date ? v : typeof v === 'string' ? parseIsoDate(v) : undefined,
    );
    return x && y ? [x.getTime(), y.getTime()] : undefined;
  }
  if (typeof a === 'string' && typeof b === 'string') return [a, b];
  if (typeof a === 'number' || typeof b === 'number') {
    const [x, y] = [toNumber(a), toNumber(b)];
    return x !== undefined && y !== undefined ? [x, y] : undefined;
  }
  const [x, y] = [toBoolean(a), toBoolean(b)];
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}

/** true or false, or undefined when the values cannot be compared with `op`. */
function compare(a: Value, b: Value, op: CompareOp): boolean | undefined {
  const pair = harmonize(a, b);
  if (!pair) return undefined;
  const [x, y] = pair;
  if (op === '==') return x === y;
  if (op === '!=') return x !== y;
  if (typeof x === 'boolean') return undefined;
  const sign = x < y ? -1 : x > y ? 1 : 0;
  return op === '<' ? sign < 0 : op === '<=' ? sign <= 0 : op === '>' ? sign > 0 : sign >= 0;
}

function incomparable(
  step: string,
  node: { op: CompareOp; left: Operand; right: Operand },
  a: Value,
  b: Value,
  table: Table,
  row: number,
): CleaningDataError {
  const sides: [Operand, Value][] = [
    [node.left, a],
    [node.right, b],
  ];
  // The message is about the column's value, so name the column side first.
  const [[named, value], [other, otherValue]] = node.left.kind === 'column' ? sides : [sides[1], sides[0]];
  const name = named.kind === 'column' ? named.name : describeValue(value);
  const otherText =
    other.kind === 'column' ? `${other.name} = ${describeValue(otherValue)}` : describeValue(otherValue);
  return new CleaningDataError(
    step,
    msg.incomparable(name, describeValue(value), node.op, otherText),
    table.origins[row],
  );
}

/** The rule as a predicate over the rows of `table`; a column the table lacks is an error. */
export function compileRule(rule: Rule, table: Table, step = 'filter'): (row: number) => boolean {
  requireColumns(step, table, rule.columns);
  const compile = (node: RuleNode): ((row: number) => boolean) => {
    switch (node.kind) {
      case 'and': {
        const [l, r] = [compile(node.left), compile(node.right)];
        return (i) => l(i) && r(i);
      }
      case 'or': {
        const [l, r] = [compile(node.left), compile(node.right)];
        return (i) => l(i) || r(i);
      }
      case 'not': {
        const inner = compile(node.operand);
        return (i) => !inner(i);
      }
      case 'missing': {
        const values = table.column(node.column);
        return (i) => isMissing(values[i]) !== node.negated;
      }
      case 'in': {
        const values = table.column(node.column);
        return (i) => {
          if (isMissing(values[i])) return false;
          return node.values.some((v) => compare(values[i], v, '==') === true) !== node.negated;
        };
      }
      case 'text': {
        const values = table.column(node.column);
        const { op, text } = node;
        const test =
          op === 'startsWith'
            ? (s: string) => s.startsWith(text)
            : op === 'endsWith'
              ? (s: string) => s.endsWith(text)
              : (s: string) => s.includes(text);
        return (i) => !isMissing(values[i]) && test(cellText(values[i]));
      }
      case 'matches': {
        const values = table.column(node.column);
        return (i) => !isMissing(values[i]) && node.regex.test(cellText(values[i]));
      }
      case 'compare': {
        const side = (o: Operand) => {
          if (o.kind === 'literal') return () => o.value;
          const values = table.column(o.name);
          return (i: number) => values[i];
        };
        const [left, right] = [side(node.left), side(node.right)];
        return (i) => {
          const [a, b] = [left(i), right(i)];
          if (isMissing(a) || isMissing(b)) return false;
          const result = compare(a, b, node.op);
          if (result !== undefined) return result;
          if (node.op === '==' || node.op === '!=') return node.op === '!=';
          throw incomparable(step, node, a, b, table, i);
        };
      }
    }
  };
  return compile(rule.root);
}
