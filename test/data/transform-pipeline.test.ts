import { describe, expect, test } from 'vitest';
import { Table } from '../../src/data/table.js';
import {
  autoColumns,
  DENSE_INPUT,
  type FeatureSpec,
  type Features,
  FittedFeatures,
  featurePipeline,
  inferColumnType,
  TransformError,
} from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Telco-like rows as a CSV reader gives them: every cell a string, empty where missing.
const TRAIN = new Table(
  {
    customerID: ['7590-VHVEG', '5575-GNVDE', '3668-QPYBK', '7795-CFOCW', '9237-HQITU', '9305-CDSKC'],
    tenure: ['1', '34', '2', '45', '', '8'],
    MonthlyCharges: ['29.85', '56.95', '53.85', '42.30', '70.70', '99.65'],
    Contract: ['Month-to-month', 'One year', 'Month-to-month', 'One year', 'Month-to-month', 'Two year'],
    PaymentMethod: [
      'Electronic check',
      'Mailed check',
      'Mailed check',
      'Bank transfer',
      'Electronic check',
      'Card',
    ],
    Signed: [
      '2024-01-05',
      '2023-11-20 14:00',
      '3/2/2024 9:15',
      '2022-07-30T08:00:00Z',
      '2024-02-29',
      '2021-12-31',
    ],
    Review: [
      'Great service &amp; price',
      'slow support',
      'great great',
      'ok',
      'too slow!',
      'fine &#39;ok&#39;',
    ],
    Churn: ['No', 'No', 'Yes', 'No', 'Yes', 'Yes'],
  },
  Array.from({ length: 6 }, (_, i) => ({ source: 'train.csv', line: i + 2 })),
);

// Unseen categories, unseen words, a missing number and a missing review.
const TEST = new Table({
  customerID: ['1111-AAAAA', '2222-BBBBB', '3333-CCCCC'],
  tenure: ['60', '', '3'],
  MonthlyCharges: ['120.5', '20', '55'],
  Contract: ['Two year', 'Three year', 'Month-to-month'],
  PaymentMethod: ['Crypto', 'Mailed check', 'Card'],
  Signed: ['2025-06-30 23:45', '1/1/2020 0:00', '2024-03-15T12:00:00+05:00'],
  Review: ['GREAT &lt;3 but slow', null, 'terrible &amp; slow slow'],
  Churn: ['Yes', 'No', 'No'],
});

const EVERY_KIND: FeatureSpec = {
  columns: {
    customerID: { kind: 'drop', reason: 'identifier' },
    tenure: [
      { kind: 'standard', fill: 'median', indicator: true },
      { kind: 'bin', bins: 3, fill: 'median', name: 'tenureBand' },
      { kind: 'log', fill: 'mean', name: 'tenureLog' },
    ],
    MonthlyCharges: [
      { kind: 'minMax' },
      { kind: 'robust', name: 'chargesRobust' },
      { kind: 'number', name: 'raw' },
    ],
    Contract: [
      { kind: 'oneHot' },
      { kind: 'ordinal', name: 'contractOrder' },
      { kind: 'index', name: 'contractId' },
    ],
    PaymentMethod: { kind: 'hash', numBins: 8 },
    Signed: { kind: 'date' },
    Review: [
      { kind: 'text', output: 'tfidf' },
      { kind: 'text', output: 'int', sequenceLength: 5, name: 'reviewIds' },
      { kind: 'text', output: 'multiHot', ngrams: 2, name: 'reviewWords' },
      { kind: 'text', output: 'count', split: 'character', ngrams: [3], name: 'reviewChars' },
    ],
  },
  label: { column: 'Churn', kind: 'binary' },
};

const inputs = (features: Features): Record<string, Tensor> => features.x as Record<string, Tensor>;

const roundTrip = (fitted: FittedFeatures): FittedFeatures =>
  FittedFeatures.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));

