import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import {
  type CleaningStep,
  type CleaningStepReport,
  clean,
  fitCleaning,
} from '../../src/data/clean/index.js';
import { formatStepReport, Quarantine } from '../../src/data/report.js';
import { Table } from '../../src/data/table.js';

// A slice shaped like the UCI Online Retail data: cancellations (InvoiceNo 'C…'), a return without
// the prefix, missing CustomerID, exact duplicates (one hidden by a trailing space), a zero price,
// non-product codes, and one typo that makes a quantity unreadable.
const csvText = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527,United Kingdom
C536383,35004C,SET OF 3 COLOURED FLYING DUCKS,-1,12/1/2010 9:49,4.65,15311,United Kingdom
536414,22139,,56,12/1/2010 11:52,0,,United Kingdom
536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,12/1/2010 14:32,2.51,,United Kingdom
536370,POST,POSTAGE,3,12/1/2010 8:45,18,12583,France 
536540,C2,CARRIAGE,1,12/1/2010 14:05,50,14911,EIRE
536544,DOT,DOTCOM POSTAGE,1,12/1/2010 14:32,569.77,,United Kingdom
536592,21121,SET/10 RED POLKADOT PARTY CANDLES,1O,12/1/2010 17:06,2.46,,United Kingdom
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER ,6,12/1/2010 8:26,2.55,17850,United Kingdom
537000,22423,REGENCY CAKESTAND 3 TIER,-12,12/3/2010 10:00,10.95,16000,United Kingdom
536381,22719,GUMBALL MONOCHROME COAT RACK,1,12/1/2010 9:41,1.25,15311,United Kingdom
536381,M,Manual,1,12/1/2010 9:41,0.19,15311,United Kingdom
536520,BANK CHARGES,Bank Charges,1,12/1/2010 13:00,15,14729,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom
536367,22745,"POPPY'S PLAYHOUSE, BEDROOM",6,12/1/2010 8:34,2.10,13047,United Kingdom
`;

/** The rows as a CSV reader gives them: every value a string, each row's line in the file. */
function readRetail(): Table {
  const records = parse(csvText, { columns: true, trim: false }) as Record<string, string>[];
  return Table.fromRows(
    records,
    records.map((_, i) => ({ source: 'online_retail.csv', line: i + 2 })),
  );
}

const steps: CleaningStep[] = [
  { step: 'trim' },
  {
    step: 'coerce',
    columns: { Quantity: 'integer', UnitPrice: 'number', InvoiceDate: 'datetime', CustomerID: 'category' },
    dateFormats: ['MM/DD/YYYY HH:mm'],
    onError: 'quarantine',
  },
  { step: 'dropDuplicates' },
  { step: 'filter', rule: 'InvoiceNo startsWith "C"', action: 'drop', reason: 'cancelled invoice' },
  { step: 'filter', rule: 'Quantity < 0', action: 'drop', reason: 'return' },
  {
    step: 'filter',
    rule: 'StockCode in ["POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE"]',
    action: 'drop',
    reason: 'non-product code',
  },
  { step: 'filter', rule: 'UnitPrice == 0', action: 'drop', reason: 'zero price' },
  { step: 'filter', rule: 'CustomerID is missing', action: 'drop', reason: 'no customer' },
];

const summary = (r: CleaningStepReport) => [r.step, r.rowsIn, r.rowsOut, r.dropped, r.quarantined];

describe('Online Retail, cleaned by declared rules', () => {
  test('every step removes the expected rows, and every row is accounted for', () => {
    const quarantine = new Quarantine();
    const { table, reports } = clean(readRetail(), steps, { quarantine });

    expect(reports.map(summary)).toEqual([
      ['trim', 18, 18, {}, 0],
      ['coerce', 18, 17, {}, 1],
      ['dropDuplicates', 17, 15, { 'exact duplicate': 2 }, 0],
      ['filter', 15, 13, { 'cancelled invoice': 2 }, 0],
      ['filter', 13, 12, { return: 1 }, 0],
      ['filter', 12, 8, { 'non-product code': 4 }, 0],
      ['filter', 8, 7, { 'zero price': 1 }, 0],
      ['filter', 7, 6, { 'no customer': 1 }, 0],
    ]);
    for (const r of reports) {
      const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
      expect(r.rowsIn).toBe(r.rowsOut + dropped + r.quarantined);
    }
    expect(reports[0].changedCells).toEqual({ Description: 1, Country: 1 });
    expect(reports.map(formatStepReport).slice(2, 4)).toEqual([
      'dropDuplicates: 17 → 15 rows (−2 exact duplicate)',
      'filter: 15 → 13 rows (−2 cancelled invoice)',
    ]);

    expect(quarantine.rows).toEqual([
      {
        source: 'online_retail.csv',
        line: 12,
        step: 'coerce',
        reason: "column Quantity: '1O' is not an integer",
        raw: expect.objectContaining({ InvoiceNo: '536592', Quantity: '1O' }),
      },
    ]);

    expect(table.numRows).toBe(6);
    expect(table.origins.map((o) => o.line)).toEqual([2, 3, 10, 15, 18, 19]);
    expect(table.column('StockCode')).toEqual(['85123A', '71053', 'C2', '22719', '84879', '22745']);
    expect(table.column('Quantity')).toEqual([6, 6, 1, 1, 32, 6]);
    expect(table.column('UnitPrice')).toEqual([2.55, 3.39, 50, 1.25, 1.69, 2.1]);
    expect(table.column('InvoiceDate')[0]).toEqual(new Date(Date.UTC(2010, 11, 1, 8, 26)));
    expect(table.column('CustomerID')).toEqual(['17850', '17850', '14911', '15311', '13047', '13047']);
    expect(table.column('Description')[5]).toBe("POPPY'S PLAYHOUSE, BEDROOM");
  });

  test('the plan fitted on one month cleans the next with the same rules', () => {
    const plan = fitCleaning(readRetail(), steps);
    const nextMonth = Table.fromRows(
      [
        {
          InvoiceNo: '581587',
          StockCode: '22613',
          Description: 'PACK OF 20 SPACEBOY NAPKINS',
          Quantity: '12',
          InvoiceDate: '12/9/2011 12:50',
          UnitPrice: '0.85',
          CustomerID: '12680',
          Country: 'France',
        },
        {
          InvoiceNo: 'C581569',
          StockCode: '20979',
          Description: 'BLUE ROSE PATCH PURSE',
          Quantity: '-5',
          InvoiceDate: '12/9/2011 11:58',
          UnitPrice: '1.25',
          CustomerID: '17315',
          Country: 'United Kingdom',
        },
        {
          InvoiceNo: '581498',
          StockCode: 'DOT',
          Description: 'DOTCOM POSTAGE',
          Quantity: '1',
          InvoiceDate: '12/9/2011 10:26',
          UnitPrice: '1714.17',
          CustomerID: '',
          Country: 'United Kingdom',
        },
        {
          InvoiceNo: '581580',
          StockCode: '22906',
          Description: '12 MESSAGE CARDS',
          Quantity: '3',
          InvoiceDate: '13/9/2011 12:20',
          UnitPrice: '0.55',
          CustomerID: '12748',
          Country: 'United Kingdom',
        },
      ],
      [1, 2, 3, 4].map((i) => ({ source: 'online_retail_dec.csv', line: i + 1 })),
    );
    const { table, reports, quarantine } = plan.apply(nextMonth);
    expect(table.column('InvoiceNo')).toEqual(['581587']);
    expect(reports.flatMap((r) => Object.entries(r.dropped))).toEqual([
      ['cancelled invoice', 1],
      ['non-product code', 1],
    ]);
    expect(quarantine.rows.map((r) => [r.source, r.line, r.reason])).toEqual([
      [
        'online_retail_dec.csv',
        5,
        "column InvoiceDate: '13/9/2011 12:20' is not a date in format MM/DD/YYYY HH:mm",
      ],
    ]);
  });
});
