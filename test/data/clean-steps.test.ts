import { describe, expect, test } from 'vitest';
import {
  CleaningConfigError,
  CleaningDataError,
  CleaningPlan,
  type CleaningStep,
  type CleaningStepReport,
  clean,
  fitCleaning,
  validateCleaningSteps,
} from '../../src/data/clean/index.js';
import { formatStepReport, Quarantine } from '../../src/data/report.js';
import { Table, type Value } from '../../src/data/table.js';

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

/** Runs one step, checks the accounting identity, and returns the table, report and quarantine. */
function run(t: Table, step: CleaningStep) {
  const quarantine = new Quarantine();
  const result = clean(t, [step], { quarantine });
  expect(result.reports).toHaveLength(1);
  expect(accounted(result.reports[0])).toBe(true);
  expect(result.quarantine).toBe(quarantine);
  return { table: result.table, report: result.reports[0], quarantine };
}

const lines = (t: Table) => t.origins.map((o) => o.line);

function configError(steps: unknown): CleaningConfigError {
  try {
    validateCleaningSteps(steps);
  } catch (e) {
    if (e instanceof CleaningConfigError) return e;
    throw e;
  }
  throw new Error('expected a configuration error');
}

describe('dropDuplicates', () => {
  const orders = () =>
    table({
      Invoice: ['1', '1', '2', '1', '3', '2'],
      Code: ['A', 'A', 'B', 'B', 'C', 'B'],
      Qty: [1, 1, 5, 2, 1, 7],
    });

  test('exact duplicates, keeping the first', () => {
    const { table: out, report } = run(orders(), { step: 'dropDuplicates' });
    expect(lines(out)).toEqual([2, 4, 5, 6, 7]);
    expect(report).toEqual({
      step: 'dropDuplicates',
      rowsIn: 6,
      rowsOut: 5,
      dropped: { 'exact duplicate': 1 },
      quarantined: 0,
      changedCells: {},
    });
  });

  test('on keys, keeping the last', () => {
    const { table: out, report } = run(orders(), {
      step: 'dropDuplicates',
      keys: ['Invoice', 'Code'],
      keep: 'last',
    });
    expect(lines(out)).toEqual([3, 5, 6, 7]);
    expect(out.column('Qty')).toEqual([1, 2, 1, 7]);
    expect(report.dropped).toEqual({ 'duplicate Invoice, Code': 2 });
  });

  test('flagging keeps every row', () => {
    const { table: out, report } = run(orders(), {
      step: 'dropDuplicates',
      keys: ['Invoice'],
      action: 'flag',
      flagColumn: 'repeat',
    });
    expect(out.column('repeat')).toEqual([false, true, false, true, false, true]);
    expect(report.rowsOut).toBe(6);
    expect(report.flagged).toEqual({ 'duplicate Invoice': 3 });
    expect(report.columns).toEqual({ added: ['repeat'] });
  });

  test('values match only with the same type; dates by time', () => {
    const t = table({
      A: ['1', 1, null, null, new Date(5), new Date(5)],
    });
    const { table: out } = run(t, { step: 'dropDuplicates' });
    expect(lines(out)).toEqual([2, 3, 4, 6]);
  });
});

