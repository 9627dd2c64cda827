import type { BinaryOp, UnaryOp } from '../backend.js';
import { allocate, type DType, dtypeOf, sizeOf, type TypedArray } from '../storage.js';
import { forEachRow } from './broadcast.js';

const COMPARISONS = new Set<BinaryOp>([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'logicalAnd',
  'logicalOr',
]);

export function unary(op: UnaryOp, x: TypedArray): TypedArray {
  const n = x.length;
  const y = allocate(op === 'logicalNot' ? 'bool' : dtypeOf(x), n);
  // One loop per op, so the op is chosen once per call rather than once per element.
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) y[i] = -x[i];
      break;
    case 'abs':
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]);
      break;
    case 'sign':
      for (let i = 0; i < n; i++) y[i] = Math.sign(x[i]);
      break;
    case 'exp':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      break;
    case 'expm1':
      for (let i = 0; i < n; i++) y[i] = Math.expm1(x[i]);
      break;
    case 'log':
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]);
      break;
    case 'log1p':
      for (let i = 0; i < n; i++) y[i] = Math.log1p(x[i]);
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]);
      break;
    case 'rsqrt':
      for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(x[i]);
      break;
    case 'square':
      for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
      break;
    case 'reciprocal':
      for (let i = 0; i < n; i++) y[i] = 1 / x[i];
      break;
    case 'sigmoid':
      // Written so that neither branch overflows: exp of a non-positive number only.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[i] = e / (1 + e);
        }
      }
      break;
    case 'softplus':
      // log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|)), which never overflows.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      break;
    case 'erf':
      for (let i = 0; i < n; i++) y[i] = erf(x[i]);
      break;
    case 'sin':
      for (let i = 0; i < n; i++) y[i] = Math.sin(x[i]);
      break;
    case 'cos':
      for (let i = 0; i < n; i++) y[i] = Math.cos(x[i]);
      break;
    case 'floor':
      for (let i = 0; i < n; i++) y[i] = Math.floor(x[i]);
      break;
    case 'ceil':
      for (let i = 0; i < n; i++) y[i] = Math.ceil(x[i]);
      break;
    case 'round':
      for (let i = 0; i < n; i++) y[i] = roundHalfEven(x[i]);
      break;
    case 'logicalNot':
      for (let i = 0; i < n; i++) y[i] = x[i] ? 0 : 1;
      break;
  }
  return y;
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
): TypedArray {
  const out = allocate(COMPARISONS.has(op) ? 'bool' : dtypeOf(a), sizeOf(outShape));
  forEachRow([aShape, bShape], outShape, (o, [ai, bi], [sa, sb], n) =>
    binaryRow(op, out, o, a, ai, sa, b, bi, sb, n),
  );
  return out;
}

function binaryRow(
  op: BinaryOp,
  out: TypedArray,
  o: number,
  a: TypedArray,
  ai: number,
  sa: number,
  b: TypedArray,
  bi: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] + b[bi + i * sb];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] - b[bi + i * sb];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] * b[bi + i * sb];
      return;
    case 'div':
      // Integer division floors, as in TensorFlow.js and Python (−7 / 2 = −4).
      if (out instanceof Int32Array)
        for (let i = 0; i < n; i++) out[o + i] = Math.floor(a[ai + i * sa] / b[bi + i * sb]);
      else for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] / b[bi + i * sb];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] ** b[bi + i * sb];
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) out[o + i] = Math.max(a[ai + i * sa], b[bi + i * sb]);
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) out[o + i] = Math.min(a[ai + i * sa], b[bi + i * sb]);
      return;
    case 'equal':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] === b[bi + i * sb] ? 1 : 0;
      return;
    case 'notEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] !== b[bi + i * sb] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] < b[bi + i * sb] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] <= b[bi + i * sb] ? 1 : 0;
      return;
    case 'greater':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] > b[bi + i * sb] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] >= b[bi + i * sb] ? 1 : 0;
      return;
    case 'logicalAnd':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] && b[bi + i * sb] ? 1 : 0;
      return;
    case 'logicalOr':
      for (let i = 0; i < n; i++) out[o + i] = a[ai + i * sa] || b[bi + i * sb] ? 1 : 0;
      return;
  }
}

export function where(
  cond: Uint8Array,
  condShape: readonly number[],
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
): TypedArray {
  const out = allocate(dtypeOf(a), sizeOf(outShape));
  forEachRow([condShape, aShape, bShape], outShape, (o, [ci, ai, bi], [sc, sa, sb], n) => {
    for (let i = 0; i < n; i++) out[o + i] = cond[ci + i * sc] ? a[ai + i * sa] : b[bi + i * sb];
  });
  return out;
}

export function cast(x: TypedArray, dtype: DType): TypedArray {
  const y = allocate(dtype, x.length);
  if (dtype === 'bool') {
    // Any non-zero value, NaN included, is true.
    for (let i = 0; i < x.length; i++) y[i] = x[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    // Truncation toward zero, as a C cast and TensorFlow's cast do.
    for (let i = 0; i < x.length; i++) y[i] = Math.trunc(x[i]);
  } else {
    y.set(x);
  }
  return y;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The error function to double precision: its Maclaurin series near zero, and the continued
 * fraction of erfc (evaluated bottom-up) in the tails, where the series would cancel badly.
 */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 60; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  let t = ax;
  for (let k = 60; k >= 1; k--) t = ax + k / 2 / t;
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * t);
  return Math.sign(x) * (1 - erfc);
}
