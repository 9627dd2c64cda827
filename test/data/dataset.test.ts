import { describe, expect, test } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { Table } from '../../src/data/table.js';
import { layers, sequential } from '../../src/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { ShapeError, ValueError } from '../../src/tensor/errors.js';
import { randomUniform, setSeed } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const numbers = (n: number) => Dataset.fromIterable(() => range(n));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sources', () => {
  test('fromTensors slices {x, y} along the first axis, in order', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = tensor(Int32Array.from([7, 8, 9]));
    const elements = await Dataset.fromTensors({ x, y }).toArray();
    expect(elements).toHaveLength(3);
    expect(elements.map((e) => e.x.toArray())).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(elements.map((e) => e.y.shape)).toEqual([[], [], []]);
    expect(elements.map((e) => e.y.item())).toEqual([7, 8, 9]);
    expect(elements[0].y.dtype).toBe('int32');
  });

  test('fromTensors takes a tensor, or lists of tensors for several inputs', async () => {
    expect((await Dataset.fromTensors(tensor([4, 5])).toArray()).map((t) => t.item())).toEqual([4, 5]);
    const [first] = await Dataset.fromTensors({ x: [tensor([1, 2]), tensor([[3], [4]])], y: tensor([0, 1]) })
      .take(1)
      .toArray();
    expect(first.x.map((t) => t.toArray())).toEqual([1, [3]]);
  });

  test('fromTensors refuses mismatched lengths, scalars and non-tensors, naming the part', () => {
    expect(() => Dataset.fromTensors({ x: tensor([1, 2, 3]), y: tensor([1, 2]) })).toThrow(ShapeError);
    expect(() => Dataset.fromTensors({ x: tensor([1, 2, 3]), y: tensor([1, 2]) })).toThrow(/\.x: 3, \.y: 2/);
    expect(() => Dataset.fromTensors(tensor(1))).toThrow(/is a scalar/);
    expect(() => Dataset.fromTensors({ x: [1, 2] } as never)).toThrow(/\.x\[0\] is not a tensor/);
  });

  test('each iteration restarts the source', async () => {
    let opened = 0;
    const ds = Dataset.fromIterable(async function* () {
      opened++;
      yield* [1, 2, 3];
    });
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(opened).toBe(2);
    expect(() => Dataset.fromIterable([1, 2] as never)).toThrow(/wrap it/);
  });

  test('fromTable yields rows, and batches of rows are arrays', async () => {
    const table = new Table({ id: [1, 2, 3], name: ['a', 'b', 'c'] });
    const batches = await Dataset.fromTable(table).batch(2).toArray();
    expect(batches).toEqual([
      [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
      [{ id: 3, name: 'c' }],
    ]);
  });
});

describe('operators', () => {
  test('map (sync and async) and filter keep order', async () => {
    const out = await numbers(10)
      .filter((i) => i % 3 !== 0)
      .map(async (i) => {
        await sleep(10 - i);
        return i * 10;
      })
      .toArray();
    expect(out).toEqual([10, 20, 40, 50, 70, 80]);
  });

  test('batch stacks tensors with the remainder last, or drops it', async () => {
    const x = randomUniform([10, 3], { seed: 1 });
    const y = tensor(Int32Array.from(range(10)));
    const batches = await Dataset.fromTensors({ x, y }).batch(4).toArray();
    expect(batches.map((b) => b.x.shape)).toEqual([
      [4, 3],
      [4, 3],
      [2, 3],
    ]);
    expect(batches.map((b) => [...b.y.values])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[2].y.dtype).toBe('int32');
    expect([...batches[1].x.values]).toEqual([...x.values.subarray(12, 24)]);
    const dropped = await Dataset.fromTensors({ x, y }).batch(4, { dropRemainder: true }).toArray();
    expect(dropped.map((b) => b.x.shape[0])).toEqual([4, 4]);
    const lists = await Dataset.fromTensors([x, y]).batch(8).toArray();
    expect(lists.map((b) => b.map((t) => t.shape))).toEqual([
      [[8, 3], [8]],
      [[2, 3], [2]],
    ]);
  });

  test('batch names the element whose shape differs', async () => {
    const ds = Dataset.fromIterable(() => [{ x: tensor([1, 2]) }, { x: tensor([1, 2, 3]) }]).batch(2);
    await expect(ds.toArray()).rejects.toThrow(/batch: element 1\.x has shape \[3\], the first has \[2\]/);
    expect(() => numbers(3).batch(0)).toThrow(ValueError);
  });

  test('repeat, take and skip', async () => {
    expect(await numbers(3).repeat(3).toArray()).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(await numbers(3).repeat().take(7).toArray()).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(await numbers(10).skip(2).take(3).toArray()).toEqual([2, 3, 4]);
    expect(await numbers(3).skip(5).toArray()).toEqual([]);
    expect(await numbers(3).take(0).toArray()).toEqual([]);
    expect(await numbers(0).repeat().toArray()).toEqual([]);
    expect(() => numbers(3).take(-1)).toThrow(/take: n is -1/);
  });

  test('take closes the source after the last element it needs', async () => {
    let produced = 0;
    let closed = false;
    const ds = Dataset.fromIterable(function* () {
      try {
        for (let i = 0; ; i++) {
          produced++;
          yield i;
        }
      } finally {
        closed = true;
      }
    });
    expect(await ds.take(3).toArray()).toEqual([0, 1, 2]);
    expect(produced).toBe(3);
    expect(closed).toBe(true);
  });
});

