import { describe, expect, test } from 'vitest';
import {
  CleaningConfigError,
  CleaningDataError,
  type CleaningStep,
  type CleaningStepReport,
  type CoerceStep,
  clean,
  dateParser,
  numberParser,
} from '../../src/data/clean/index.js';
import { Quarantine } from '../../src/data/report.js';
import { Table, type Value } from '../../src/data/table.js';

/** A table as a CSV reader would give it: origins on lines 2, 3… of `source`. */
function table(columns: Record<string, Value[]>, source = 'data.csv'): Table {
  const rows = Object.values(columns)[0].length;
  return new Table(
    columns,
    Array.from({ length: rows }, (_, i) => ({ source, line: i + 2 })),
  );
}

function accounted(report: CleaningStepReport): boolean {
  const dropped = Object.values(report.dropped).reduce((a, b) => a + b, 0);
  return report.rowsIn === report.rowsOut + dropped + report.quarantined;
}

function coerce(t: Table, step: Omit<CoerceStep, 'step'>, quarantine = new Quarantine()) {
  const result = clean(t, [{ step: 'coerce', ...step }], { quarantine });
  expect(accounted(result.reports[0])).toBe(true);
  return { table: result.table, report: result.reports[0], quarantine };
}

const utc = (...parts: [number, number, number, number?, number?, number?]) =>
  new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0));

describe('coerce: numbers', () => {
  test('plain numbers, whitespace and the empty field', () => {
    const { table: out, report } = coerce(table({ A: ['1', '-2.5', '1e3', ' 4 ', '', '+.5'] }), {
      columns: { A: 'number' },
    });
    expect(out.column('A')).toEqual([1, -2.5, 1000, 4, null, 0.5]);
    expect(report).toEqual({
      step: 'coerce',
      rowsIn: 6,
      rowsOut: 6,
      dropped: {},
      quarantined: 0,
      changedCells: { A: 6 },
    });
  });

  test('numbers already typed (JSON, SQL) are kept and not counted as changed', () => {
    const { table: out, report } = coerce(table({ A: [1.5, null, '2'] }), { columns: { A: 'number' } });
    expect(out.column('A')).toEqual([1.5, null, 2]);
    expect(report.changedCells).toEqual({ A: 1 });
  });

  test('thousands separators must form groups of three', () => {
    const { table: out, quarantine } = coerce(
      table({ Price: ['1,234', '1,234,567.5', '12', '1,23', '$1,234', '1 234'] }),
      { columns: { Price: 'number' }, thousands: ',' },
    );
    expect(out.column('Price')).toEqual([1234, 1234567.5, 12]);
    expect(quarantine.rows.map((r) => [r.line, r.reason])).toEqual([
      [5, "column Price: '1,23' is not a number"],
      [6, "column Price: '$1,234' is not a number"],
      [7, "column Price: '1 234' is not a number"],
    ]);
  });

  test('without a thousands separator, "1,234" is not silently read as 1', () => {
    const { table: out, report } = coerce(table({ A: ['1,234', '5'] }), { columns: { A: 'number' } });
    expect(out.column('A')).toEqual([5]);
    expect(report.quarantined).toBe(1);
  });

  test("decimal comma with '.' thousands: 1.234,5 is 1234.5", () => {
    const { table: out, quarantine } = coerce(table({ A: ['1.234,5', '3,75', '-0,5', '1.5', '1.234.567'] }), {
      columns: { A: 'number' },
      decimal: ',',
      thousands: '.',
    });
    expect(out.column('A')).toEqual([1234.5, 3.75, -0.5, 1234567]);
    expect(quarantine.rows.map((r) => r.reason)).toEqual(["column A: '1.5' is not a number"]);
  });

  test('integers reject fractions', () => {
    const { table: out, quarantine } = coerce(table({ N: ['3', '3.0', '-7', '3.5', 'x'] }), {
      columns: { N: 'integer' },
    });
    expect(out.column('N')).toEqual([3, 3, -7]);
    expect(quarantine.rows.map((r) => r.reason)).toEqual([
      "column N: '3.5' is not an integer",
      "column N: 'x' is not an integer",
    ]);
  });

  test('number parser on its own', () => {
    const parse = numberParser({ thousands: "'", decimal: '.' });
    expect(parse("1'234.5")).toBe(1234.5);
    expect(parse('12%')).toBeUndefined();
    expect(parse('NaN')).toBeUndefined();
    expect(parse('Infinity')).toBeUndefined();
  });
});

