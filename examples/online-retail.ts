import {
  clean,
  formatAnomalies,
  formatProfile,
  formatStepReport,
  inferSchema,
  interactionTable,
  profileTable,
  Quarantine,
  readCsv,
  readCsvChunks,
  validate,
} from 'deepline';

// Half a million real invoice lines, from raw file to a customer × item table, every row counted.
const file = 'examples/data/online-retail/online_retail.csv.gz';

// Profile while streaming, as for a file larger than memory.
const profile = await profileTable(readCsvChunks(file));
console.log(formatProfile(profile));

// Validate the last three months against a schema learnt from the months before them.
const quarantine = new Quarantine();
const lines = await readCsv(file, { quarantine });
const months = lines.column('InvoiceDate');
const recent = lines.filter((i) => String(months[i]) >= '2011-09-01');
const earlier = lines.filter((i) => String(months[i]) < '2011-09-01');
const schema = inferSchema(await profileTable(earlier), { slack: 0.05 });
console.log(formatAnomalies(await validate(recent, schema)));

// Clean by declared rules: nothing is dropped without a reason.
const { table, reports } = clean(
  lines,
  [
    { step: 'coerce', columns: { Quantity: 'integer', UnitPrice: 'number', InvoiceDate: 'datetime' } },
    { step: 'filter', rule: 'InvoiceNo startsWith "C"', action: 'drop', reason: 'cancellation' },
    { step: 'filter', rule: 'Quantity < 0', action: 'drop', reason: 'return' },
    { step: 'filter', rule: 'CustomerID is missing', action: 'drop', reason: 'missing customer' },
    { step: 'dropDuplicates' },
    { step: 'filter', rule: 'UnitPrice <= 0', action: 'drop', reason: 'zero price' },
    {
      step: 'filter',
      rule: 'StockCode in ["POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "C2", "D", "S", "PADS", "B", "CRUK"]',
      action: 'drop',
      reason: 'non-product code',
    },
  ],
  { quarantine },
);
for (const report of reports) console.log(formatStepReport(report));

const { table: interactions } = interactionTable(table, {
  user: 'CustomerID',
  item: 'StockCode',
  weight: 'Quantity',
  time: 'InvoiceDate',
});
const customers = new Set(interactions.column('CustomerID')).size;
const items = new Set(interactions.column('StockCode')).size;
console.log(`quarantined: ${quarantine.size} rows`);
console.log(
  `interactions: ${interactions.numRows} customer × item pairs, ${customers} customers, ${items} items`,
);
