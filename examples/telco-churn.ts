import { clean, featurePipeline, formatStepReport, mean, readCsv, type Tensor } from 'deepline';

// IBM's Telco churn table to a model-ready matrix. Its 11 blank TotalCharges belong to
// customers in their first month (tenure 0), who have not been charged yet: a rule says so.
const table = await readCsv('examples/data/telco-churn/Telco-Customer-Churn.csv');

const { table: cleaned, reports } = clean(table, [
  {
    step: 'coerce',
    columns: {
      tenure: 'integer',
      MonthlyCharges: 'number',
      TotalCharges: 'number',
      SeniorCitizen: 'integer',
    },
    missing: { TotalCharges: [' '] },
  },
  { step: 'impute', columns: ['TotalCharges'], strategy: 'constant', value: 0 },
  { step: 'dropColumns', columns: ['customerID'] },
]);
for (const report of reports) console.log(formatStepReport(report));

const features = featurePipeline({ columns: 'auto', label: { column: 'Churn', kind: 'binary' } }).fit(
  cleaned,
);
const { x, y } = features.transform(cleaned);
const matrix = x as Tensor;
console.log(`features: ${features.featureNames.length} (${features.featureNames.slice(0, 6).join(', ')}, …)`);
console.log(
  `x: [${matrix.shape.join(', ')}], y: [${y!.shape.join(', ')}], churn rate ${mean(y!).item().toFixed(3)}`,
);