describe('coerce: booleans, categories, text', () => {
  test('Yes/No/1/0/true/false in any case', () => {
    const { table: out, quarantine } = coerce(
      table({ Churn: ['Yes', 'no', '1', '0', 'TRUE', 'f', ' y ', 'maybe', true, 1] }),
      { columns: { Churn: 'boolean' } },
    );
    expect(out.column('Churn')).toEqual([true, false, true, false, true, false, true, true, true]);
    expect(quarantine.rows.map((r) => r.reason)).toEqual(["column Churn: 'maybe' is not a boolean"]);
  });

  test('custom boolean words replace the defaults', () => {
    const { table: out, report } = coerce(table({ B: ['oui', 'NON', 'yes'] }), {
      columns: { B: 'boolean' },
      booleans: { true: ['oui'], false: ['non'] },
    });
    expect(out.column('B')).toEqual([true, false]);
    expect(report.quarantined).toBe(1);
  });

  test('category and text spell values out; dates as ISO', () => {
    const { table: out } = coerce(table({ Zip: [12345, '00501', true, utc(2011, 1, 2), null] }), {
      columns: { Zip: 'category' },
    });
    expect(out.column('Zip')).toEqual(['12345', '00501', 'true', '2011-01-02T00:00:00.000Z', null]);
  });
});

describe('coerce: datetimes', () => {
  test('several formats, tried in order', () => {
    const { table: out, quarantine } = coerce(
      table({
        When: [
          '2011-12-09',
          '12/1/2010 8:26',
          '09.12.2011',
          '2011-12-09T12:50:00Z',
          '2011-12-09T12:50:05.250+01:00',
          '2011-02-30',
          '31/12/2011 10:00',
          '2011-12-09 25:00',
        ],
      }),
      { columns: { When: 'datetime' }, dateFormats: ['YYYY-MM-DD', 'MM/DD/YYYY HH:mm', 'DD.MM.YYYY', 'ISO'] },
    );
    expect(out.column('When')).toEqual([
      utc(2011, 12, 9),
      utc(2010, 12, 1, 8, 26),
      utc(2011, 12, 9),
      utc(2011, 12, 9, 12, 50),
      new Date(Date.UTC(2011, 11, 9, 11, 50, 5, 250)),
    ]);
    expect(quarantine.rows.map((r) => [r.line, r.reason])).toEqual([
      [
        7,
        "column When: '2011-02-30' is not a date in format YYYY-MM-DD or MM/DD/YYYY HH:mm or DD.MM.YYYY or ISO",
      ],
      [8, expect.stringContaining("'31/12/2011 10:00' is not a date")],
      [9, expect.stringContaining("'2011-12-09 25:00' is not a date")],
    ]);
  });

  test('leap days, bracketed literals and seconds', () => {
    const parse = dateParser('YYYY-MM-DD[T]HH:mm:ss.SSS');
    expect(typeof parse).toBe('function');
    if (typeof parse === 'string') return;
    expect(parse('2012-02-29T23:59:58.007')).toEqual(new Date(Date.UTC(2012, 1, 29, 23, 59, 58, 7)));
    expect(parse('2011-02-29T00:00:00.000')).toBeUndefined();
    expect(parse('2011-02-28 00:00:00.000')).toBeUndefined();
  });

  test('a Date from a SQL reader passes through unchanged', () => {
    const d = utc(2020, 5, 17);
    const { table: out, report } = coerce(table({ D: [d] }), { columns: { D: 'datetime' } });
    expect(out.column('D')).toEqual([d]);
    expect(report.changedCells).toEqual({});
  });

  test("an unknown token in a date format is a config error naming the format's key", () => {
    const step: CleaningStep = {
      step: 'coerce',
      columns: { D: 'datetime' },
      dateFormats: ['ISO', 'YYYY-MM-dd'],
    };
    expect(() => clean(table({ D: ['x'] }), [step])).toThrow(CleaningConfigError);
    try {
      clean(table({ D: ['x'] }), [step]);
    } catch (e) {
      expect((e as CleaningConfigError).key).toBe('steps[0].dateFormats[1]');
      expect((e as Error).message).toContain("unknown token 'd' at character 9");
    }
    expect(dateParser('MM/DD')).toMatch(/has no year/);
  });
});

describe('coerce: missing sentinels', () => {
  test("global sentinels match exactly, as text or number: '', 'NA', 999", () => {
    const { table: out, report } = coerce(
      table({ Age: ['31', 'NA', '999', 999, '', null], Name: ['a', 'NA', 'b', 'c', '', 'd'] }),
      { columns: { Age: 'integer', Name: 'text' }, missing: ['', 'NA', 999] },
    );
    expect(out.column('Age')).toEqual([31, null, null, null, null, null]);
    expect(out.column('Name')).toEqual(['a', null, 'b', 'c', null, 'd']);
    expect(report.changedCells).toEqual({ Age: 5, Name: 2 });
  });

  test('per-column sentinels; other columns keep the default', () => {
    const { table: out } = coerce(table({ Age: ['999', ''], Score: ['999', ''] }), {
      columns: { Age: 'number', Score: 'number' },
      missing: { Age: ['999', ''] },
    });
    expect(out.column('Age')).toEqual([null, null]);
    expect(out.column('Score')).toEqual([999, null]);
  });

  test('a per-column sentinel list for a column not coerced is an error', () => {
    expect(() =>
      clean(table({ A: ['1'] }), [{ step: 'coerce', columns: { A: 'number' }, missing: { B: ['x'] } }]),
    ).toThrow(/steps\[0\]\.missing\.B: "B" is not one of 'A'/);
  });
});