describe('featurePipeline', () => {
  const fitted = featurePipeline(EVERY_KIND).fit(TRAIN);

  test('dense features first, then one int32 input per sequence or index column', () => {
    expect(fitted.inputNames).toEqual([DENSE_INPUT, 'contractId', 'reviewIds']);
    expect(fitted.dropped).toEqual({ customerID: 'identifier' });
    const out = fitted.transform(TEST);
    const { features, contractId, reviewIds } = inputs(out);
    expect(features.dtype).toBe('float32');
    expect(features.shape).toEqual([3, fitted.featureNames.length]);
    expect(contractId.dtype).toBe('int32');
    expect(reviewIds.shape).toEqual([3, 5]);
    expect(fitted.outputShapes).toEqual({
      x: { features: [fitted.featureNames.length], contractId: [1], reviewIds: [5] },
      y: [1],
    });
    expect(fitted.inputDims.contractId).toBe(4);
    expect(out.y!.toArray()).toEqual([[1], [0], [0]]);
    expect(fitted.featureNames.slice(0, 3)).toEqual(['tenure', 'tenure_missing', 'tenureBand_bin0']);
  });

  test('applies training statistics to test data', () => {
    const { features } = inputs(fitted.transform(TEST));
    const names = fitted.featureNames;
    const row = (i: number) => (features.toArray() as number[][])[i];
    // MonthlyCharges on train: min 29.85, max 99.65.
    expect(row(0)[names.indexOf('MonthlyCharges')]).toBeCloseTo((120.5 - 29.85) / (99.65 - 29.85), 5);
    expect(row(1)[names.indexOf('raw')]).toBe(20);
    // The missing tenure becomes the training median of 1, 2, 8, 34, 45 (8), scaled with mean 18, std √326.
    expect(row(1)[names.indexOf('tenure')]).toBeCloseTo((8 - 18) / Math.sqrt(326), 5);
    expect(row(1)[names.indexOf('tenureLog_log')]).toBeCloseTo(Math.log1p((1 + 34 + 2 + 45 + 8) / 5), 5);
    expect(row(1)[names.indexOf('tenure_missing')]).toBe(1);
    expect(row(1)[names.indexOf('Contract=<unknown>')]).toBe(1);
  });

  test('toJSON → JSON text → fromJSON gives the same outputs, for the table and for each record', () => {
    const restored = roundTrip(fitted);
    expect(restored.toJSON()).toEqual(fitted.toJSON());
    expect(restored.featureNames).toEqual(fitted.featureNames);
    const table = fitted.transform(TEST);
    const again = restored.transform(TEST);
    for (const name of fitted.inputNames) {
      expect(Array.from(inputs(again)[name].values)).toEqual(Array.from(inputs(table)[name].values));
    }
    TEST.origins.forEach((_, i) => {
      const one = restored.transformRecord(TEST.row(i));
      for (const name of fitted.inputNames) {
        expect(inputs(one)[name].shape[0]).toBe(1);
        expect((inputs(one)[name].toArray() as number[][])[0]).toEqual(
          (inputs(table)[name].toArray() as number[][])[i],
        );
      }
      expect((one.y!.toArray() as number[][])[0]).toEqual((table.y!.toArray() as number[][])[i]);
    });
  });

  test('a record with JSON types gives what its CSV strings give; without the label it has no y', () => {
    const csv = fitted.transformRecord(TEST.row(2));
    const { Churn: _, ...rest } = TEST.row(2);
    const json = fitted.transformRecord({
      ...rest,
      tenure: 3,
      MonthlyCharges: 55,
      Signed: new Date('2024-03-15T07:00:00Z'),
    });
    expect(json.y).toBeUndefined();
    for (const name of fitted.inputNames) {
      expect(Array.from(inputs(json)[name].values)).toEqual(Array.from(inputs(csv)[name].values));
    }
  });

  test('a wrong type at apply names the column, the value and the row', () => {
    const bad = TEST.withColumn('MonthlyCharges', ['1', 'twenty', '3']);
    expect(() => fitted.transform(bad)).toThrow(
      /column 'MonthlyCharges' \(minMax\): value "twenty" is not a number.*row at <memory>:2/,
    );
    expect(() => fitted.transformRecord({ ...TEST.row(0), Signed: 'yesterday' })).toThrow(TransformError);
  });

  test('a table without a needed column is an error listing the columns', () => {
    expect(() => fitted.transform(TEST.drop(['Contract']))).toThrow(
      /the table has no column 'Contract'; columns are/,
    );
  });
});