describe('impute', () => {
  const t = () =>
    table({ Age: [20, null, 40, 30, null, 100], City: ['Oslo', null, 'Rome', 'Oslo', '', 'Rome'] });

  test.each([
    ['mean', 47.5],
    ['median', 35],
  ] as const)('%s', (strategy, fill) => {
    const { table: out, report } = run(t(), { step: 'impute', columns: ['Age'], strategy });
    expect(out.column('Age')).toEqual([20, fill, 40, 30, fill, 100]);
    expect(report.changedCells).toEqual({ Age: 2 });
  });

  test('mode, ties going to the value seen first; empty text counts as missing', () => {
    const { table: out, report } = run(t(), { step: 'impute', columns: ['City'], strategy: 'mode' });
    expect(out.column('City')).toEqual(['Oslo', 'Oslo', 'Rome', 'Oslo', 'Oslo', 'Rome']);
    expect(report.changedCells).toEqual({ City: 2 });
  });

  test('constant, with indicator columns', () => {
    const { table: out, report } = run(t(), {
      step: 'impute',
      columns: ['Age', 'City'],
      strategy: 'constant',
      value: 0,
      addIndicator: true,
    });
    expect(out.column('Age')).toEqual([20, 0, 40, 30, 0, 100]);
    expect(out.column('Age_missing')).toEqual([false, true, false, false, true, false]);
    expect(out.column('City_missing')).toEqual([false, true, false, false, true, false]);
    expect(report.columns).toEqual({ added: ['Age_missing', 'City_missing'] });
  });

  test('forwardFill carries the last value down; leading gaps stay', () => {
    const { table: out, report } = run(table({ P: [null, 1, null, null, 4, null] }), {
      step: 'impute',
      columns: ['P'],
      strategy: 'forwardFill',
    });
    expect(out.column('P')).toEqual([null, 1, 1, 1, 4, 4]);
    expect(report.changedCells).toEqual({ P: 3 });
  });

  test('a mean over text is an error naming the column and line', () => {
    expect(() =>
      run(table({ Age: [1, 'thirty'] }), { step: 'impute', columns: ['Age'], strategy: 'mean' }),
    ).toThrow("impute: data.csv:3: column Age holds 'thirty', not a number; coerce it to 'number' first");
    expect(() =>
      run(table({ Age: [null, null] }), { step: 'impute', columns: ['Age'], strategy: 'median' }),
    ).toThrow(CleaningDataError);
  });

  test('fitted on train, applied to test with the training statistics', () => {
    const plan = fitCleaning(table({ Age: [10, 20, null, 60] }), [
      { step: 'impute', columns: ['Age'], strategy: 'mean' },
    ]);
    expect(plan.steps[0].state).toEqual({ fills: { Age: 30 } });
    const { table: out } = plan.apply(table({ Age: [null, 1000, null] }));
    expect(out.column('Age')).toEqual([30, 1000, 30]);
  });
});

describe('outliers', () => {
  // Sorted [-20, 2, 2, 3, 4, 4, 100]: Q1 = 2, Q3 = 4, IQR = 2, so bounds [-1, 7].
  const t = () => table({ X: [2, 2, 3, 4, 4, 100, null, -20] });

  test('iqr clip', () => {
    const { table: out, report } = run(t(), {
      step: 'outliers',
      columns: ['X'],
      method: 'iqr',
      action: 'clip',
    });
    expect(out.column('X')).toEqual([2, 2, 3, 4, 4, 7, null, -1]);
    expect(report.changedCells).toEqual({ X: 2 });
  });

  test('iqr drop with a wider factor', () => {
    const { table: out, report } = run(t(), {
      step: 'outliers',
      columns: ['X'],
      method: 'iqr',
      factor: 3,
      action: 'drop',
    });
    // factor 3: bounds [-4, 10]
    expect(out.column('X')).toEqual([2, 2, 3, 4, 4, null]);
    expect(report.dropped).toEqual({ 'outlier in X': 2 });
  });

  test('zscore flag, one flag per row across columns', () => {
    const data = table({ A: [0, 0, 0, 0, 0, 0, 0, 0, 0, 10], B: [0, 0, 0, 0, 0, 0, 0, 0, 0, 10] });
    const { table: out, report } = run(data, {
      step: 'outliers',
      columns: ['A', 'B'],
      method: 'zscore',
      factor: 2,
      action: 'flag',
    });
    // mean 1, σ 3: bounds [-5, 7]
    expect(out.column('outlier')).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(report.flagged).toEqual({ 'outlier in A': 1 });
    expect(report.rowsOut).toBe(10);
  });

  test('bounds learnt on train clip test values', () => {
    const plan = fitCleaning(t(), [{ step: 'outliers', columns: ['X'], method: 'iqr', action: 'clip' }]);
    expect(plan.steps[0].state).toEqual({ bounds: { X: { lower: -1, upper: 7 } } });
    const { table: out } = plan.apply(table({ X: [50, -50, 5] }));
    expect(out.column('X')).toEqual([7, -1, 5]);
  });
});

describe('normalizeCategories and trim', () => {
  test('trim, collapse, lower-case and map synonyms; non-text untouched', () => {
    const { table: out, report } = run(
      table({ City: ['  New   York ', 'new york', 'NY', ' n.y.', 5, null, 'Boston'] }),
      {
        step: 'normalizeCategories',
        columns: ['City'],
        map: { NY: 'New York', 'N.Y.': 'New York', 'new york': 'New York' },
      },
    );
    expect(out.column('City')).toEqual(['New York', 'New York', 'New York', 'New York', 5, null, 'boston']);
    expect(report.changedCells).toEqual({ City: 5 });
  });

  test("case 'keep' without collapsing", () => {
    const { table: out } = run(table({ C: [' A  b '] }), {
      step: 'normalizeCategories',
      columns: ['C'],
      case: 'keep',
      collapseWhitespace: false,
    });
    expect(out.column('C')).toEqual(['A  b']);
  });

  test('synonyms that normalise alike but map apart are a config error', () => {
    const error = configError([
      { step: 'normalizeCategories', columns: ['C'], map: { ny: 'New York', NY: 'Nyon' } },
    ]);
    expect(error.key).toBe('steps[0].map.NY');
  });

  test('trim every text column, or some', () => {
    const t = table({ A: [' a', 'b '], B: [' c ', 1] });
    const all = run(t, { step: 'trim' });
    expect(all.table.column('A')).toEqual(['a', 'b']);
    expect(all.table.column('B')).toEqual(['c', 1]);
    expect(all.report.changedCells).toEqual({ A: 2, B: 1 });
    const some = run(t, { step: 'trim', columns: ['B'] });
    expect(some.table.column('A')).toEqual([' a', 'b ']);
    expect(some.report.changedCells).toEqual({ B: 1 });
  });
});

