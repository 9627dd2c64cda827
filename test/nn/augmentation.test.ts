import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  affineTransform,
  grad,
  layers,
  loadModel,
  randomNormal,
  randomUniform,
  sequential,
  setSeed,
  sum,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { layerFromConfig } from '../../src/nn/layers/index.js';
import { expectClose } from '../helpers/layer-test.js';

// Keras's image augmentation layers: the identity at inference, the right motion on small images
// made by hand while training, reproducible from a seed, and at home in a saved model.

/** One 1-channel image [1, h, w, 1] from rows. */
const image = (rows: number[][]) => tensor(rows.flat(), { shape: [1, rows.length, rows[0].length, 1] });
const rowsOf = (t: Tensor) => (t.toArray() as number[][][][])[0].map((row) => row.map(([v]) => v));

const grid = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

describe('affineTransform', () => {
  test('moves an image by a whole pixel, filling as the fill mode says', () => {
    const x = image(grid);
    // Output (x, y) reads input (x − 1, y − 1): the image moves one pixel right and down.
    const shift = [1, 0, -1, 0, 1, -1, 0, 0];
    expect(rowsOf(affineTransform(x, shift))).toEqual([
      [0, 0, 0],
      [0, 1, 2],
      [0, 4, 5],
    ]);
    expect(rowsOf(affineTransform(x, shift, { fillMode: 'constant', fillValue: -1 }))).toEqual([
      [-1, -1, -1],
      [-1, 1, 2],
      [-1, 4, 5],
    ]);
    expect(rowsOf(affineTransform(x, shift, { fillMode: 'nearest' }))).toEqual([
      [1, 1, 2],
      [1, 1, 2],
      [4, 4, 5],
    ]);
    // Reflect about the edge: d c b a | a b c d.
    expect(rowsOf(affineTransform(x, shift, { fillMode: 'reflect' }))).toEqual([
      [1, 1, 2],
      [1, 1, 2],
      [4, 4, 5],
    ]);
    // Wrap: the last column and row come round to the front.
    expect(rowsOf(affineTransform(x, shift, { fillMode: 'wrap' }))).toEqual([
      [9, 7, 8],
      [3, 1, 2],
      [6, 4, 5],
    ]);
  });

  test('reads between pixels bilinearly, or at the nearest pixel', () => {
    const x = image([[0, 10, 20, 30]]);
    const half = [1, 0, 0.5, 0, 1, 0, 0, 0];
    expectClose(affineTransform(x, half, { fillMode: 'nearest' }), [[[[5], [15], [25], [30]]]]);
    // C's round: 0.5 goes to 1, 1.5 to 2…
    expectClose(affineTransform(x, half, { fillMode: 'nearest', interpolation: 'nearest' }), [
      [[[10], [20], [30], [30]]],
    ]);
  });

  test('takes one transform per image and sends the gradient back to the pixels read', () => {
    const x = randomNormal([2, 3, 3, 2]);
    const flip = [-1, 0, 2, 0, 1, 0, 0, 0];
    const identity = [1, 0, 0, 0, 1, 0, 0, 0];
    const y = affineTransform(x, [...flip, ...identity]);
    const xs = x.toArray() as number[][][][];
    const ys = y.toArray() as number[][][][];
    expect(ys[0][1][0]).toEqual(xs[0][1][2]);
    expect(ys[1]).toEqual(xs[1]);
    const shift = [1, 0, -1, 0, 1, 0, 0, 0];
    const [g] = grad((images: Tensor) => sum(affineTransform(images, shift)))(image(grid));
    // With a constant fill the last column is read by nobody.
    expect(rowsOf(g)).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
  });

  test('between pixels, each pixel gets back the weights it was read with', () => {
    const half = [1, 0, 0.5, 0, 1, 0, 0, 0];
    const [g] = grad((x: Tensor) => sum(affineTransform(x, half, { fillMode: 'nearest' })))(
      image([[0, 10, 20, 30]]),
    );
    // Outputs read (x0 + x1)/2, (x1 + x2)/2, (x2 + x3)/2 and, clamped at the edge, x3.
    expectClose(g, [[[[0.5], [1], [1], [1.5]]]]);
  });

  test('names what is wrong', () => {
    expect(() => affineTransform(randomNormal([3, 3, 1]), [1, 0, 0, 0, 1, 0, 0, 0])).toThrow(
      /expected images \[batch, height, width, channels\], got shape \[3, 3, 1\]/,
    );
    expect(() => affineTransform(randomNormal([2, 3, 3, 1]), [1, 0, 0])).toThrow(
      /transforms has 3 numbers, expected 8 per image \(16\)/,
    );
  });
});