describe('labels', () => {
  const table = new Table({ x: ['1', '2', '3', '4'], y: ['cat', 'dog', 'ant', 'dog'] });

  test('index: classes in code-unit order, int32 [n], and back again', () => {
    const fitted = featurePipeline({
      columns: { x: { kind: 'number' } },
      label: { column: 'y', kind: 'index' },
    }).fit(table);
    const { y } = fitted.transform(table);
    expect(y!.dtype).toBe('int32');
    expect(y!.toArray()).toEqual([1, 2, 0, 2]);
    expect(fitted.outputShapes.y).toEqual([]);
    expect([0, 1, 2].map((i) => fitted.inverseLabel(i))).toEqual(['ant', 'cat', 'dog']);
    expect(roundTrip(fitted).inverseLabel(2)).toBe('dog');
  });

  test('numeric classes sort as numbers, and inverseLabel gives the value as first seen', () => {
    const digits = new Table({ x: [1, 2, 3], y: [10, 2, 1] });
    const fitted = featurePipeline({
      columns: { x: { kind: 'number' } },
      label: { column: 'y', kind: 'index' },
    }).fit(digits);
    expect(fitted.transform(digits).y!.toArray()).toEqual([2, 1, 0]);
    expect(fitted.inverseLabel(2)).toBe(10);
    expect(fitted.transformRecord({ x: 1, y: '10' }).y!.toArray()).toEqual([2]);
  });

  test('binary: the second class is positive unless one is named', () => {
    const churn = new Table({ x: [1, 2, 3], Churn: ['Yes', 'No', 'No'] });
    const spec = (positive?: string): FeatureSpec => ({
      columns: { x: { kind: 'number' } },
      label: { column: 'Churn', kind: 'binary', ...(positive ? { positive } : {}) },
    });
    const byDefault = featurePipeline(spec()).fit(churn);
    expect(byDefault.transform(churn).y!.toArray()).toEqual([[1], [0], [0]]);
    expect(byDefault.inverseLabel(1)).toBe('Yes');
    const named = featurePipeline(spec('No')).fit(churn);
    expect(named.transform(churn).y!.toArray()).toEqual([[0], [1], [1]]);
    expect(roundTrip(named).transform(churn).y!.toArray()).toEqual([[0], [1], [1]]);
  });

  test('number: float32 [n, 1]; a column name alone infers the kind', () => {
    const prices = new Table({ x: [1, 2, 3], price: ['1.5', '2.25', '3'] });
    const fitted = featurePipeline({ columns: { x: { kind: 'number' } }, label: 'price' }).fit(prices);
    expect(fitted.label!.kind).toBe('number');
    expect(fitted.transform(prices).y!.toArray()).toEqual([[1.5], [2.25], [3]]);
    expect(() => fitted.inverseLabel(0)).toThrow(/label 'price' is a number \(regression\)/);
    expect(featurePipeline({ columns: { x: { kind: 'number' } }, label: 'y' }).fit(table).label!.kind).toBe(
      'index',
    );
  });

  test('unseen, missing or impossible labels are errors naming the label', () => {
    const fitted = featurePipeline({
      columns: { x: { kind: 'number' } },
      label: { column: 'y', kind: 'index' },
    }).fit(table);
    expect(() => fitted.transformRecord({ x: 1, y: 'emu' })).toThrow(
      /label 'y': value "emu" was not seen in training; classes are "ant", "cat", "dog"/,
    );
    expect(() => fitted.transformRecord({ x: 1, y: null })).toThrow(/label 'y': a value is missing/);
    expect(() => fitted.inverseLabel(3)).toThrow(
      /3 is not a class index of label 'y' \(expected an integer in 0..2\)/,
    );
    expect(() =>
      featurePipeline({ columns: { x: { kind: 'number' } }, label: { column: 'y', kind: 'binary' } }).fit(
        table,
      ),
    ).toThrow(/label 'y' \(binary\): expected exactly two classes in training, found 3/);
    expect(() =>
      featurePipeline({ columns: { x: { kind: 'number' } } })
        .fit(table)
        .inverseLabel(0),
    ).toThrow(/fitted without a label/);
  });
});