describe('filter actions', () => {
  const t = () => table({ Qty: [5, -1, 3, -2], Code: ['A', 'B', 'POST', 'C'] });

  test('drop', () => {
    const { table: out, report } = run(t(), {
      step: 'filter',
      rule: 'Qty < 0',
      action: 'drop',
      reason: 'return',
    });
    expect(out.column('Qty')).toEqual([5, 3]);
    expect(report.dropped).toEqual({ return: 2 });
  });

  test('keep only the matching rows; the others are dropped with the reason', () => {
    const { table: out, report } = run(t(), {
      step: 'filter',
      rule: 'Qty > 0',
      action: 'keep',
      reason: 'not a sale',
    });
    expect(out.column('Qty')).toEqual([5, 3]);
    expect(report.dropped).toEqual({ 'not a sale': 2 });
  });

  test('quarantine', () => {
    const {
      table: out,
      report,
      quarantine,
    } = run(t(), {
      step: 'filter',
      rule: 'Code == "POST"',
      action: 'quarantine',
      reason: 'postage',
    });
    expect(out.numRows).toBe(3);
    expect(report.quarantined).toBe(1);
    expect(quarantine.rows).toEqual([
      { source: 'data.csv', line: 4, step: 'filter', reason: 'postage', raw: { Qty: 3, Code: 'POST' } },
    ]);
  });

  test('flag, two filters sharing one flag column', () => {
    const quarantine = new Quarantine();
    const { table: out, reports } = clean(
      t(),
      [
        { step: 'filter', rule: 'Qty < 0', action: 'flag', reason: 'return' },
        { step: 'filter', rule: 'Code == "POST"', action: 'flag', reason: 'postage' },
      ],
      { quarantine },
    );
    expect(out.column('flagged')).toEqual([false, true, true, true]);
    expect(reports.map((r) => r.flagged)).toEqual([{ return: 2 }, { postage: 1 }]);
    expect(reports.map((r) => r.columns)).toEqual([{ added: ['flagged'] }, undefined]);
  });

  test('flagging into a column of data is an error', () => {
    expect(() =>
      run(t(), { step: 'filter', rule: 'Qty < 0', action: 'flag', reason: 'r', flagColumn: 'Code' }),
    ).toThrow("filter: column 'Code' already exists and holds 'A', not true/false flags");
  });
});

describe('column steps and dropMissing', () => {
  const t = () => table({ A: [1, null, 3, null], B: ['x', '', 'z', 'w'], C: [true, false, true, null] });

  test('dropColumns', () => {
    const { table: out, report } = run(t(), { step: 'dropColumns', columns: ['B'] });
    expect(out.columnNames).toEqual(['A', 'C']);
    expect(report.columns).toEqual({ removed: ['B'] });
    expect(() => run(t(), { step: 'dropColumns', columns: ['Z'] })).toThrow("column 'Z' is not in the table");
  });

  test('renameColumns keeps the order; a clash is an error', () => {
    const { table: out, report } = run(t(), { step: 'renameColumns', columns: { A: 'Alpha', C: 'Gamma' } });
    expect(out.columnNames).toEqual(['Alpha', 'B', 'Gamma']);
    expect(out.column('Alpha')).toEqual([1, null, 3, null]);
    expect(report.columns).toEqual({ renamed: { A: 'Alpha', C: 'Gamma' } });
    expect(() => run(t(), { step: 'renameColumns', columns: { A: 'B' } })).toThrow(
      "renameColumns: column 'B' already exists",
    );
  });

  test("dropMissing 'any' names the first missing column", () => {
    const { table: out, report } = run(t(), { step: 'dropMissing' });
    expect(lines(out)).toEqual([2, 4]);
    expect(report.dropped).toEqual({ 'missing A': 2 });
    const some = run(t(), { step: 'dropMissing', columns: ['B', 'C'] });
    expect(lines(some.table)).toEqual([2, 4]);
    expect(some.report.dropped).toEqual({ 'missing B': 1, 'missing C': 1 });
  });

  test("dropMissing 'all'", () => {
    const { table: out, report } = run(t(), { step: 'dropMissing', columns: ['A', 'B'], how: 'all' });
    expect(lines(out)).toEqual([2, 4, 5]);
    expect(report.dropped).toEqual({ 'missing all of A, B': 1 });
  });
});

