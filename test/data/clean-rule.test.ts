import { describe, expect, test } from 'vitest';
import {
  CleaningDataError,
  compileRule,
  parseRule,
  type RuleNode,
  RuleSyntaxError,
} from '../../src/data/clean/index.js';
import { Table, type Value } from '../../src/data/table.js';

function table(columns: Record<string, Value[]>): Table {
  const rows = Object.values(columns)[0].length;
  return new Table(
    columns,
    Array.from({ length: rows }, (_, i) => ({ source: 'rules.csv', line: i + 2 })),
  );
}

/** The indices of the rows the rule matches. */
function matching(rule: string, t: Table): number[] {
  const predicate = compileRule(parseRule(rule), t);
  return Array.from({ length: t.numRows }, (_, i) => i).filter(predicate);
}

function syntaxError(rule: string): RuleSyntaxError {
  try {
    parseRule(rule, 'steps[3].rule');
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected '${rule}' not to parse`);
}

describe('rule grammar', () => {
  test('and binds tighter than or', () => {
    const shape = (n: RuleNode): unknown =>
      n.kind === 'and' || n.kind === 'or'
        ? [n.kind, shape(n.left), shape(n.right)]
        : n.kind === 'not'
          ? ['not', shape(n.operand)]
          : n.kind === 'compare' && n.left.kind === 'column'
            ? n.left.name
            : n.kind;
    expect(shape(parseRule('a == 1 or b == 1 and c == 1').root)).toEqual(['or', 'a', ['and', 'b', 'c']]);
    expect(shape(parseRule('(a == 1 or b == 1) and c == 1').root)).toEqual(['and', ['or', 'a', 'b'], 'c']);
    expect(shape(parseRule('not a == 1 and b == 1').root)).toEqual(['and', ['not', 'a'], 'b']);
    expect(shape(parseRule('a == 1 or b == 1 or c == 1').root)).toEqual(['or', ['or', 'a', 'b'], 'c']);
  });

  test('precedence changes which rows match', () => {
    const t = table({ a: [1, 0, 0, 1], b: [0, 1, 1, 1], c: [0, 0, 1, 1] });
    expect(matching('a == 1 or b == 1 and c == 1', t)).toEqual([0, 2, 3]);
    expect(matching('(a == 1 or b == 1) and c == 1', t)).toEqual([2, 3]);
    expect(matching('not a == 1 and b == 1', t)).toEqual([1, 2]);
    expect(matching('not (a == 1 and b == 1)', t)).toEqual([0, 1, 2]);
    expect(matching('a == 1 AND NOT c == 1', t)).toEqual([0]);
  });

  test('the columns a rule reads, in order', () => {
    expect(parseRule('b == 1 and `a b` is missing or b < c').columns).toEqual(['b', 'a b', 'c']);
  });

  test('backticks name any column, keywords included', () => {
    const t = table({ 'Unit Price': [1, 3], in: ['x', 'y'] });
    expect(matching('`Unit Price` > 2', t)).toEqual([1]);
    expect(matching('`in` == "x"', t)).toEqual([0]);
  });

  test('strings in either quotes, with escapes', () => {
    const t = table({ D: ['6" DOLL', "POPPY'S", 'A\\B'] });
    expect(matching('D == "6\\" DOLL"', t)).toEqual([0]);
    expect(matching("D == 'POPPY\\'S'", t)).toEqual([1]);
    expect(matching('D == "POPPY\'S"', t)).toEqual([1]);
    expect(matching('D == "A\\\\B"', t)).toEqual([2]);
  });
});

describe('rule predicates', () => {
  const shop = () =>
    table({
      InvoiceNo: ['536365', 'C536379', '536370', 'C536383', '536544'],
      StockCode: ['85123A', 'D', 'POST', '35004C', 'BANK CHARGES'],
      Quantity: ['6', '-1', '3', '-1', '1'],
      UnitPrice: [2.55, 27.5, 0, 4.65, 15],
      CustomerID: ['17850', '14527', '', null, '  '],
    });

  test('comparisons, numbers read from text cells', () => {
    expect(matching('Quantity < 0', shop())).toEqual([1, 3]);
    expect(matching('Quantity >= 3', shop())).toEqual([0, 2]);
    expect(matching('Quantity <= -1', shop())).toEqual([1, 3]);
    expect(matching('UnitPrice == 0', shop())).toEqual([2]);
    expect(matching('UnitPrice != 0', shop())).toEqual([0, 1, 3, 4]);
    expect(matching('0 > Quantity', shop())).toEqual([1, 3]);
  });

  test('is missing covers null, empty and blank text', () => {
    expect(matching('CustomerID is missing', shop())).toEqual([2, 3, 4]);
    expect(matching('CustomerID is not missing', shop())).toEqual([0, 1]);
  });

  test('startsWith, endsWith, contains', () => {
    expect(matching('InvoiceNo startsWith "C"', shop())).toEqual([1, 3]);
    expect(matching('StockCode endsWith "C"', shop())).toEqual([3]);
    expect(matching('StockCode contains "CHARGE"', shop())).toEqual([4]);
    expect(matching('not InvoiceNo startsWith "C"', shop())).toEqual([0, 2, 4]);
  });

  test('in and not in lists', () => {
    const rule = 'StockCode in ["POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE"]';
    expect(matching(rule, shop())).toEqual([2, 4]);
    expect(matching(rule.replace(' in ', ' not in '), shop())).toEqual([0, 1, 3]);
    expect(matching('Quantity in [-1, 3]', shop())).toEqual([1, 2, 3]);
    expect(matching('StockCode in []', shop())).toEqual([]);
  });

  test('matches a regular expression, with flags', () => {
    expect(matching('StockCode matches /^\\d{5}[A-Z]?$/', shop())).toEqual([0, 3]);
    expect(matching('StockCode matches /post|bank/i', shop())).toEqual([2, 4]);
    expect(matching('StockCode matches /[/]/', table({ StockCode: ['a/b', 'ab'] }))).toEqual([0]);
  });

  test('a comparison with a missing value is false, either way', () => {
    const t = table({ A: [1, null, ''], B: [1, 1, 1] });
    expect(matching('A == 1', t)).toEqual([0]);
    expect(matching('A != 1', t)).toEqual([]);
    expect(matching('A == B', t)).toEqual([0]);
  });

  test('column against column, booleans and dates', () => {
    const t = table({
      Sold: [3, 5, 2],
      Stock: ['4', '4', '2'],
      Active: [true, false, 'true'],
      When: [
        new Date('2011-11-30T00:00:00Z'),
        new Date('2011-12-01T00:00:00Z'),
        new Date('2011-12-09T12:00:00Z'),
      ],
    });
    expect(matching('Sold > Stock', t)).toEqual([1]);
    expect(matching('Sold == Stock', t)).toEqual([2]);
    expect(matching('Active == true', t)).toEqual([0, 2]);
    expect(matching('When < "2011-12-01"', t)).toEqual([0]);
    expect(matching('When >= "2011-12-01T00:00:00Z"', t)).toEqual([1, 2]);
  });

  test('== between values that cannot be compared is false; < is an error with the line', () => {
    const t = table({ InvoiceNo: ['536365', 'C536379'] });
    expect(matching('InvoiceNo == 536365', t)).toEqual([0]);
    expect(matching('InvoiceNo != 536365', t)).toEqual([1]);
    expect(() => matching('InvoiceNo < 536400', t)).toThrow(CleaningDataError);
    expect(() => matching('InvoiceNo < 536400', t)).toThrow(
      "filter: rules.csv:3: cannot compare InvoiceNo = 'C536379' with 536400 using '<'; coerce the column first",
    );
  });

  test('a column the table lacks is named when the rule is compiled', () => {
    expect(() => matching('Qty < 0', table({ Quantity: [1] }))).toThrow(
      "filter: column 'Qty' is not in the table; columns are: Quantity",
    );
  });
});

describe('rule syntax errors point at the position', () => {
  test.each([
    ['Quantity <', 10, "expected a value or a column name after '<', found the end of the rule"],
    ['Quantity = 0', 9, "'=' is not an operator; use '==' to compare"],
    ['a == 1 && b == 2', 7, "'&&' is not an operator; use 'and'"],
    ['(a == 1 or b == 2', 17, "expected ')' to close ("],
    ['a == 1 b == 2', 7, "expected 'and', 'or' or the end of the rule, found 'b'"],
    ['Name == "abc', 8, 'unterminated string'],
    ['`Unit Price > 2', 0, 'unterminated `column name`'],
    ['a in [1, 2', 10, "expected ']' to end the list"],
    ['a in 1, 2', 5, "expected '[' to start the list after 'in'"],
    ['a matches "x"', 10, "expected a /regular expression/ after 'matches', found '\"x\"'"],
    ['a matches /(/', 10, 'invalid regular expression'],
    ['a matches /x/g', 13, "flags may be i, m, s and u, not 'g'"],
    ['a startsWith 3', 13, 'expected a "string" after \'startsWith\''],
    ['1 == 2', 0, 'compares two values; one side must be a column'],
    ['a < true', 4, "true and false cannot be ordered with '<'"],
    ['a == null', 5, "use 'is missing'"],
    ['a is empty', 5, "expected 'missing' after 'is', found 'empty'"],
    ['"x" in ["x"]', 0, "expected a column name before 'in'"],
    [
      'Quantity',
      8,
      'expected ==, !=, <, <=, >, >=, is missing, in, startsWith, endsWith, contains or matches',
    ],
    ['', 0, 'the rule is empty'],
    ['a == 1 # note', 7, "unexpected character '#'"],
  ])('%j fails at %i', (rule, position, problem) => {
    const error = syntaxError(rule);
    expect(error.position).toBe(position);
    expect(error.key).toBe('steps[3].rule');
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`at character ${position + 1}\n  ${rule}\n  ${' '.repeat(position)}^`);
  });
});
