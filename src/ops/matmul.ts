import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { broadcastShapes, shapesEqual, sizeOfShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastTo, sumToShape } from './broadcast.js';
import { epilogueGradient, epilogueOf, type FusedOptions } from './epilogue.js';
import { asPair, expectDtype } from './operand.js';

export interface MatMulOptions extends FusedOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product over the last two dimensions; leading (batch) dimensions broadcast.
 * (…, m, k) × (…, k, n) → (…, m, n), with either operand optionally read transposed, and
 * optionally a bias and activation applied in the same kernel (y = activation(a·b + bias)).
 */
export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false } = options;
  [a, b] = asPair('matMul', a, b);
  expectDtype('matMul', a, 'float');
  if (a.rank < 2) throw new ShapeError(messages.rankAtLeast('matMul', 'a', 2, a.shape));
  if (b.rank < 2) throw new ShapeError(messages.rankAtLeast('matMul', 'b', 2, b.shape));
  const [m, k] = lastTwo(a.shape, transposeA);
  const [kb, n] = lastTwo(b.shape, transposeB);
  if (k !== kb) throw new ShapeError(messages.matMul(a.shape, b.shape, transposeA, transposeB));

  const batchShape = batchShapeOf(a.shape, b.shape);
  const batch = sizeOfShape(batchShape);
  const epilogue = epilogueOf('matMul', a, n, options);
  // A single matrix is reused across the batch (stride 0); other batch broadcasts are materialised.
  const operand = (t: Tensor) => {
    if (sizeOfShape(t.shape.slice(0, -2)) === 1) return { values: t.values, stride: 0 };
    const full = [...batchShape, ...t.shape.slice(-2)];
    const values = shapesEqual(t.shape, full) ? t.values : broadcastTo(t.detach(), full).values;
    return { values, stride: t.shape[t.rank - 2] * t.shape[t.rank - 1] };
  };
  const pa = operand(a);
  const pb = operand(b);
  const values = backend().matMul(
    pa.values,
    pb.values,
    {
      batch,
      m,
      k,
      n,
      transposeA,
      transposeB,
      aBatchStride: pa.stride,
      bBatchStride: pb.stride,
    },
    epilogue,
  );
  const inputs = options.bias ? [a, b, options.bias] : [a, b];
  return result('matMul', values, [...batchShape, m, n], a.dtype, inputs, (dyOut, y) => {
    const { dz: dy, dBias } = epilogueGradient(dyOut, y, options);
    const mm = (p: Tensor, q: Tensor, tp: boolean, tq: boolean) =>
      matMul(p, q, { transposeA: tp, transposeB: tq });
    // C = op(A)·op(B): each case writes dA and dB as products that need no explicit transpose.
    // Thunks, so that an input that needs no gradient (a layer's data) costs nothing.
    const [da, db] = !transposeA
      ? !transposeB
        ? [() => mm(dy, b, false, true), () => mm(a, dy, true, false)]
        : [() => mm(dy, b, false, false), () => mm(dy, a, true, false)]
      : !transposeB
        ? [() => mm(b, dy, false, true), () => mm(a, dy, false, false)]
        : [() => mm(b, dy, true, true), () => mm(dy, a, true, true)];
    return [
      a.requiresGrad ? sumToShape(da(), a.shape) : null,
      b.requiresGrad ? sumToShape(db(), b.shape) : null,
      dBias,
    ];
  });
}

function batchShapeOf(a: readonly number[], b: readonly number[]): number[] {
  try {
    return broadcastShapes('matMul', a.slice(0, -2), b.slice(0, -2));
  } catch {
    throw new ShapeError(messages.matMulBatch(a, b));
  }
}

function lastTwo(shape: readonly number[], transposed: boolean): [number, number] {
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  return transposed ? [cols, rows] : [rows, cols];
}