describe('fromJSON validation', () => {
  const fitted = featurePipeline({
    columns: { tenure: { kind: 'standard', fill: 'mean' }, Contract: { kind: 'oneHot' } },
    label: { column: 'Churn', kind: 'binary' },
  }).fit(TRAIN);
  const saved = () => JSON.parse(JSON.stringify(fitted.toJSON()));

  test('an unknown kind names the column and the kinds there are', () => {
    const json = saved();
    json.columns[0].spec.kind = 'zscore';
    expect(() => FittedFeatures.fromJSON(json)).toThrow(
      /FittedFeatures.fromJSON: column 'tenure' spec: kind is "zscore", expected one of 'standard', 'minMax'/,
    );
  });

  test('an unknown version or format is refused', () => {
    expect(() => FittedFeatures.fromJSON({ ...saved(), version: 2 })).toThrow(
      /FittedFeatures.fromJSON: version 2 is not supported; this Deepline reads version 1/,
    );
    expect(() => FittedFeatures.fromJSON({ ...saved(), format: 'keras' })).toThrow(/format is "keras"/);
    expect(() => FittedFeatures.fromJSON('{}')).toThrow(/FittedFeatures.fromJSON: expected an object/);
  });

  test('missing, mistyped or unknown keys name the column and the key', () => {
    const missing = saved();
    delete missing.columns[0].state.mean;
    expect(() => FittedFeatures.fromJSON(missing)).toThrow(
      /column 'tenure' state: mean is missing, expected a finite number/,
    );
    const mistyped = saved();
    mistyped.columns[1].state.vocabulary = 'Month-to-month';
    expect(() => FittedFeatures.fromJSON(mistyped)).toThrow(
      /column 'Contract' state: vocabulary is "Month-to-month"/,
    );
    const extra = saved();
    extra.columns[0].spec.fil = 'mean';
    expect(() => FittedFeatures.fromJSON(extra)).toThrow(/column 'tenure' spec: unknown key 'fil'/);
    const label = saved();
    label.label.kind = 'multi';
    expect(() => FittedFeatures.fromJSON(label)).toThrow(/fromJSON: label: kind is "multi"/);
  });
});

describe('spec errors', () => {
  test('name the column and the key', () => {
    expect(() => featurePipeline({ columns: { Age: { kind: 'standard', fill: 'avg' } as never } })).toThrow(
      /featurePipeline: column 'Age': fill is "avg", expected one of 'mean', 'median', 'constant'/,
    );
    expect(() => featurePipeline({ columns: { Age: { kind: 'scale' } as never } })).toThrow(
      /featurePipeline: column 'Age': kind is "scale", expected one of/,
    );
    expect(() =>
      featurePipeline({ columns: { Age: [{ kind: 'standard' }, { kind: 'number', fil: 1 } as never] } }),
    ).toThrow(
      /column 'Age' \[1\]: unknown key 'fil'; known keys are 'kind', 'name', 'fill', 'fillValue', 'indicator'/,
    );
    expect(() =>
      featurePipeline({
        columns: { x: { kind: 'number' } },
        label: { column: 'y', kind: 'index', positive: 'a' },
      }),
    ).toThrow(/featurePipeline: label: positive is "a", expected to come with kind: 'binary'/);
    expect(() => featurePipeline({ columns: { x: { kind: 'number' } }, types: { x: 'number' } })).toThrow(
      /featurePipeline: types is .*, expected to come with columns: 'auto'/,
    );
    expect(() => featurePipeline({ columns: 'auto', types: { x: 'float' as never } })).toThrow(
      /featurePipeline: types: x is "float", expected one of 'number'/,
    );
    expect(() => featurePipeline({ colums: {} } as never)).toThrow(
      /featurePipeline: columns: expected an object/,
    );
  });

  test('the label cannot also be a feature', () => {
    expect(() => featurePipeline({ columns: { y: { kind: 'oneHot' } }, label: 'y' })).toThrow(
      /column 'y' is the label and cannot also be a feature column/,
    );
  });

  test('a column missing at fit is named', () => {
    expect(() => featurePipeline({ columns: { Age: { kind: 'standard' } } }).fit(TRAIN)).toThrow(
      /the table has no column 'Age'; columns are: customerID, tenure/,
    );
  });

  test('two transforms making the same feature or input name must be told apart with name', () => {
    const twice = { columns: { MonthlyCharges: [{ kind: 'standard' }, { kind: 'minMax' }] } } as const;
    expect(() => featurePipeline(twice).fit(TRAIN)).toThrow(
      /columns 'MonthlyCharges', 'MonthlyCharges' both produce the feature or input 'MonthlyCharges'; give one of them a different name/,
    );
    const clash = {
      columns: { tenure: { kind: 'number', fill: 'mean' }, Contract: { kind: 'index', name: 'features' } },
    } as const;
    expect(() => featurePipeline(clash).fit(TRAIN)).toThrow(/produce the feature or input 'features'/);
    const named = {
      columns: { MonthlyCharges: [{ kind: 'standard' }, { kind: 'minMax', name: 'scaled' }] },
    } as const;
    expect(featurePipeline(named).fit(TRAIN).featureNames).toEqual(['MonthlyCharges', 'scaled']);
  });
});

