import { allocate, type DType, type TypedArray } from '../backend/index.js';
import { DTypeError, messages, ShapeError, ValueError } from './errors.js';
import { sizeOfShape } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

export type TensorLike = Tensor | NestedArray | TypedArray;

export interface TensorOptions {
  /** float32 unless the values say otherwise (an Int32Array, or booleans). */
  dtype?: DType;
  /** Required for flat values meant to have another shape. */
  shape?: readonly number[];
  /** Makes the tensor a leaf whose gradient `backward()` accumulates in `grad`. */
  requiresGrad?: boolean;
}

/** Makes a tensor from nested arrays, a flat array or typed array (with `shape`), or a number. */
export function tensor(values: TensorLike, options: TensorOptions = {}): Tensor {
  let t: Tensor;
  if (values instanceof Tensor) {
    t = fromFlat(values.values, options.shape ?? values.shape, options.dtype ?? values.dtype);
  } else if (ArrayBuffer.isView(values)) {
    const dtype = options.dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
    t = fromFlat(values, options.shape ?? [values.length], dtype);
  } else {
    const inferredShape = shapeOfNested(values);
    const flat = flatten(values, inferredShape);
    const dtype = options.dtype ?? (flat.some((v) => typeof v === 'boolean') ? 'bool' : 'float32');
    t = fromFlat(flat.map(Number), options.shape ?? inferredShape, dtype);
  }
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function fromFlat(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  validShape('tensor', shape);
  if (values.length !== sizeOfShape(shape)) throw new ShapeError(messages.valuesLength(values.length, shape));
  const storage = allocate(dtype, values.length);
  if (dtype === 'bool') {
    // Any non-zero value (NaN included) is true, as in NumPy; bytes hold exactly 0 or 1.
    for (let i = 0; i < values.length; i++) storage[i] = values[i] !== 0 ? 1 : 0;
  } else {
    storage.set(values);
  }
  return new Tensor(storage, shape, dtype);
}

function shapeOfNested(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(values: NestedArray, shape: readonly number[]): (number | boolean)[] {
  const out: (number | boolean)[] = [];
  const rank = shape.length;
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === rank) {
      if (Array.isArray(v)) throw new ShapeError(messages.ragged(path));
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new DTypeError(
          messages.invalidArgument('tensor', `value at ${path}`, v, 'a number or boolean'),
        );
      }
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) throw new ShapeError(messages.ragged(path));
    v.forEach((item, i) => {
      walk(item, dim + 1, `${path}[${i}]`);
    });
  };
  walk(values, 0, 'values');
  return out;
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return fromFlat([value], [], dtype);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const storage = allocate(dtype, sizeOfShape(validShape('full', shape)));
  if (value !== 0) storage.fill(dtype === 'bool' ? 1 : value);
  return new Tensor(storage, shape, dtype);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, t.dtype);
}

/** Evenly spaced values in [start, stop); `arange(n)` counts 0..n-1. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) {
    throw new ValueError(messages.invalidArgument('arange', 'step', step, 'a finite non-zero number'));
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ValueError(
      messages.invalidArgument('arange', 'start and stop', [start, stop], 'finite numbers'),
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const storage = allocate(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return new Tensor(storage, [n], dtype);
}

export function validShape(op: string, shape: readonly number[]): readonly number[] {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(messages.invalidArgument(op, 'shape', shape, 'non-negative integers'));
  }
  return shape;
}