describe('step declarations', () => {
  test.each([
    [
      [{ step: 'imput', columns: ['A'], strategy: 'mean' }],
      'steps[0].step',
      'unknown step "imput"; did you mean \'impute\'?',
    ],
    [
      [{ step: 'trim' }, { step: 'impute', columns: ['A'], stratgy: 'mean' }],
      'steps[1].stratgy',
      "did you mean 'strategy'?",
    ],
    [
      [{ step: 'impute', columns: ['A'], strategy: 'average' }],
      'steps[0].strategy',
      '"average" is not one of',
    ],
    [
      [{ step: 'impute', columns: ['A'], strategy: 'mean', value: 3 }],
      'steps[0].value',
      "only used with strategy 'constant'",
    ],
    [
      [{ step: 'impute', columns: ['A'], strategy: 'constant' }],
      'steps[0].value',
      'required by a impute step',
    ],
    [[{ step: 'impute', columns: 'A', strategy: 'mean' }], 'steps[0].columns', 'is not a list of strings'],
    [
      [{ step: 'impute', columns: ['A', 'A'], strategy: 'mean' }],
      'steps[0].columns',
      "lists column 'A' twice",
    ],
    [[{ step: 'outliers', columns: ['A'], method: 'iqr' }], 'steps[0].action', 'required'],
    [
      [{ step: 'outliers', columns: ['A'], method: 'iqr', action: 'clip', factor: -1 }],
      'steps[0].factor',
      'positive',
    ],
    [
      [{ step: 'filter', rule: 'A < 0', action: 'drop', reason: 'r', flagColumn: 'f' }],
      'steps[0].flagColumn',
      "action 'flag'",
    ],
    [[{ step: 'filter', rule: 'A < 0', action: 'remove', reason: 'r' }], 'steps[0].action', 'is not one of'],
    [[{ step: 'filter', rule: 'A <', action: 'drop', reason: 'r' }], 'steps[0].rule', 'at character 4'],
    [[{ step: 'filter', rule: 'A < 0', action: 'drop', reason: ' ' }], 'steps[0].reason', 'must say why'],
    [[{ step: 'dropDuplicates', kep: 'last' }], 'steps[0].kep', "did you mean 'keep'?"],
    [[{ step: 'dropMissing', how: 'some' }], 'steps[0].how', '"some" is not one of'],
    [
      [{ step: 'renameColumns', columns: { 'Customer ID': 1 } }],
      'steps[0].columns["Customer ID"]',
      'is not a string',
    ],
    [[{ columns: ['A'] }], 'steps[0].step', 'unknown step undefined'],
    [['trim'], 'steps[0]', 'expected a step such as { step: "trim" }, got string'],
    [{ step: 'trim' }, 'steps', 'is not a list of steps'],
  ])('%j → %s', (steps, key, message) => {
    const error = configError(steps);
    expect(error.key).toBe(key);
    expect(error.message).toContain(message);
  });

  test('defaults are filled in', () => {
    expect(
      validateCleaningSteps([
        { step: 'dropDuplicates' },
        { step: 'outliers', columns: ['A'], method: 'zscore', action: 'flag' },
        { step: 'normalizeCategories', columns: ['C'] },
      ]),
    ).toEqual([
      { step: 'dropDuplicates', keep: 'first', action: 'drop' },
      {
        step: 'outliers',
        columns: ['A'],
        method: 'zscore',
        factor: 3,
        action: 'flag',
        flagColumn: 'outlier',
      },
      { step: 'normalizeCategories', columns: ['C'], trim: true, case: 'lower', collapseWhitespace: true },
    ]);
  });
});

