/**
 * Storage types shared by every backend. Tensors are contiguous, row-major typed arrays;
 * `bool` is stored one byte per element, and `float64` exists so that numerical checks
 * (finite differences) can run at double precision on the reference backend.
 */
export type DType = 'float32' | 'int32' | 'bool' | 'float64';

export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array;

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    case 'float64':
      return new Float64Array(size);
  }
}

export function dtypeOf(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return 'float64';
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}
