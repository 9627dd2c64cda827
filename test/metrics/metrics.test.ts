import { oneHot, randomUniform, ShapeError, slice, type Tensor, tensor, ValueError } from 'deepline';
import { describe, expect, test } from 'vitest';
import {
  AUC,
  BinaryAccuracy,
  CategoricalAccuracy,
  InferredAccuracy,
  MeanAbsoluteError,
  MeanSquaredError,
  type Metric,
  metric,
  metricMessages,
  Precision,
  Recall,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from '../../src/metrics/index.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../../src/nn/losses.js';
import { serialize } from '../../src/nn/serialize.js';

const ints = (values: number[], shape = [values.length]) => tensor(new Int32Array(values), { shape });
const BATCH = 12;

/** Random probabilities in a form each metric reads: labels, predictions and sample weights. */
function data(kind: 'binary' | 'categorical' | 'sparse' | 'regression', seed: number) {
  const weights = randomUniform([BATCH], { minval: 0.1, maxval: 3, seed: seed + 100 });
  if (kind === 'binary') {
    const yPred = randomUniform([BATCH, 2], { seed });
    const yTrue = tensor(
      Array.from(randomUniform([BATCH, 2], { seed: seed + 1 }).data(), (v) => (v < 0.5 ? 1 : 0)),
      {
        shape: [BATCH, 2],
      },
    );
    return { yTrue, yPred, weights };
  }
  if (kind === 'regression') {
    return {
      yTrue: randomUniform([BATCH, 3], { seed: seed + 1 }),
      yPred: randomUniform([BATCH, 3], { seed }),
      weights,
    };
  }
  const yPred = randomUniform([BATCH, 6], { seed });
  const classes = ints(Array.from({ length: BATCH }, (_, i) => (i * 7 + seed) % 6));
  return { yTrue: kind === 'sparse' ? classes : oneHot(classes, 6), yPred, weights };
}

const rowsOf = (t: Tensor, start: number, size: number) =>
  slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);

const cases: [string, () => Metric, 'binary' | 'categorical' | 'sparse' | 'regression'][] = [
  ['BinaryAccuracy', () => new BinaryAccuracy(), 'binary'],
  ['CategoricalAccuracy', () => new CategoricalAccuracy(), 'categorical'],
  ['SparseCategoricalAccuracy', () => new SparseCategoricalAccuracy(), 'sparse'],
  ['TopKCategoricalAccuracy', () => new TopKCategoricalAccuracy({ k: 2 }), 'categorical'],
  ['SparseTopKCategoricalAccuracy', () => new SparseTopKCategoricalAccuracy({ k: 3 }), 'sparse'],
  ['Precision', () => new Precision(), 'binary'],
  ['Recall', () => new Recall(), 'binary'],
  ['AUC', () => new AUC(), 'binary'],
  ['AUC (PR)', () => new AUC({ curve: 'PR' }), 'binary'],
  ['MeanAbsoluteError', () => new MeanAbsoluteError(), 'regression'],
  ['MeanSquaredError', () => new MeanSquaredError(), 'regression'],
  ['InferredAccuracy', () => new InferredAccuracy(), 'sparse'],
];