describe('shuffle', () => {
  const orders = async (ds: Dataset<number>, epochs: number) => {
    const out: number[][] = [];
    for (let e = 0; e < epochs; e++) out.push(await ds.toArray());
    return out;
  };

  test('is a permutation, the same for the same seed, and new each epoch', async () => {
    const a = await orders(numbers(50).shuffle(50, { seed: 7 }), 3);
    const b = await orders(numbers(50).shuffle(50, { seed: 7 }), 3);
    expect(a).toEqual(b);
    for (const order of a) expect([...order].sort((p, q) => p - q)).toEqual(range(50));
    expect(a[0]).not.toEqual(range(50));
    expect(a[1]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
    const other = await orders(numbers(50).shuffle(50, { seed: 8 }), 1);
    expect(other[0]).not.toEqual(a[0]);
  });

  test('reshuffleEachIteration: false repeats one order', async () => {
    const [first, second] = await orders(
      numbers(30).shuffle(30, { seed: 3, reshuffleEachIteration: false }),
      2,
    );
    expect(first).toEqual(second);
    expect(first).not.toEqual(range(30));
  });

  test('without a seed, setSeed makes the orders reproducible', async () => {
    setSeed(11);
    const a = await orders(numbers(40).shuffle(Number.POSITIVE_INFINITY), 2);
    setSeed(11);
    const b = await orders(numbers(40).shuffle(Number.POSITIVE_INFINITY), 2);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
  });

  test('a buffer of b never lets an element jump more than b − 1 places ahead', async () => {
    const order = await numbers(200).shuffle(5, { seed: 1 }).toArray();
    expect([...order].sort((p, q) => p - q)).toEqual(range(200));
    order.forEach((element, position) => {
      expect(element).toBeLessThanOrEqual(position + 4);
    });
    expect(order).not.toEqual(range(200));
    expect(await numbers(20).shuffle(1, { seed: 1 }).toArray()).toEqual(range(20));
  });
});

describe('prefetch', () => {
  test('keeps order and the elements, and passes errors on', async () => {
    expect(await numbers(25).prefetch(4).toArray()).toEqual(range(25));
    expect(await numbers(3).prefetch(10).toArray()).toEqual([0, 1, 2]);
    const failing = Dataset.fromIterable(async function* () {
      yield 1;
      throw new Error('disk gone');
    }).prefetch(3);
    await expect(failing.toArray()).rejects.toThrow('disk gone');
  });

  test('an async source reads ahead while the consumer works on an element', async () => {
    const run = async (prefetch: number | null) => {
      const log: string[] = [];
      let started = 0;
      let ds = Dataset.fromIterable(async function* () {
        for (let i = 0; i < 4; i++) {
          started++;
          log.push(`read ${i}`);
          await sleep(1);
          yield i;
        }
      });
      if (prefetch !== null) ds = ds.prefetch(prefetch);
      const startedWhileTraining: number[] = [];
      for await (const i of ds) {
        log.push(`train ${i}`);
        await sleep(15);
        startedWhileTraining.push(started);
      }
      return { log, startedWhileTraining };
    };
    const plain = await run(null);
    expect(plain.log.indexOf('read 1')).toBeGreaterThan(plain.log.indexOf('train 0'));
    expect(plain.startedWhileTraining).toEqual([1, 2, 3, 4]);
    const ahead = await run(2);
    expect(ahead.log.indexOf('read 1')).toBeLessThan(ahead.log.indexOf('train 0'));
    // While element i trains, elements up to i + 2 have been requested, and never more.
    expect(ahead.startedWhileTraining).toEqual([3, 4, 4, 4]);
  });

  test('stopping early closes the source once', async () => {
    let closed = 0;
    const ds = Dataset.fromIterable(async function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed++;
      }
    });
    expect(await ds.prefetch(3).take(2).toArray()).toEqual([0, 1]);
    expect(closed).toBe(1);
  });
});

describe('model.fit with a Dataset', () => {
  test('trains on {x, y} batches each epoch and validates on another dataset', async () => {
    setSeed(5);
    const n = 64;
    const x = randomUniform([n, 2], { seed: 2, minval: -1, maxval: 1 });
    const yValues = new Float32Array(n);
    for (let i = 0; i < n; i++) yValues[i] = 2 * x.values[2 * i] - x.values[2 * i + 1] + 0.5;
    const y = tensor(yValues, { shape: [n, 1] });
    let batches = 0;
    const train = Dataset.fromTensors({ x, y })
      .shuffle(n, { seed: 1 })
      .batch(4)
      .map((b) => {
        batches++;
        return b;
      })
      .prefetch(2);
    const validation = Dataset.fromTensors({ x, y }).take(32).batch(32);
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const history = await model.fit(train, undefined, { epochs: 30, validationData: validation, verbose: 0 });
    // Each epoch iterates the dataset afresh: 16 batches of 4, 30 times.
    expect(batches).toBe(480);
    const loss = history.history.loss;
    expect(loss).toHaveLength(30);
    expect(loss[29]).toBeLessThan(loss[0] * 0.7);
    expect(history.history.val_loss).toHaveLength(30);
    expect(history.history.val_loss[29]).toBeLessThan(history.history.val_loss[0]);
    const evaluated = await model.evaluate(validation);
    expect(evaluated.loss).toBeCloseTo(history.history.val_loss[29], 5);
    const prediction = model.predict(tensor([[0, 0]])) as Tensor;
    expect(prediction.shape).toEqual([1, 1]);
  });
});
