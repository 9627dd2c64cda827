import {
  grad,
  oneHot,
  randomNormal,
  randomUniform,
  reshape,
  ShapeError,
  sigmoid,
  softmax,
  sum,
  type Tensor,
  tensor,
  ValueError,
} from 'deepline';
import { describe, expect, test } from 'vitest';
import type { Loss } from '../../src/nn/loss.js';
import {
  BinaryCrossentropy,
  binaryCrossentropy,
  CategoricalCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  Huber,
  huber,
  loss,
  lossMessages,
  MeanAbsoluteError,
  MeanSquaredError,
  meanAbsoluteError,
  meanSquaredError,
  SparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from '../../src/nn/losses.js';
import { serialize } from '../../src/nn/serialize.js';
import { checkGradients } from '../helpers/gradcheck.js';

const ints = (values: number[], shape = [values.length]) => tensor(new Int32Array(values), { shape });
const values = (t: Tensor) => Array.from(t.data());
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function expectClose(actual: Tensor | number[], expected: number[], digits = 5): void {
  const got = Array.isArray(actual) ? actual : values(actual);
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i], digits);
  });
}

/** Rows of a [batch, n] tensor as float64 arrays, for references computed in plain JS. */
function rows(t: Tensor): number[][] {
  const n = t.shape[1];
  const v = values(t);
  return Array.from({ length: t.shape[0] }, (_, i) => v.slice(i * n, (i + 1) * n));
}

// The clip bounds as float32 holds them: 1 − 1e-7 rounds to 1 − 1.19e-7, so a confident wrong
// answer costs −log(1.19e-7) ≈ 15.94 on the upper side and −log(1e-7) ≈ 16.12 on the lower (Keras too).
const LOW = Math.fround(EPSILON);
const HIGH = Math.fround(1 - EPSILON);
const clipP = (p: number) => Math.min(Math.max(p, LOW), HIGH);