describe('every metric streams', () => {
  test.each(cases)('%s: several batches give what one batch gives, weighted or not', (_, make, kind) => {
    const { yTrue, yPred, weights } = data(kind, 3);
    for (const w of [undefined, weights]) {
      const whole = make();
      whole.update(yTrue, yPred, w);
      const streamed = make();
      for (const [start, size] of [
        [0, 5],
        [5, 1],
        [6, 6],
      ]) {
        streamed.update(rowsOf(yTrue, start, size), rowsOf(yPred, start, size), w && rowsOf(w, start, size));
      }
      expect(streamed.result()).toBeCloseTo(whole.result(), 10);
    }
  });

  test.each(cases)('%s: weights of 1 change nothing, a weight of 0 drops the sample', (_, make, kind) => {
    const { yTrue, yPred } = data(kind, 5);
    const plain = make();
    plain.update(yTrue, yPred);
    const ones = make();
    ones.update(yTrue, yPred, tensor(new Array(BATCH).fill(1)));
    expect(ones.result()).toBeCloseTo(plain.result(), 12);
    const kept = make();
    kept.update(rowsOf(yTrue, 0, 8), rowsOf(yPred, 0, 8));
    const dropped = make();
    dropped.update(yTrue, yPred, tensor([...new Array(8).fill(1), 0, 0, 0, 0]));
    expect(dropped.result()).toBeCloseTo(kept.result(), 10);
  });

  test.each(cases)('%s: reset forgets everything', (_, make, kind) => {
    const a = data(kind, 7);
    const b = data(kind, 9);
    const m = make();
    m.update(a.yTrue, a.yPred);
    m.reset();
    expect(m.result()).toBe(0);
    m.update(b.yTrue, b.yPred, b.weights);
    const fresh = make();
    fresh.update(b.yTrue, b.yPred, b.weights);
    expect(m.result()).toBeCloseTo(fresh.result(), 12);
  });

  test.each(cases)('%s: sample weights that do not fit the batch are refused', (_, make, kind) => {
    const { yTrue, yPred } = data(kind, 11);
    const m = make();
    expect(() => m.update(yTrue, yPred, tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => m.update(yTrue, yPred, tensor([1, 2, 3]))).toThrow(
      metricMessages.sampleWeight(m.name, [3], BATCH),
    );
  });
});

describe("metric(): Keras's names", () => {
  test.each([
    ['binary_accuracy', BinaryAccuracy],
    ['binaryAccuracy', BinaryAccuracy],
    ['categorical_accuracy', CategoricalAccuracy],
    ['categoricalAccuracy', CategoricalAccuracy],
    ['sparse_categorical_accuracy', SparseCategoricalAccuracy],
    ['sparseCategoricalAccuracy', SparseCategoricalAccuracy],
    ['top_k_categorical_accuracy', TopKCategoricalAccuracy],
    ['topKCategoricalAccuracy', TopKCategoricalAccuracy],
    ['sparse_top_k_categorical_accuracy', SparseTopKCategoricalAccuracy],
    ['sparseTopKCategoricalAccuracy', SparseTopKCategoricalAccuracy],
    ['precision', Precision],
    ['recall', Recall],
    ['auc', AUC],
    ['AUC', AUC],
    ['mae', MeanAbsoluteError],
    ['mean_absolute_error', MeanAbsoluteError],
    ['meanAbsoluteError', MeanAbsoluteError],
    ['mse', MeanSquaredError],
    ['mean_squared_error', MeanSquaredError],
    ['meanSquaredError', MeanSquaredError],
  ] as const)("metric('%s') builds the metric and logs it under that name, as Keras does", (id, cls) => {
    const m = metric(id);
    expect(m).toBeInstanceOf(cls);
    expect(m.name).toBe(id);
  });

  test('a Metric object is returned as is; a serialized one rebuilds with its options', () => {
    const auc = new AUC({ curve: 'PR', numThresholds: 50, name: 'pr_auc' });
    expect(metric(auc)).toBe(auc);
    const originals: Metric[] = [
      auc,
      new BinaryAccuracy({ threshold: 0.3 }),
      new Precision({ thresholds: 0.7, classId: 1 }),
      new SparseTopKCategoricalAccuracy({ k: 3, name: 'top3' }),
      new MeanSquaredError(),
      metric('accuracy', binaryCrossentropy()),
      metric('accuracy'),
    ];
    for (const original of originals) {
      const rebuilt = metric(JSON.parse(JSON.stringify(serialize(original))));
      expect(rebuilt.className).toBe(original.className);
      expect(rebuilt.name).toBe(original.name);
      expect(rebuilt.getConfig()).toEqual(original.getConfig());
    }
  });

  test('unknown names and options are errors that list what would work', () => {
    expect(() => metric('f1')).toThrow(
      /unknown metric 'f1'; expected one of: .*sparse_top_k_categorical_accuracy/,
    );
    expect(() => metric({ className: 'AUC', config: { numThreshold: 10 } })).toThrow(ValueError);
    expect(() => metric({ className: 'AUC', config: { numThreshold: 10 } })).toThrow(
      metricMessages.unknownOption(
        'AUC',
        ['numThreshold'],
        ['name', 'numThresholds', 'curve', 'summationMethod'],
      ),
    );
  });
});

describe("'accuracy' follows the loss, as in Keras", () => {
  test.each([
    ['binary cross-entropy', binaryCrossentropy(), BinaryAccuracy],
    ['binary cross-entropy from logits', binaryCrossentropy({ fromLogits: true }), BinaryAccuracy],
    ['sparse categorical cross-entropy', sparseCategoricalCrossentropy(), SparseCategoricalAccuracy],
    ['categorical cross-entropy', categoricalCrossentropy(), CategoricalAccuracy],
  ] as const)('%s', (_, loss, cls) => {
    for (const id of ['accuracy', 'acc']) {
      const m = metric(id, loss);
      expect(m).toBeInstanceOf(cls);
      expect(m.name).toBe(id);
    }
  });

  // With any other loss the shapes decide at the first batch: one output unit is binary; labels
  // with one dimension fewer, or a trailing 1 against several classes, are class indices.
  test.each([
    ['one unit: binary', tensor([[1], [0]]), tensor([[0.8], [0.7]]), BinaryAccuracy, 0.5],
    [
      'labels [batch] against [batch, 3]: sparse',
      ints([2, 0]),
      tensor([
        [0.1, 0.2, 0.7],
        [0.3, 0.6, 0.1],
      ]),
      SparseCategoricalAccuracy,
      0.5,
    ],
    [
      'labels [batch, 1] against [batch, 3]: sparse',
      tensor([[2], [1]]),
      tensor([
        [0.1, 0.2, 0.7],
        [0.3, 0.6, 0.1],
      ]),
      SparseCategoricalAccuracy,
      1,
    ],
    [
      'one-hot labels: categorical',
      tensor([
        [0, 0, 1],
        [1, 0, 0],
      ]),
      tensor([
        [0.1, 0.2, 0.7],
        [0.3, 0.6, 0.1],
      ]),
      CategoricalAccuracy,
      0.5,
    ],
  ] as const)('other losses, %s', (_, yTrue, yPred, cls, expected) => {
    for (const loss of [meanSquaredError(), huber(), undefined]) {
      const m = metric('accuracy', loss) as InferredAccuracy;
      expect(m).toBeInstanceOf(InferredAccuracy);
      expect(m.chosen).toBeNull();
      m.update(yTrue, yPred);
      expect(m.chosen).toBeInstanceOf(cls);
      expect(m.name).toBe('accuracy');
      expect(m.chosen?.name).toBe('accuracy');
      expect(m.result()).toBeCloseTo(expected, 6);
      m.reset();
      expect(m.result()).toBe(0);
      expect(m.chosen).toBeInstanceOf(cls);
    }
  });
});