describe('auto', () => {
  const MIXED = new Table({
    id: ['1', '2', '3', '4', '5', '6'],
    customerID: ['A-1', 'B-2', 'C-3', 'D-4', 'E-5', 'F-6'],
    country: ['FR', 'FR', 'DE', 'UK', 'DE', 'FR'],
    amount: ['10.5', '', '7', '3.25', '8', '1'],
    joined: ['2024-01-05', '2023-03-01 10:00', '2022-12-24', '2024-06-30', '2021-01-01', '2020-02-29'],
    comment: [
      'arrived late and broken',
      'works well so far',
      'would buy this again',
      'not what I expected',
      'great value for money',
      'the box was damaged',
    ],
    gift: ['true', 'false', 'false', 'true', 'false', 'false'],
    source: ['web', 'web', 'web', 'web', 'web', 'web'],
    churned: ['yes', 'no', 'no', 'yes', 'no', 'no'],
  });

  test('types columns by simple rules and leaves identifiers and constants out', () => {
    expect(autoColumns(MIXED, { label: 'churned' })).toEqual({
      id: { kind: 'drop', reason: 'an id: named so, every value distinct' },
      customerID: { kind: 'drop', reason: 'an id: named so, every value distinct' },
      country: { kind: 'oneHot' },
      amount: { kind: 'standard', fill: 'mean', indicator: true },
      joined: { kind: 'date' },
      comment: { kind: 'text', output: 'tfidf', maxTokens: 5000 },
      gift: { kind: 'oneHot' },
      source: { kind: 'drop', reason: 'ignored: constant: every value is web' },
    });
  });

  test('fits end to end, and given types override inference', () => {
    const fitted = featurePipeline({ columns: 'auto', label: 'churned' }).fit(MIXED);
    expect(fitted.label!.kind).toBe('binary');
    expect(Object.keys(fitted.dropped)).toEqual(['id', 'customerID', 'source']);
    expect(fitted.transforms.map((t) => t.kind)).toEqual(['oneHot', 'standard', 'date', 'text', 'oneHot']);
    const { x, y } = fitted.transform(MIXED);
    expect((x as Tensor).shape).toEqual([6, fitted.featureNames.length]);
    expect(y!.shape).toEqual([6, 1]);
    const typed = featurePipeline({ columns: 'auto', types: { amount: 'category', comment: 'ignore' } }).fit(
      MIXED,
    );
    expect(typed.transforms.find((t) => t.column === 'amount')!.kind).toBe('oneHot');
    expect(typed.dropped.comment).toBe('ignored: given');
    expect(featurePipeline('auto').fit(MIXED).transform(MIXED).y).toBeUndefined();
    // The profiler's spellings are accepted.
    const profiled = featurePipeline({
      columns: 'auto',
      types: { amount: 'integer', joined: 'datetime' },
    }).fit(MIXED);
    expect(
      profiled.transforms.filter((t) => t.column === 'amount' || t.column === 'joined').map((t) => t.kind),
    ).toEqual(['standard', 'date']);
  });

  test('inferColumnType', () => {
    expect(inferColumnType('x', [null, '', null]).type).toBe('ignore');
    expect(inferColumnType('paid', [1, 2, 3]).type).toBe('number');
    expect(inferColumnType('user_id', [1, 2, 3]).type).toBe('identifier');
    expect(inferColumnType('when', [new Date(0), '2024-01-01']).type).toBe('date');
    expect(inferColumnType('flag', [true, 'False']).type).toBe('boolean');
    const payment = Array.from(
      { length: 40 },
      (_, i) => ['Bank transfer (automatic)', 'Credit card (automatic)'][i % 2],
    );
    expect(inferColumnType('PaymentMethod', payment).type).toBe('category');
    const codes = Array.from({ length: 30 }, (_, i) => `code${i}`);
    expect(inferColumnType('code', codes).type).toBe('identifier');
    expect(inferColumnType('city', [...codes, ...codes]).type).toBe('category');
  });
});