describe('cleaning plans', () => {
  const steps: CleaningStep[] = [
    { step: 'trim' },
    { step: 'coerce', columns: { Age: 'number', Joined: 'datetime', Plan: 'category' } },
    { step: 'impute', columns: ['Age'], strategy: 'median', addIndicator: true },
    { step: 'impute', columns: ['Joined', 'Plan'], strategy: 'mode' },
    { step: 'normalizeCategories', columns: ['Plan'], map: { pro: 'Pro', basic: 'Basic' } },
    { step: 'filter', rule: 'Age < 18', action: 'quarantine', reason: 'minor' },
    { step: 'outliers', columns: ['Age'], method: 'iqr', action: 'clip' },
    { step: 'dropDuplicates', action: 'flag' },
  ];
  const train = () =>
    table(
      {
        Age: ['30', '', '40 ', '35', '200', '16'],
        Joined: ['2020-01-01', '2020-01-01', '2021-06-30', '', '2020-01-01', '2022-02-02'],
        Plan: ['pro', ' PRO', 'basic', '', 'Basic', 'pro'],
      },
      'train.csv',
    );
  const test_ = () =>
    table(
      {
        Age: ['', '90', '10', '33'],
        Joined: ['', '2023-03-03', '2020-01-01', '2020-01-01'],
        Plan: ['', 'basic', 'pro', 'pro'],
      },
      'test.csv',
    );

  test('a fitted plan applies training statistics and accounts for every row', () => {
    const plan = fitCleaning(train(), steps);
    const quarantine = new Quarantine();
    const { table: out, reports } = plan.apply(test_(), { quarantine });
    // Train ages 30, 40, 35, 200, 16 have median 35. The outlier bounds are fitted after the
    // median fills the gap and the filter sets 16 aside: 30, 35, 35, 40, 200 → [27.5, 47.5].
    expect(plan.steps[6].state).toEqual({ bounds: { Age: { lower: 27.5, upper: 47.5 } } });
    expect(out.column('Age')).toEqual([35, 47.5, 33]);
    expect(out.column('Age_missing')).toEqual([true, false, false]);
    expect(out.column('Joined')).toEqual([
      new Date('2020-01-01T00:00:00Z'),
      new Date('2023-03-03T00:00:00Z'),
      new Date('2020-01-01T00:00:00Z'),
    ]);
    expect(out.column('Plan')).toEqual(['Pro', 'Basic', 'Pro']);
    expect(out.column('duplicate')).toEqual([false, false, false]);
    expect(quarantine.rows.map((r) => [r.source, r.line, r.step, r.reason])).toEqual([
      ['test.csv', 4, 'filter', 'minor'],
    ]);
    for (const report of reports) expect(accounted(report)).toBe(true);
    expect(reports.map((r) => r.step)).toEqual(steps.map((s) => s.step));
    expect(reports.map((r) => formatStepReport(r))).toContain('filter: 4 → 3 rows 1 quarantined');
  });

  test('toJSON / fromJSON round trip gives identical results', () => {
    const plan = fitCleaning(train(), steps);
    const json = JSON.parse(JSON.stringify(plan.toJSON()));
    expect(json.steps[3].state).toEqual({
      fills: { Joined: { $date: '2020-01-01T00:00:00.000Z' }, Plan: 'pro' },
    });
    const restored = CleaningPlan.fromJSON(json);
    expect(restored.toJSON()).toEqual(plan.toJSON());
    for (const data of [train(), test_()]) {
      const a = plan.apply(data);
      const b = restored.apply(data);
      expect(b.table.columnNames).toEqual(a.table.columnNames);
      for (const name of a.table.columnNames) expect(b.table.column(name)).toEqual(a.table.column(name));
      expect(b.reports).toEqual(a.reports);
      expect(b.quarantine.rows).toEqual(a.quarantine.rows);
    }
  });

  test('clean() is fit then apply on the same table', () => {
    const once = clean(train(), steps);
    const twice = fitCleaning(train(), steps).apply(train());
    expect(once.reports).toEqual(twice.reports);
    expect(once.table.column('Age')).toEqual(twice.table.column('Age'));
    // Fitting must not leak its scratch quarantine into the caller's.
    expect(once.quarantine.rows.map((r) => r.line)).toEqual([7]);
  });

  test('a saved plan that lost its state, or is not a plan, is rejected', () => {
    const json = JSON.parse(JSON.stringify(fitCleaning(train(), steps).toJSON()));
    delete json.steps[2].state;
    expect(() => CleaningPlan.fromJSON(json)).toThrow(/plan\.steps\[2\]\.state: not a cleaning plan/);
    expect(() => CleaningPlan.fromJSON({ format: 'other', version: 1, steps: [] })).toThrow(
      CleaningConfigError,
    );
    const misspelt = {
      format: 'deepline.cleaning',
      version: 1,
      steps: [{ config: { step: 'trim', colums: ['A'] } }],
    };
    expect(() => CleaningPlan.fromJSON(misspelt)).toThrow(
      "plan.steps[0].config.colums: unknown key in a trim step; did you mean 'columns'?",
    );
  });
});
