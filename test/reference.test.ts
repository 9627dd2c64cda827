// Forward results of conv2d, maxPool2d, avgPool2d and matMul against naive float64 references
// written below as plain nested loops over JS number arrays (TensorFlow's semantics), on every
// registered backend.
import * as dl from 'deepline';
import { randomNormal, type Tensor, tensor } from 'deepline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Allowed |actual - expected| relative to max(1, |expected|): float32 kernels vs a float64
// reference, for outputs that sum at most ~50 products (every case unless marked otherwise).
const TOLERANCE = 1e-5;
// float32 rounding error grows with the number of products summed: for the few cases that sum
// 129-144 products per output the wasm GEMM's error reaches ~1e-5 (measured; js accumulates in
// float64 and stays near 6e-8), so those cases allow 1e-4, as test/conformance.test.ts does.
const TOLERANCE_LONG_SUMS = 1e-4;
// The same for float64 inputs, where the kernels should agree with the reference to rounding.
const TOLERANCE_F64 = 1e-12;

type Padding = 'valid' | 'same';
type PairArg = number | [number, number];

// --- Helpers ---------------------------------------------------------------------------------

const valuesOf = (t: Tensor): number[] => Array.from(t.data());

const sizeOf = (shape: readonly number[]): number => shape.reduce((s, d) => s * d, 1);