describe('per-sample values against Keras and float64 references', () => {
  // The values Keras's documentation gives for these inputs.
  test("Keras's documented examples", () => {
    const yTrue = tensor([
      [0, 1],
      [0, 0],
    ]);
    expect(
      mean(
        values(
          meanSquaredError().call(
            yTrue,
            tensor([
              [1, 1],
              [1, 0],
            ]),
          ),
        ),
      ),
    ).toBeCloseTo(0.5, 6);
    expect(
      mean(
        values(
          meanAbsoluteError().call(
            yTrue,
            tensor([
              [1, 1],
              [1, 0],
            ]),
          ),
        ),
      ),
    ).toBeCloseTo(0.5, 6);
    expect(
      mean(
        values(
          huber().call(
            yTrue,
            tensor([
              [0.6, 0.4],
              [0.4, 0.6],
            ]),
          ),
        ),
      ),
    ).toBeCloseTo(0.155, 6);
    const bce = binaryCrossentropy({ fromLogits: true });
    expect(mean(values(bce.call(tensor([0, 1, 0, 0]), tensor([-18.6, 0.51, 2.94, -12.8]))))).toBeCloseTo(
      0.865,
      3,
    );
    const probs = tensor([
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ]);
    const onehot = tensor([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(mean(values(categoricalCrossentropy().call(onehot, probs)))).toBeCloseTo(1.177, 3);
    expect(mean(values(sparseCategoricalCrossentropy().call(ints([1, 2]), probs)))).toBeCloseTo(1.177, 3);
  });

  test('regression losses average over every non-batch axis', () => {
    const yTrue = randomNormal([4, 3, 2], { seed: 1 });
    const yPred = randomNormal([4, 3, 2], { seed: 2 });
    const t = values(yTrue);
    const p = values(yPred);
    const perSample = (f: (e: number) => number) =>
      [0, 1, 2, 3].map((i) => mean(t.slice(i * 6, i * 6 + 6).map((v, j) => f(p[i * 6 + j] - v))));
    const mse = meanSquaredError().call(yTrue, yPred);
    expect(mse.shape).toEqual([4]);
    expectClose(
      mse,
      perSample((e) => e * e),
    );
    expectClose(meanAbsoluteError().call(yTrue, yPred), perSample(Math.abs));
    const delta = 0.7;
    const huberRef = (e: number) =>
      Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
    expectClose(huber({ delta }).call(yTrue, yPred), perSample(huberRef));
  });

  test('Huber is quadratic inside delta and linear outside', () => {
    const h = huber({ delta: 2 });
    // Errors 1 (0.5·1²), 3 (2·3 − 0.5·4) and −5 (2·5 − 2), one per sample.
    expectClose(h.call(tensor([0, 0, 0]), tensor([1, 3, -5])), [0.5, 4, 8]);
  });

  test('binary cross-entropy from probabilities, clipped as Keras clips', () => {
    const yTrue = tensor([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    const yPred = tensor([
      [0.9, 0.2, 0.4],
      [0, 1, 1],
    ]);
    const reference = rows(yTrue).map((z, i) =>
      mean(
        z.map(
          (zj, j) =>
            -(zj * Math.log(clipP(rows(yPred)[i][j])) + (1 - zj) * Math.log(1 - clipP(rows(yPred)[i][j]))),
        ),
      ),
    );
    expectClose(binaryCrossentropy().call(yTrue, yPred), reference, 4);
    // The confidently wrong middle output of the second sample costs −log(1 − HIGH), not Infinity.
    expect(reference[1]).toBeCloseTo(-Math.log(1 - HIGH) / 3, 3);
  });

  test('categorical cross-entropy from probabilities rescales rows to sum to 1, as Keras does', () => {
    const yTrue = tensor([[0, 1, 0]]);
    const l = categoricalCrossentropy();
    expectClose(l.call(yTrue, tensor([[0.2, 0.6, 0.2]])), [-Math.log(0.6)]);
    expectClose(l.call(yTrue, tensor([[0.4, 1.2, 0.4]])), [-Math.log(0.6)]);
  });

  test('sequence outputs: cross-entropies average over the positions of each sample', () => {
    const logits = randomNormal([2, 3, 4], { seed: 3 });
    const labels = ints([0, 3, 1, 2, 2, 0], [2, 3]);
    const flat = sparseCategoricalCrossentropy({ fromLogits: true }).call(
      ints([0, 3, 1, 2, 2, 0]),
      reshape(logits, [6, 4]),
    );
    const perPosition = values(flat);
    expectClose(sparseCategoricalCrossentropy({ fromLogits: true }).call(labels, logits), [
      mean(perPosition.slice(0, 3)),
      mean(perPosition.slice(3)),
    ]);
  });
});

describe('logits and probabilities agree', () => {
  const logits = randomNormal([5, 4], { seed: 4, stddev: 3 });
  const labels = ints([0, 3, 1, 2, 3]);
  const onehot = oneHot(labels, 4);

  test('categorical and sparse categorical', () => {
    const fromLogits = values(categoricalCrossentropy({ fromLogits: true }).call(onehot, logits));
    expectClose(categoricalCrossentropy().call(onehot, softmax(logits)), fromLogits, 4);
    expectClose(sparseCategoricalCrossentropy({ fromLogits: true }).call(labels, logits), fromLogits, 5);
    expectClose(sparseCategoricalCrossentropy().call(labels, softmax(logits)), fromLogits, 4);
    // And both against log-softmax written out in float64.
    const reference = rows(logits).map((row, i) => {
      const peak = Math.max(...row);
      const lse = peak + Math.log(row.reduce((a, v) => a + Math.exp(v - peak), 0));
      return lse - row[values(labels)[i]];
    });
    expectClose(fromLogits, reference, 5);
  });

  test('binary', () => {
    const yTrue = tensor([[1], [0], [1], [0], [1]]);
    const x = randomNormal([5, 1], { seed: 5 });
    const fromLogits = values(binaryCrossentropy({ fromLogits: true }).call(yTrue, x));
    expectClose(binaryCrossentropy().call(yTrue, sigmoid(x)), fromLogits, 4);
    const reference = values(x).map((v, i) => Math.log1p(Math.exp(v)) - v * values(yTrue)[i]);
    expectClose(fromLogits, reference, 5);
  });

  test('withLogits gives the same loss taking logits, and logitsOf names the activation it absorbs', () => {
    const cce = categoricalCrossentropy({ labelSmoothing: 0.1 });
    const cceLogits = cce.withLogits();
    expect(cceLogits).toBeInstanceOf(CategoricalCrossentropy);
    expect(cceLogits.fromLogits).toBe(true);
    expect(cceLogits.getConfig()).toEqual({ fromLogits: true, labelSmoothing: 0.1 });
    expectClose(cceLogits.call(onehot, logits), values(cce.call(onehot, softmax(logits))), 4);
    expect(cce.logitsOf).toBe('softmax');
    expect(sparseCategoricalCrossentropy().logitsOf).toBe('softmax');
    expect(sparseCategoricalCrossentropy().withLogits().fromLogits).toBe(true);
    expect(binaryCrossentropy().logitsOf).toBe('sigmoid');
    expect(binaryCrossentropy({ labelSmoothing: 0.2 }).withLogits().getConfig()).toEqual({
      fromLogits: true,
      labelSmoothing: 0.2,
    });
    for (const l of [meanSquaredError(), meanAbsoluteError(), huber()]) {
      expect(l.logitsOf).toBeNull();
      expect(l.fromLogits).toBe(false);
      expect(() => l.withLogits()).toThrow(lossMessages.noLogits(l.name));
    }
  });
});

describe('label smoothing', () => {
  test('categorical: labels move toward uniform by s/classes', () => {
    const s = 0.2;
    const logits = tensor([[2, -1, 0.5]]);
    const p = values(softmax(logits));
    const z = [0, 1, 0].map((v) => v * (1 - s) + s / 3);
    const reference = -z.reduce((a, zj, j) => a + zj * Math.log(p[j]), 0);
    expectClose(
      categoricalCrossentropy({ fromLogits: true, labelSmoothing: s }).call(tensor([[0, 1, 0]]), logits),
      [reference],
    );
    expectClose(
      categoricalCrossentropy({ labelSmoothing: s }).call(tensor([[0, 1, 0]]), softmax(logits)),
      [reference],
      4,
    );
  });

  test('binary: labels move toward 0.5', () => {
    const s = 0.1;
    const x = [1.5, -0.3];
    const labels = [1, 0];
    const reference = x.map((v, i) => {
      const z = labels[i] * (1 - s) + 0.5 * s;
      return Math.log1p(Math.exp(v)) - v * z;
    });
    expectClose(
      binaryCrossentropy({ fromLogits: true, labelSmoothing: s }).call(tensor(labels), tensor(x)),
      reference,
    );
    expectClose(
      binaryCrossentropy({ labelSmoothing: s }).call(tensor(labels), sigmoid(tensor(x))),
      reference,
      4,
    );
  });

  test('smoothing a one-hot label raises the loss of a confident right answer', () => {
    const logits = tensor([[10, 0, 0]]);
    const plain = categoricalCrossentropy({ fromLogits: true })
      .call(tensor([[1, 0, 0]]), logits)
      .item();
    const smoothed = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.3 })
      .call(tensor([[1, 0, 0]]), logits)
      .item();
    expect(smoothed).toBeGreaterThan(plain + 1);
  });
});

describe('sparse labels', () => {
  const logits = randomNormal([3, 4], { seed: 6 });

  test('int32 and float32, of shape [batch] or [batch, 1], give the same values', () => {
    const l = sparseCategoricalCrossentropy({ fromLogits: true });
    const expected = values(l.call(ints([2, 0, 3]), logits));
    expectClose(l.call(tensor([2, 0, 3]), logits), expected, 6);
    expectClose(l.call(ints([2, 0, 3], [3, 1]), logits), expected, 6);
    expectClose(l.call(tensor([[2], [0], [3]]), logits), expected, 6);
  });

  test('labels that are not class indices are refused with the loss named', () => {
    const l = sparseCategoricalCrossentropy();
    expect(() => l.call(tensor([1.5, 0, 1]), softmax(logits))).toThrow(
      lossMessages.sparseLabel('sparse_categorical_crossentropy', 1.5, 4),
    );
    expect(() => l.call(ints([0, 4, 1]), softmax(logits))).toThrow(ValueError);
    expect(() => l.call(ints([0, -1, 1]), softmax(logits))).toThrow(ValueError);
  });
});

describe('gradients', () => {
  // Each loss's gradient against float64 central differences (helpers/gradcheck.ts), at inputs
  // away from clipping bounds and kinks, where the loss is smooth.
  const regressionTrue = tensor([
    [0.5, -1, 2],
    [1, 0, -0.5],
  ]);
  const regressionPred = tensor([
    [1.1, -0.2, 0.9],
    [-0.4, 0.8, 0.6],
  ]);
  const logits = randomNormal([3, 4], { seed: 7 });
  const onehot = oneHot(ints([1, 3, 0]), 4);
  const probs = randomUniform([3, 4], { minval: 0.1, maxval: 0.9, seed: 8 });
  const binaryLabels = tensor([
    [1, 0, 1, 1],
    [0, 0, 1, 0],
    [1, 1, 0, 0],
  ]);
  const cases: [string, Loss, Tensor, Tensor][] = [
    ['mean squared error', meanSquaredError(), regressionTrue, regressionPred],
    ['mean absolute error', meanAbsoluteError(), regressionTrue, regressionPred],
    ['Huber', huber({ delta: 1 }), regressionTrue, regressionPred],
    [
      'binary cross-entropy from logits',
      binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      binaryLabels,
      logits,
    ],
    ['binary cross-entropy', binaryCrossentropy({ labelSmoothing: 0.1 }), binaryLabels, probs],
    [
      'categorical cross-entropy from logits',
      categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      onehot,
      logits,
    ],
    ['categorical cross-entropy', categoricalCrossentropy({ labelSmoothing: 0.1 }), onehot, probs],
    [
      'sparse categorical cross-entropy from logits',
      sparseCategoricalCrossentropy({ fromLogits: true }),
      ints([1, 3, 0]),
      logits,
    ],
    ['sparse categorical cross-entropy', sparseCategoricalCrossentropy(), ints([1, 3, 0]), probs],
  ];

  test.each(cases)('%s matches finite differences', (_, l, yTrue, yPred) => {
    checkGradients((p) => l.call(yTrue, p), [yPred]);
  });

  test.each(cases)('%s has a finite, non-zero gradient through grad()', (_, l, yTrue, yPred) => {
    const [g] = grad((p: Tensor) => sum(l.call(yTrue, p)))(yPred);
    expect(g.shape).toEqual(yPred.shape);
    expect(values(g).every(Number.isFinite)).toBe(true);
    expect(values(g).some((v) => v !== 0)).toBe(true);
  });
});

describe('extreme inputs stay finite', () => {
  const big = tensor([
    [1e4, -1e4, 0],
    [-1e4, 1e4, -1e4],
  ]);

  test('logits of ±1e4: values and gradients', () => {
    const cases: [Loss, Tensor][] = [
      [categoricalCrossentropy({ fromLogits: true }), oneHot(ints([1, 1]), 3)],
      [sparseCategoricalCrossentropy({ fromLogits: true }), ints([1, 1])],
      [
        binaryCrossentropy({ fromLogits: true }),
        tensor([
          [0, 1, 1],
          [1, 0, 0],
        ]),
      ],
    ];
    for (const [l, yTrue] of cases) {
      const v = values(l.call(yTrue, big));
      expect(v.every(Number.isFinite)).toBe(true);
      const [g] = grad((p: Tensor) => sum(l.call(yTrue, p)))(big);
      expect(values(g).every(Number.isFinite)).toBe(true);
    }
    // Sample 0 puts 1e4 on class 0, label 1: the loss is the gap, 2e4. Sample 1 is right: 0.
    expectClose(
      categoricalCrossentropy({ fromLogits: true }).call(oneHot(ints([1, 1]), 3), big),
      [2e4, 0],
      0,
    );
  });

  test('probabilities of exactly 0 and 1 cost −log(ε) at most', () => {
    const worst = -Math.log(EPSILON);
    const worstUpper = -Math.log(1 - HIGH);
    const cce = values(
      categoricalCrossentropy().call(
        tensor([
          [1, 0],
          [0, 1],
        ]),
        tensor([
          [0, 1],
          [0, 1],
        ]),
      ),
    );
    expect(cce[0]).toBeCloseTo(worst, 2);
    expect(cce[1]).toBeCloseTo(0, 5);
    const bce = values(binaryCrossentropy().call(tensor([1, 0]), tensor([0, 1])));
    expect(bce[0]).toBeCloseTo(worst, 2);
    expect(bce[1]).toBeCloseTo(worstUpper, 4);
    const [g] = grad((p: Tensor) => sum(binaryCrossentropy().call(tensor([1, 0.5]), p)))(tensor([0, 1]));
    expect(values(g).every(Number.isFinite)).toBe(true);
  });
});

describe('shapes', () => {
  test('labels [batch] fit predictions [batch, 1] and the reverse', () => {
    const expected = values(meanSquaredError().call(tensor([[1], [2]]), tensor([[1.5], [2]])));
    expectClose(meanSquaredError().call(tensor([1, 2]), tensor([[1.5], [2]])), expected);
    expectClose(meanSquaredError().call(tensor([[1], [2]]), tensor([1.5, 2])), expected);
    expectClose(binaryCrossentropy().call(ints([1, 0]), tensor([[0.8], [0.3]])), [
      -Math.log(0.8),
      -Math.log(0.7),
    ]);
  });

  test.each([
    ['mean_squared_error', meanSquaredError(), [4, 2], [4, 3]],
    ['mean_absolute_error', meanAbsoluteError(), [4], [4, 2]],
    ['huber_loss', huber(), [3, 1], [4, 1]],
    ['binary_crossentropy', binaryCrossentropy(), [4, 3], [4, 1]],
    ['categorical_crossentropy', categoricalCrossentropy({ fromLogits: true }), [4, 3], [4, 5]],
  ] as const)('%s refuses labels that do not match, naming both shapes', (name, l, trueShape, predShape) => {
    const yTrue = randomUniform([...trueShape], { seed: 9 });
    const yPred = randomUniform([...predShape], { seed: 10 });
    expect(() => l.call(yTrue, yPred)).toThrow(ShapeError);
    expect(() => l.call(yTrue, yPred)).toThrow(lossMessages.shapeMismatch(name, trueShape, predShape));
  });

  test('sparse labels must match the predictions without their class axis', () => {
    const l = sparseCategoricalCrossentropy({ fromLogits: true });
    const yPred = randomNormal([4, 3], { seed: 11 });
    expect(() => l.call(ints([0, 1, 2]), yPred)).toThrow(
      lossMessages.sparseShape('sparse_categorical_crossentropy', [3], [4, 3]),
    );
    // One-hot labels passed to the sparse loss are a common mistake; the message points to the fix.
    expect(() => l.call(oneHot(ints([0, 1, 2, 0]), 3), yPred)).toThrow(/use categoricalCrossentropy/);
  });

  test('categorical losses need a class axis', () => {
    expect(() => categoricalCrossentropy().call(tensor([1, 0]), tensor([0.4, 0.6]))).toThrow(
      lossMessages.predictionRank('categorical_crossentropy', [2], 2, 'batch, classes'),
    );
  });
});

describe('lookup and serialization', () => {
  test.each([
    ['mse', MeanSquaredError],
    ['MSE', MeanSquaredError],
    ['mean_squared_error', MeanSquaredError],
    ['meanSquaredError', MeanSquaredError],
    ['mae', MeanAbsoluteError],
    ['mean_absolute_error', MeanAbsoluteError],
    ['meanAbsoluteError', MeanAbsoluteError],
    ['huber', Huber],
    ['huber_loss', Huber],
    ['binary_crossentropy', BinaryCrossentropy],
    ['binaryCrossentropy', BinaryCrossentropy],
    ['bce', BinaryCrossentropy],
    ['categorical_crossentropy', CategoricalCrossentropy],
    ['categoricalCrossentropy', CategoricalCrossentropy],
    ['sparse_categorical_crossentropy', SparseCategoricalCrossentropy],
    ['sparseCategoricalCrossentropy', SparseCategoricalCrossentropy],
  ] as const)("loss('%s')", (id, cls) => {
    expect(loss(id)).toBeInstanceOf(cls);
  });

  test('names are Keras snake_case names', () => {
    expect(loss('mse').name).toBe('mean_squared_error');
    expect(loss('mae').name).toBe('mean_absolute_error');
    expect(loss('huber').name).toBe('huber_loss');
    expect(loss('bce').name).toBe('binary_crossentropy');
    expect(loss('categoricalCrossentropy').name).toBe('categorical_crossentropy');
    expect(loss('sparseCategoricalCrossentropy').name).toBe('sparse_categorical_crossentropy');
  });

  test('a serialized loss rebuilds with its options', () => {
    const originals: Loss[] = [
      huber({ delta: 0.25 }),
      binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.05 }),
      categoricalCrossentropy({ labelSmoothing: 0.1 }),
      sparseCategoricalCrossentropy({ fromLogits: true }),
      meanSquaredError(),
    ];
    for (const original of originals) {
      const rebuilt = loss(JSON.parse(JSON.stringify(serialize(original))));
      expect(rebuilt.className).toBe(original.className);
      expect(rebuilt.getConfig()).toEqual(original.getConfig());
    }
    expect((loss({ className: 'Huber', config: { delta: 0.25 } }) as Huber).delta).toBe(0.25);
  });

  test('a Loss object is returned as is', () => {
    const l = huber();
    expect(loss(l)).toBe(l);
  });

  test('unknown names and options are errors that list what would work', () => {
    expect(() => loss('crossentropy')).toThrow(
      /unknown loss 'crossentropy'; expected one of: .*sparse_categorical_crossentropy/,
    );
    expect(() => loss({ className: 'Huber', config: { delts: 2 } })).toThrow(
      "Huber: unknown option 'delts'; expected one of: delta",
    );
    expect(() => loss({ className: 'MeanSquaredError', config: { fromLogits: true } })).toThrow(ValueError);
    expect(() => huber({ delta: -1 })).toThrow(ValueError);
    expect(() => binaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(
      /labelSmoothing is 1.5, expected a number in \[0, 1\]/,
    );
  });
});