describe('coerce: unparseable values', () => {
  const telco = () =>
    table(
      { customerID: ['7590-VHVEG', '5575-GNVDE', '4472-LVYGI'], TotalCharges: ['29.85', ' ', '1889.5'] },
      'telco.csv',
    );

  test("'quarantine' sets the row aside with its origin, reason and raw values", () => {
    const { table: out, report, quarantine } = coerce(telco(), { columns: { TotalCharges: 'number' } });
    expect(out.column('customerID')).toEqual(['7590-VHVEG', '4472-LVYGI']);
    expect(out.column('TotalCharges')).toEqual([29.85, 1889.5]);
    expect(out.origins.map((o) => o.line)).toEqual([2, 4]);
    expect(quarantine.rows).toEqual([
      {
        source: 'telco.csv',
        line: 3,
        step: 'coerce',
        reason: "column TotalCharges: ' ' is not a number",
        raw: { customerID: '5575-GNVDE', TotalCharges: ' ' },
      },
    ]);
    expect(report).toEqual({
      step: 'coerce',
      rowsIn: 3,
      rowsOut: 2,
      dropped: {},
      quarantined: 1,
      changedCells: { TotalCharges: 2 },
    });
  });

  test("'null' keeps the row, sets null and counts the cell as invalid", () => {
    const {
      table: out,
      report,
      quarantine,
    } = coerce(telco(), {
      columns: { TotalCharges: 'number' },
      onError: 'null',
    });
    expect(out.column('TotalCharges')).toEqual([29.85, null, 1889.5]);
    expect(quarantine.size).toBe(0);
    expect(report.invalid).toEqual({ TotalCharges: 1 });
    expect(report.changedCells).toEqual({ TotalCharges: 3 });
  });

  test("'error' stops with the file and line", () => {
    let error: unknown;
    try {
      coerce(telco(), { columns: { TotalCharges: 'number' }, onError: 'error' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CleaningDataError);
    expect((error as Error).message).toBe("coerce: telco.csv:3: column TotalCharges: ' ' is not a number");
    expect((error as CleaningDataError).origin).toEqual({ source: 'telco.csv', line: 3 });
  });

  test('every failing column of a row is named in one quarantine entry', () => {
    const { quarantine, report } = coerce(table({ A: ['x', '1'], B: ['maybe', 'no'] }), {
      columns: { A: 'number', B: 'boolean' },
    });
    expect(report.quarantined).toBe(1);
    expect(quarantine.rows[0].reason).toBe(
      "column A: 'x' is not a number; column B: 'maybe' is not a boolean",
    );
  });

  test('a column the table lacks is named with the columns there are', () => {
    expect(() => coerce(telco(), { columns: { Total: 'number' } })).toThrow(
      "coerce: column 'Total' is not in the table; columns are: customerID, TotalCharges",
    );
  });
});

describe('coerce: configuration', () => {
  const bad = (step: Record<string, unknown>) => () =>
    clean(table({ A: ['1'] }), [step as unknown as CleaningStep]);

  test.each([
    [
      { step: 'coerce', columns: { A: 'float' } },
      'steps[0].columns.A',
      /"float" is not one of 'number', 'integer'/,
    ],
    [
      { step: 'coerce', columns: { A: 'number' }, thousands: ',', decimal: ',' },
      'steps[0].thousands',
      /must differ/,
    ],
    [
      { step: 'coerce', columns: { A: 'number' }, onError: 'skip' },
      'steps[0].onError',
      /"skip" is not one of/,
    ],
    [
      { step: 'coerce', columns: { A: 'number' }, thousand: ',' },
      'steps[0].thousand',
      /did you mean 'thousands'/,
    ],
    [{ step: 'coerce', columns: {} }, 'steps[0].columns', /at least one/],
    [{ step: 'coerce' }, 'steps[0].columns', /required by a coerce step/],
    [
      { step: 'coerce', columns: { A: 'boolean' }, booleans: { true: ['y'], false: ['Y'] } },
      'steps[0].booleans',
      /'Y' is listed as both true and false/,
    ],
  ])('%j → %s', (step, key, message) => {
    let error: unknown;
    try {
      bad(step)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CleaningConfigError);
    expect((error as CleaningConfigError).key).toBe(key);
    expect((error as Error).message).toMatch(message);
  });
});