const asPairArg = (v: PairArg): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** The first index where the values differ by more than the tolerance, described; null if none. */
function firstMismatch(actual: ArrayLike<number>, expected: readonly number[], tolerance: number) {
  if (actual.length !== expected.length) {
    return `length ${actual.length}, expected ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
    if (!ok) return `index ${i}: got ${a}, expected ${e} (diff ${Math.abs(a - e)}, tolerance ${tolerance})`;
  }
  return null;
}

function expectMatches(
  actual: Tensor,
  expected: { shape: number[]; values: number[] },
  label: string,
  tolerance = TOLERANCE,
): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(firstMismatch(actual.data(), expected.values, tolerance), label).toBeNull();
}

// --- Naive references (float64, plain loops) -------------------------------------------------

/** Output length and leading padding along one dimension, as TensorFlow defines them. */
function refGeometry(padding: Padding, input: number, k: number, s: number, d: number) {
  const span = (k - 1) * d + 1;
  if (padding === 'valid') {
    return { out: Math.floor((input - span) / s) + 1, padBefore: 0 };
  }
  const out = Math.ceil(input / s);
  const total = Math.max((out - 1) * s + span - input, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

interface ConvOptions {
  strides?: PairArg;
  padding?: Padding;
  dilations?: PairArg;
}

/** Cross-correlation of an NHWC input with an HWIO filter; padded positions contribute 0. */
function refConv2d(
  x: number[],
  xShape: number[],
  f: number[],
  fShape: number[],
  options: ConvOptions,
): { shape: number[]; values: number[] } {
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, fInC, outC] = fShape;
  if (fInC !== inC) throw new Error('reference: channel mismatch');
  const [sH, sW] = asPairArg(options.strides ?? 1);
  const [dH, dW] = asPairArg(options.dilations ?? 1);
  const padding = options.padding ?? 'valid';
  const rows = refGeometry(padding, inH, kH, sH, dH);
  const cols = refGeometry(padding, inW, kW, sW, dW);
  const outH = rows.out;
  const outW = cols.out;
  const values: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          let sum = 0;
          for (let ky = 0; ky < kH; ky++) {
            for (let kx = 0; kx < kW; kx++) {
              const iy = oy * sH + ky * dH - rows.padBefore;
              const ix = ox * sW + kx * dW - cols.padBefore;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
              for (let ic = 0; ic < inC; ic++) {
                const xv = x[((b * inH + iy) * inW + ix) * inC + ic];
                const fv = f[((ky * kW + kx) * inC + ic) * outC + oc];
                sum += xv * fv;
              }
            }
          }
          values.push(sum);
        }
      }
    }
  }
  return { shape: [batch, outH, outW, outC], values };
}

interface PoolOptions {
  poolSize?: PairArg;
  strides?: PairArg;
  padding?: Padding;
}

/** Max or mean over each window of an NHWC input, over positions inside the input only. */
function refPool(
  kind: 'max' | 'avg',
  x: number[],
  xShape: number[],
  options: PoolOptions,
): { shape: number[]; values: number[] } {
  const [batch, inH, inW, channels] = xShape;
  const [kH, kW] = asPairArg(options.poolSize ?? 2);
  const [sH, sW] = asPairArg(options.strides ?? [kH, kW]);
  const padding = options.padding ?? 'valid';
  const rows = refGeometry(padding, inH, kH, sH, 1);
  const cols = refGeometry(padding, inW, kW, sW, 1);
  const values: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < rows.out; oy++) {
      for (let ox = 0; ox < cols.out; ox++) {
        for (let c = 0; c < channels; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let sum = 0;
          let count = 0;
          for (let ky = 0; ky < kH; ky++) {
            for (let kx = 0; kx < kW; kx++) {
              const iy = oy * sH + ky - rows.padBefore;
              const ix = ox * sW + kx - cols.padBefore;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
              const v = x[((b * inH + iy) * inW + ix) * channels + c];
              if (v > best) best = v;
              sum += v;
              count += 1;
            }
          }
          values.push(kind === 'max' ? best : sum / count);
        }
      }
    }
  }
  return { shape: [batch, rows.out, cols.out, channels], values };
}

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/** Matrix product over the last two dims; batch dims broadcast like NumPy. */
function refMatMul(
  a: number[],
  aShape: readonly number[],
  b: number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; values: number[] } {
  const aRows = aShape[aShape.length - 2];
  const aCols = aShape[aShape.length - 1];
  const bRows = bShape[bShape.length - 2];
  const bCols = bShape[bShape.length - 1];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) throw new Error('reference: inner dimension mismatch');

  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  // Left-pad both batch shapes with ones to the same rank.
  const aB = [...new Array<number>(rank - aBatch.length).fill(1), ...aBatch];
  const bB = [...new Array<number>(rank - bBatch.length).fill(1), ...bBatch];
  const outBatch: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (aB[i] !== bB[i] && aB[i] !== 1 && bB[i] !== 1) throw new Error('reference: batch mismatch');
    outBatch.push(aB[i] === 1 ? bB[i] : aB[i]);
  }
  const aBStrides = stridesOf(aB);
  const bBStrides = stridesOf(bB);
  const outBStrides = stridesOf(outBatch);

  const values: number[] = [];
  for (let t = 0; t < sizeOf(outBatch); t++) {
    // Which matrix of a and of b this output matrix uses: a size-1 dim always uses index 0.
    let aIndex = 0;
    let bIndex = 0;
    for (let i = 0; i < rank; i++) {
      const coord = Math.floor(t / outBStrides[i]) % outBatch[i];
      if (aB[i] !== 1) aIndex += coord * aBStrides[i];
      if (bB[i] !== 1) bIndex += coord * bBStrides[i];
    }
    const aBase = aIndex * aRows * aCols;
    const bBase = bIndex * bRows * bCols;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a[aBase + p * aCols + i] : a[aBase + i * aCols + p];
          const bv = transposeB ? b[bBase + j * bCols + p] : b[bBase + p * bCols + j];
          sum += av * bv;
        }
        values.push(sum);
      }
    }
  }
  return { shape: [...outBatch, m, n], values };
}

// --- Sanity checks of the references themselves, on hand-computed values ---------------------

describe('the naive references', () => {
  test('conv2d on a 3x3 input', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    // 2x2 filter of ones, 'valid': sums of each 2x2 block.
    expect(refConv2d(x, [1, 3, 3, 1], [1, 1, 1, 1], [2, 2, 1, 1], {})).toEqual({
      shape: [1, 2, 2, 1],
      values: [12, 16, 24, 28],
    });
    // 3x3 filter of ones, 'same': sums of each 3x3 neighbourhood inside the input.
    expect(
      refConv2d(x, [1, 3, 3, 1], new Array(9).fill(1), [3, 3, 1, 1], { padding: 'same' }).values,
    ).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  test('pools on a 3x3 input', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(refPool('max', x, [1, 3, 3, 1], { padding: 'same' }).values).toEqual([5, 6, 8, 9]);
    expect(refPool('avg', x, [1, 3, 3, 1], { padding: 'same' }).values).toEqual([3, 4.5, 7.5, 9]);
    expect(refPool('avg', x, [1, 3, 3, 1], {}).values).toEqual([3]);
  });

  test('matMul with transposes and a broadcast batch', () => {
    const a = [1, 2, 3, 4]; // [[1, 2], [3, 4]]
    const b = [5, 6, 7, 8]; // [[5, 6], [7, 8]]
    expect(refMatMul(a, [2, 2], b, [2, 2], false, false).values).toEqual([19, 22, 43, 50]);
    expect(refMatMul(a, [2, 2], b, [2, 2], true, false).values).toEqual([26, 30, 38, 44]);
    expect(refMatMul(a, [2, 2], b, [2, 2], false, true).values).toEqual([17, 23, 39, 53]);
    expect(refMatMul(a, [2, 2], b, [2, 2], true, true).values).toEqual([23, 31, 34, 46]);
    // [2,1,1,2] x [3,2,1]: batch [2,3]; output [t0][t1] = a[t0] · b[t1].
    const r = refMatMul([1, 2, 3, 4], [2, 1, 1, 2], [1, 0, 0, 1, 1, 1], [3, 2, 1], false, false);
    expect(r).toEqual({ shape: [2, 3, 1, 1], values: [1, 2, 3, 3, 4, 7] });
  });
});

// --- Cases -----------------------------------------------------------------------------------

interface ConvCase {
  name: string;
  x: number[];
  f: number[];
  options: ConvOptions;
  tolerance?: number;
}

const convCases: ConvCase[] = [];
for (const padding of ['same', 'valid'] as const) {
  convCases.push(
    { name: `5x7 inC=1, 3x3, ${padding}`, x: [1, 5, 7, 1], f: [3, 3, 1, 2], options: { padding } },
    {
      name: `5x7 inC=3 batch 2, 3x3 stride 2, ${padding}`,
      x: [2, 5, 7, 3],
      f: [3, 3, 3, 4],
      options: { padding, strides: 2 },
    },
    {
      name: `6x6 inC=3 batch 2, 2x3 kernel, strides [1,2], ${padding}`,
      x: [2, 6, 6, 3],
      f: [2, 3, 3, 5],
      options: { padding, strides: [1, 2] },
    },
    { name: `6x6 inC=3, 1x1 kernel, ${padding}`, x: [1, 6, 6, 3], f: [1, 1, 3, 4], options: { padding } },
    {
      name: `6x6 inC=3, 1x1 kernel stride 2, ${padding}`,
      x: [1, 6, 6, 3],
      f: [1, 1, 3, 4],
      options: { padding, strides: 2 },
    },
    {
      name: `7x6 inC=3 batch 2, 3x3 dilation 2, ${padding}`,
      x: [2, 7, 6, 3],
      f: [3, 3, 3, 2],
      options: { padding, dilations: 2 },
    },
    {
      name: `5x7 inC=1, 2x3 kernel, dilations [2,1], ${padding}`,
      x: [1, 5, 7, 1],
      f: [2, 3, 1, 3],
      options: { padding, dilations: [2, 1] },
    },
    {
      name: `7x7 inC=1, 2x3 kernel, stride 2 and dilation 2, ${padding}`,
      x: [1, 7, 7, 1],
      f: [2, 3, 1, 3],
      options: { padding, strides: 2, dilations: 2 },
    },
    {
      name: `4x5 inC=3, 3x3 stride 3 (stride > kernel overlap), ${padding}`,
      x: [1, 4, 5, 3],
      f: [3, 3, 3, 2],
      options: { padding, strides: 3 },
    },
    {
      name: `6x6 inC=1, even 2x2 kernel (asymmetric 'same' padding), ${padding}`,
      x: [1, 6, 6, 1],
      f: [2, 2, 1, 1],
      options: { padding },
    },
    {
      name: `6x6 inC=3, even 4x4 kernel, ${padding}`,
      x: [1, 6, 6, 3],
      f: [4, 4, 3, 2],
      options: { padding },
    },
  );
}
convCases.push(
  {
    name: "3x3 kernel larger than a 2x2 input, 'same'",
    x: [1, 2, 2, 1],
    f: [3, 3, 1, 2],
    options: { padding: 'same' },
  },
  { name: 'default options (stride 1, valid, dilation 1)', x: [2, 5, 7, 3], f: [3, 3, 3, 4], options: {} },
  {
    name: "MNIST seed layer [2,28,28,1] x [3,3,1,32], 'valid'",
    x: [2, 28, 28, 1],
    f: [3, 3, 1, 32],
    options: { padding: 'valid' },
  },
  {
    name: "batch 9 of 64x64x16, 3x3 'same': spans several im2col chunks",
    x: [9, 64, 64, 16],
    f: [3, 3, 16, 8],
    options: { padding: 'same' },
    tolerance: TOLERANCE_LONG_SUMS, // 3*3*16 = 144 products per output
  },
);

interface PoolCase {
  name: string;
  x: number[];
  options: PoolOptions;
}

const poolCases: PoolCase[] = [];
for (const padding of ['valid', 'same'] as const) {
  poolCases.push(
    { name: `4x4, 2x2 (divides), ${padding}`, x: [1, 4, 4, 1], options: { padding } },
    { name: `5x5 batch 2 inC=3, 2x2 (does not divide), ${padding}`, x: [2, 5, 5, 3], options: { padding } },
    {
      name: `5x5 inC=2, 3x3 stride 2, ${padding}`,
      x: [1, 5, 5, 2],
      options: { padding, poolSize: 3, strides: 2 },
    },
    { name: `7x6 batch 2 inC=3, 2x2, ${padding}`, x: [2, 7, 6, 3], options: { padding, poolSize: 2 } },
    {
      name: `7x6 inC=3, 3x2 pool strides [2,1], ${padding}`,
      x: [1, 7, 6, 3],
      options: { padding, poolSize: [3, 2], strides: [2, 1] },
    },
    {
      name: `6x6, 3x3 stride 1 (padding on both sides), ${padding}`,
      x: [1, 6, 6, 1],
      options: { padding, poolSize: 3, strides: 1 },
    },
    {
      name: `7x7 inC=2, 2x2 stride 3 (gaps between windows), ${padding}`,
      x: [1, 7, 7, 2],
      options: { padding, poolSize: 2, strides: 3 },
    },
  );
}
poolCases.push(
  {
    name: "4x4 pool larger than a 2x3 input, 'same'",
    x: [1, 2, 3, 1],
    options: { padding: 'same', poolSize: 4 },
  },
  { name: 'default options (2x2, stride 2, valid) on 7x6', x: [2, 7, 6, 3], options: {} },
);

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const SIZES = [1, 3, 17, 33];

/** Operand shapes for a product (…, m, k) × (…, k, n) read with the given transposes. */
function operandShapes(
  batchA: number[],
  batchB: number[],
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): MatMulCase {
  return {
    a: [...batchA, ...(transposeA ? [k, m] : [m, k])],
    b: [...batchB, ...(transposeB ? [n, k] : [k, n])],
    transposeA,
    transposeB,
  };
}

const batchedShapes: [number[], number[], number, number, number][] = [
  [[2, 1], [5], 3, 4, 6], // [2,1,3,4] x [5,4,6] -> [2,5,3,6]
  [[], [2], 3, 4, 5], // rank-2 a shared across b's batch
  [[2], [], 3, 4, 5], // rank-2 b shared across a's batch
  [[2], [2], 3, 4, 5], // equal batches
  [[1], [2], 3, 4, 5], // size-1 batch dim broadcast
  [[3, 1, 2], [4, 1], 5, 17, 3], // rank-3 batch against rank-2 batch, each broadcasting the other
  [[2, 3], [1, 1], 1, 33, 1], // m = n = 1 with a broadcast batch
  [[4], [4], 17, 1, 33], // k = 1
];

let seedCounter = 1000;
const nextSeed = () => seedCounter++;

// --- The tests, on every backend ---------------------------------------------------------------

describe.each(dl.backendNames())('forward results on the %s backend', (backendName) => {
  let previous = '';
  beforeAll(() => {
    previous = dl.getBackend();
    dl.setBackend(backendName);
  });
  afterAll(() => dl.setBackend(previous));

  describe('conv2d', () => {
    test.each(convCases.map((c, i) => ({ ...c, seed: 100 + 2 * i })))(
      '$name',
      ({ name, x: xShape, f: fShape, options, seed, tolerance }) => {
        const x = randomNormal(xShape, { seed });
        const f = randomNormal(fShape, { seed: seed + 1 });
        const expected = refConv2d(valuesOf(x), xShape, valuesOf(f), fShape, options);
        expectMatches(dl.conv2d(x, f, options), expected, `conv2d ${name}`, tolerance);
      },
    );

    test('float64 inputs', () => {
      const xShape = [2, 7, 6, 3];
      const fShape = [3, 2, 3, 4];
      const x = randomNormal(xShape, { seed: nextSeed(), dtype: 'float64' });
      const f = randomNormal(fShape, { seed: nextSeed(), dtype: 'float64' });
      for (const options of [
        { padding: 'same', strides: [2, 1], dilations: 1 },
        { padding: 'valid', strides: 1, dilations: 2 },
      ] as ConvOptions[]) {
        const y = dl.conv2d(x, f, options);
        expect(y.dtype).toBe('float64');
        const expected = refConv2d(valuesOf(x), xShape, valuesOf(f), fShape, options);
        expectMatches(y, expected, `conv2d float64 ${JSON.stringify(options)}`, TOLERANCE_F64);
      }
    });
  });

  describe.each(['max', 'avg'] as const)('%sPool2d', (kind) => {
    const pool = kind === 'max' ? dl.maxPool2d : dl.avgPool2d;

    test.each(poolCases.map((c, i) => ({ ...c, seed: 500 + i })))(
      '$name',
      ({ name, x: xShape, options, seed }) => {
        const x = randomNormal(xShape, { seed });
        const expected = refPool(kind, valuesOf(x), xShape, options);
        expectMatches(pool(x, options), expected, `${kind}Pool2d ${name}`);
      },
    );

    test("all-negative input with 'same' padding: padded positions are ignored, not zeros", () => {
      const xShape = [1, 5, 5, 2];
      const raw = valuesOf(randomNormal(xShape, { seed: nextSeed() })).map((v) => -Math.abs(v) - 1);
      const x = tensor(new Float32Array(raw), { shape: xShape });
      for (const options of [
        { padding: 'same', poolSize: 2 },
        { padding: 'same', poolSize: 3, strides: 1 },
        { padding: 'same', poolSize: 4, strides: 2 },
      ] as PoolOptions[]) {
        const expected = refPool(kind, valuesOf(x), xShape, options);
        expectMatches(pool(x, options), expected, `${kind}Pool2d negative ${JSON.stringify(options)}`);
      }
    });

    test('float64 inputs', () => {
      const xShape = [2, 7, 6, 3];
      const x = randomNormal(xShape, { seed: nextSeed(), dtype: 'float64' });
      for (const options of [
        { padding: 'same', poolSize: 3, strides: 2 },
        { padding: 'valid', poolSize: [2, 3] },
      ] as PoolOptions[]) {
        const y = pool(x, options);
        expect(y.dtype).toBe('float64');
        const expected = refPool(kind, valuesOf(x), xShape, options);
        expectMatches(y, expected, `${kind}Pool2d float64 ${JSON.stringify(options)}`, TOLERANCE_F64);
      }
    });
  });

  describe('matMul', () => {
    test.each(TRANSPOSES)('every m, k, n in [1, 3, 17, 33]: transposeA=%s transposeB=%s', (tA, tB) => {
      for (const m of SIZES) {
        for (const k of SIZES) {
          for (const n of SIZES) {
            const c = operandShapes([], [], m, k, n, tA, tB);
            const a = randomNormal(c.a, { seed: m * 10_000 + k * 100 + n });
            const b = randomNormal(c.b, { seed: n * 10_000 + k * 100 + m + 7 });
            const expected = refMatMul(valuesOf(a), c.a, valuesOf(b), c.b, tA, tB);
            expect(expected.shape).toEqual([m, n]);
            expectMatches(
              dl.matMul(a, b, { transposeA: tA, transposeB: tB }),
              expected,
              `matMul ${JSON.stringify(c)}`,
            );
          }
        }
      }
    });

    test.each(TRANSPOSES)('batched with broadcasting: transposeA=%s transposeB=%s', (tA, tB) => {
      for (const [batchA, batchB, m, k, n] of batchedShapes) {
        const c = operandShapes(batchA, batchB, m, k, n, tA, tB);
        const a = randomNormal(c.a, { seed: nextSeed() });
        const b = randomNormal(c.b, { seed: nextSeed() });
        const expected = refMatMul(valuesOf(a), c.a, valuesOf(b), c.b, tA, tB);
        expectMatches(
          dl.matMul(a, b, { transposeA: tA, transposeB: tB }),
          expected,
          `matMul ${JSON.stringify(c)}`,
        );
      }
    });

    test('the example shape [2,1,3,4] x [5,4,6] -> [2,5,3,6]', () => {
      const a = randomNormal([2, 1, 3, 4], { seed: 1 });
      const b = randomNormal([5, 4, 6], { seed: 2 });
      const y = dl.matMul(a, b);
      expect(y.shape).toEqual([2, 5, 3, 6]);
      expectMatches(y, refMatMul(valuesOf(a), a.shape, valuesOf(b), b.shape, false, false), 'matMul example');
    });

    test('a larger product (m=65, k=129, n=70), all transposes', () => {
      for (const [tA, tB] of TRANSPOSES) {
        const c = operandShapes([], [], 65, 129, 70, tA, tB);
        const a = randomNormal(c.a, { seed: nextSeed() });
        const b = randomNormal(c.b, { seed: nextSeed() });
        const expected = refMatMul(valuesOf(a), c.a, valuesOf(b), c.b, tA, tB);
        expectMatches(
          dl.matMul(a, b, { transposeA: tA, transposeB: tB }),
          expected,
          `matMul ${JSON.stringify(c)}`,
          TOLERANCE_LONG_SUMS, // k = 129 products per output
        );
      }
    });

    test('float64 inputs', () => {
      for (const [tA, tB] of TRANSPOSES) {
        const c = operandShapes([2, 1], [3], 5, 17, 4, tA, tB);
        const a = randomNormal(c.a, { seed: nextSeed(), dtype: 'float64' });
        const b = randomNormal(c.b, { seed: nextSeed(), dtype: 'float64' });
        const y = dl.matMul(a, b, { transposeA: tA, transposeB: tB });
        expect(y.dtype).toBe('float64');
        const expected = refMatMul(valuesOf(a), c.a, valuesOf(b), c.b, tA, tB);
        expectMatches(y, expected, `matMul float64 ${JSON.stringify(c)}`, TOLERANCE_F64);
      }
    });
  });
});

// --- Bad input ---------------------------------------------------------------------------------

describe('bad input throws an Error naming the op and the shapes', () => {
  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a throw');
  };

  test('matMul [2,3] x [4,5]', () => {
    const e = thrown(() => dl.matMul(randomNormal([2, 3], { seed: 1 }), randomNormal([4, 5], { seed: 2 })));
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('matMul');
    expect(e.message).toContain('[2, 3]');
    expect(e.message).toContain('[4, 5]');
  });

  test('matMul [3,2] x [3,5] with transposeB: the inner dimensions differ only after transposing', () => {
    const e = thrown(() =>
      dl.matMul(randomNormal([3, 2], { seed: 1 }), randomNormal([3, 5], { seed: 2 }), { transposeB: true }),
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('matMul');
    expect(e.message).toContain('[3, 2]');
    expect(e.message).toContain('[3, 5]');
  });

  test('matMul batch dims that do not broadcast: [2,3,4] x [3,4,5]', () => {
    const e = thrown(() =>
      dl.matMul(randomNormal([2, 3, 4], { seed: 1 }), randomNormal([3, 4, 5], { seed: 2 })),
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('matMul');
    // The message names both operands' full shapes.
    expect(e.message).toContain('[2, 3, 4]');
    expect(e.message).toContain('[3, 4, 5]');
  });

  test('conv2d channel mismatch: [1,5,5,3] with filter [3,3,2,4]', () => {
    const e = thrown(() =>
      dl.conv2d(randomNormal([1, 5, 5, 3], { seed: 1 }), randomNormal([3, 3, 2, 4], { seed: 2 })),
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('conv2d');
    expect(e.message).toContain('[1, 5, 5, 3]');
    expect(e.message).toContain('[3, 3, 2, 4]');
  });

  test('conv2d with an input that is not rank 4', () => {
    const e = thrown(() =>
      dl.conv2d(randomNormal([5, 5, 3], { seed: 1 }), randomNormal([3, 3, 3, 4], { seed: 2 })),
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('conv2d');
    expect(e.message).toContain('[5, 5, 3]');
  });

  test("conv2d 'valid' with a kernel larger than the input", () => {
    const e = thrown(() =>
      dl.conv2d(randomNormal([1, 2, 2, 1], { seed: 1 }), randomNormal([3, 3, 1, 1], { seed: 2 }), {
        padding: 'valid',
      }),
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('conv2d');
  });

  test.each(['maxPool2d', 'avgPool2d'] as const)('%s on a rank-3 input and with a window too large', (op) => {
    const pool = op === 'maxPool2d' ? dl.maxPool2d : dl.avgPool2d;
    const rank3 = thrown(() => pool(randomNormal([4, 4, 1], { seed: 1 })));
    expect(rank3).toBeInstanceOf(Error);
    expect(rank3.message).toContain(op);
    expect(rank3.message).toContain('[4, 4, 1]');
    const tooLarge = thrown(() => pool(randomNormal([1, 2, 2, 1], { seed: 1 }), { poolSize: 3 }));
    expect(tooLarge).toBeInstanceOf(Error);
    expect(tooLarge.message).toContain(op);
  });
});
