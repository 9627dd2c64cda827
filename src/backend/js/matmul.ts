import type { MatMulInfo } from '../backend.js';
import { allocate, dtypeOf, type TypedArray } from '../storage.js';

/**
 * The readable reference GEMM. Loop order is chosen so the innermost loop walks memory
 * contiguously: i-k-j when B is stored k-major, a dot product over k when B is transposed.
 */
export function matMul(a: TypedArray, b: TypedArray, info: MatMulInfo): TypedArray {
  const { batch, m, k, n, transposeA, transposeB, aBatchStride, bBatchStride } = info;
  const out = allocate(dtypeOf(a), batch * m * n);
  // Element (i, p) of op(A) and (p, j) of op(B), as strides into the stored matrices.
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  for (let t = 0; t < batch; t++) {
    const aOff = t * aBatchStride;
    const bOff = t * bBatchStride;
    const cOff = t * m * n;
    if (transposeB) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          const bj = bOff + j * k;
          for (let p = 0; p < k; p++) sum += a[aOff + i * aRow + p * aCol] * b[bj + p];
          out[cOff + i * n + j] = sum;
        }
      }
    } else {
      const row = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let p = 0; p < k; p++) {
          const av = a[aOff + i * aRow + p * aCol];
          const bp = bOff + p * n;
          for (let j = 0; j < n; j++) row[j] += av * b[bp + j];
        }
        out.set(row, cOff + i * n);
      }
    }
  }
  return out;
}