describe('RandomTranslation', () => {
  test('is the identity at inference', () => {
    const x = randomNormal([2, 5, 5, 3]);
    const y = layers.randomTranslation({ heightFactor: 0.5, widthFactor: 0.5 }).apply(x);
    expect(y.data()).toEqual(x.data());
  });

  test('while training, shifts by the fraction drawn, reflecting at the edge by default', () => {
    const layer = layers.randomTranslation({ heightFactor: [1 / 3, 1 / 3], widthFactor: [-1 / 3, -1 / 3] });
    // Down one pixel, left one pixel.
    expectClose(
      tensor(rowsOf(layer.apply(image(grid), { training: true }))),
      [
        [2, 3, 3],
        [2, 3, 3],
        [5, 6, 6],
      ],
      1e-5,
    );
  });

  test('draws each image its own shift, the same ones again from the same seed', () => {
    const x = randomUniform([8, 6, 6, 1]);
    const run = () =>
      layers.randomTranslation({ heightFactor: 0.3, widthFactor: 0.3, seed: 7 }).apply(x, { training: true });
    const a = run();
    expect(run().data()).toEqual(a.data());
    setSeed(1);
    const b = layers.randomTranslation({ heightFactor: 0.3, widthFactor: 0.3 }).apply(x, { training: true });
    setSeed(1);
    const c = layers.randomTranslation({ heightFactor: 0.3, widthFactor: 0.3 }).apply(x, { training: true });
    expect(c.data()).toEqual(b.data());
    expect(b.data()).not.toEqual(x.data());
  });

  test('refuses factors outside [−1, 1] and unknown modes', () => {
    expect(() => layers.randomTranslation({ heightFactor: 1.5, widthFactor: 0 })).toThrow(
      /heightFactor is 1.5, expected a number or a pair \[lower, upper\] of numbers in \[−1, 1\]/,
    );
    expect(() =>
      // @ts-expect-error: a mode Keras does not have
      layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'mirror' }),
    ).toThrow(/fillMode is "mirror", expected one of 'reflect', 'wrap', 'nearest', 'constant'/);
  });
});

describe('RandomFlip', () => {
  test('is the identity at inference', () => {
    const x = randomNormal([2, 4, 4, 1]);
    expect(layers.randomFlip().apply(x).data()).toEqual(x.data());
  });

  test('while training, flips about half the images left–right and leaves the rest', () => {
    setSeed(3);
    const x = randomNormal([64, 3, 4, 2]);
    const y = layers.randomFlip({ mode: 'horizontal' }).apply(x, { training: true });
    const xs = x.toArray() as number[][][][][];
    const ys = y.toArray() as number[][][][][];
    let flipped = 0;
    for (let i = 0; i < 64; i++) {
      const mirror = xs[i].map((row) => [...row].reverse());
      if (JSON.stringify(ys[i]) === JSON.stringify(mirror)) flipped++;
      else expect(ys[i]).toEqual(xs[i]);
    }
    expect(flipped).toBeGreaterThan(20);
    expect(flipped).toBeLessThan(44);
  });

  test('vertical flips turn rows upside down', () => {
    setSeed(4);
    const x = image(grid);
    const outcomes = new Set<string>();
    const layer = layers.randomFlip({ mode: 'vertical' });
    for (let i = 0; i < 20; i++) outcomes.add(JSON.stringify(rowsOf(layer.apply(x, { training: true }))));
    expect([...outcomes].sort()).toEqual([JSON.stringify(grid), JSON.stringify([...grid].reverse())].sort());
  });

  test('refuses an unknown mode', () => {
    // @ts-expect-error: not a Keras mode
    expect(() => layers.randomFlip({ mode: 'diagonal' })).toThrow(/mode is "diagonal"/);
  });
});

describe('RandomRotation', () => {
  test('is the identity at inference', () => {
    const x = randomNormal([2, 5, 5, 3]);
    expect(layers.randomRotation({ factor: 0.2 }).apply(x).data()).toEqual(x.data());
  });

  test('a quarter turn turns the image counter-clockwise', () => {
    const y = layers.randomRotation({ factor: [0.25, 0.25] }).apply(image(grid), { training: true });
    expectClose(
      tensor(rowsOf(y)),
      [
        [3, 6, 9],
        [2, 5, 8],
        [1, 4, 7],
      ],
      1e-5,
    );
  });
});

describe('augmentation layers', () => {
  // Shapes, weights and the config round trip are in layers.test.ts, with every other layer.
  test('keep their options through model.json, defaults filled in', () => {
    const layer = layers.randomRotation({ factor: [-0.1, 0.2], seed: 9 });
    const config = JSON.parse(JSON.stringify(layer.getConfig()));
    expect(config).toMatchObject({
      factor: [-0.1, 0.2],
      fillMode: 'reflect',
      interpolation: 'bilinear',
      fillValue: 0,
      seed: 9,
    });
    expect(layerFromConfig({ className: 'RandomRotation', config }).getConfig()).toEqual(layer.getConfig());
  });

  test('a model with them trains, and saves and loads with them in place', async () => {
    setSeed(5);
    // Bright left half (class 0) or bright right half (class 1): a flip would swap the classes,
    // so only translation and rotation are used here.
    const n = 64;
    const pixels = new Float32Array(n * 8 * 8);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) pixels[i * 64 + y * 8 + x] = x < 4 === (labels[i] === 0) ? 1 : 0;
    }
    const x = tensor(pixels, { shape: [n, 8, 8, 1] });
    const y = tensor(labels);
    const m = sequential([
      layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, inputShape: [8, 8, 1] }),
      layers.randomRotation({ factor: 0.02 }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await m.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0 });
    expect(history.history.loss[7]).toBeLessThan(history.history.loss[0]);
    const path = await mkdtemp(join(tmpdir(), 'deepline-augment-'));
    await m.save(path);
    const loaded = await loadModel(path);
    expect(loaded.layers.map((l) => l.className).slice(0, 2)).toEqual([
      'RandomTranslation',
      'RandomRotation',
    ]);
    expect((loaded.predict(x) as Tensor).data()).toEqual((m.predict(x) as Tensor).data());
  });
});
