import type { Backend, Conv2DInfo, Epilogue, FusedActivation, MatMulInfo, Pool2DInfo } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { TypedArray } from '../storage.js';
import type { Runtime } from './runtime.js';

// Below this many multiply-adds a GEMM stays on the calling thread: waking the pool costs more.
const PARALLEL_MACS = 1 << 16;
// Below this many elements an elementwise pass stays on the calling thread.
const PARALLEL_ELEMENTS = 1 << 15;
const ACTIVATION_CODES: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
// Rows of an im2col matrix are built this many floats at a time, so memory stays bounded.
const IM2COL_FLOATS = 1 << 22;

/**
 * The fast backend: float32 GEMM and convolution in WebAssembly SIMD on a pool of threads.
 * Everything it does not accelerate (other dtypes, memory-bound elementwise ops) is the js
 * backend's, which the conformance tests hold it to.
 */
export function createWasmBackend(rt: Runtime): Backend {
  const k = rt.exports;

  /** C (m × n) = op(A) · op(B) for operands already in wasm memory; B may come pre-packed. */
  function gemm(
    a: number,
    b: number | { packed: number },
    c: number,
    m: number,
    kk: number,
    n: number,
    transA: boolean,
    transB: boolean,
    accumulate = false,
  ): void {
    const packed = typeof b === 'number' ? pack(b, kk, n, transB) : b.packed;
    const parallel = m * kk * n >= PARALLEL_MACS;
    const threads = parallel ? rt.threads : 1;
    const stride = Math.ceil(k.gemmThreadScratchBytes(m, n, threads) / 16) * 16;
    const scratch = rt.alloc(stride * threads);
    rt.run('gemmThread', [a, packed, c, m, kk, n, +transA, +accumulate, scratch, stride], parallel);
  }

  function pack(b: number, kk: number, n: number, transB: boolean): number {
    const packed = rt.alloc(k.packedBBytes(kk, n));
    k.packB(b, kk, n, +transB, packed);
    return packed;
  }

  /** Applies y = activation(z + bias) to rows × n values at z, in wasm memory. */
  function epilogue(z: number, rows: number, n: number, e: Epilogue | undefined): void {
    if (!e) return;
    const bias = e.bias instanceof Float32Array ? rt.copyIn(e.bias) : 0;
    rt.run(
      'epilogueThread',
      [z, bias, rows, n, ACTIVATION_CODES.indexOf(e.activation)],
      rows * n >= PARALLEL_ELEMENTS,
    );
  }

  /** Whole images per im2col chunk, so that col2im threads never share a pixel. */
  function chunks(info: Conv2DInfo): { images: number; rows: number; width: number } {
    const width = info.kH * info.kW * info.inC;
    const pixels = info.outH * info.outW;
    const images = Math.max(1, Math.min(info.batch, Math.floor(IM2COL_FLOATS / (width * pixels))));
    return { images, rows: images * pixels, width };
  }

  function geometry(info: Conv2DInfo): number {
    return rt.writeInts([
      info.batch,
      info.inH,
      info.inW,
      info.inC,
      info.outH,
      info.outW,
      info.outC,
      info.kH,
      info.kW,
      info.strideH,
      info.strideW,
      info.dilationH,
      info.dilationW,
      info.padTop,
      info.padLeft,
    ]);
  }

  function poolGeometry(info: Pool2DInfo): number {
    return rt.writeInts([
      info.batch,
      info.inH,
      info.inW,
      info.channels,
      info.outH,
      info.outW,
      info.kH,
      info.kW,
      info.strideH,
      info.strideW,
      info.padTop,
      info.padLeft,
    ]);
  }

  const inputSize = (info: Pool2DInfo) => info.batch * info.inH * info.inW * info.channels;
  const outputSize = (info: Pool2DInfo) => info.batch * info.outH * info.outW * info.channels;
  // Windows that overlap would make two threads add into one input position.
  const disjoint = (info: Pool2DInfo) => info.strideH >= info.kH && info.strideW >= info.kW;

  /** Calls `step(image0, images, row0, rows)` for each chunk of whole images. */
  function forEachChunk(
    info: Conv2DInfo,
    step: (image0: number, images: number, row0: number, rows: number) => void,
  ) {
    const { images } = chunks(info);
    const pixels = info.outH * info.outW;
    for (let image0 = 0; image0 < info.batch; image0 += images) {
      const count = Math.min(images, info.batch - image0);
      step(image0, count, image0 * pixels, count * pixels);
    }
  }

  return {
    ...jsBackend,
    name: 'wasm',

    matMul(a: TypedArray, b: TypedArray, info: MatMulInfo, fused?: Epilogue): TypedArray {
      if (!(a instanceof Float32Array && b instanceof Float32Array))
        return jsBackend.matMul(a, b, info, fused);
      rt.reset();
      const { batch, m, k: kk, n, transposeA, transposeB, aBatchStride, bBatchStride } = info;
      const pa = rt.copyIn(a);
      const pb = rt.copyIn(b);
      const pc = rt.alloc(batch * m * n * 4);
      const shared = bBatchStride === 0 ? { packed: pack(pb, kk, n, transposeB) } : null;
      for (let t = 0; t < batch; t++) {
        gemm(
          pa + t * aBatchStride * 4,
          shared ?? pb + t * bBatchStride * 4,
          pc + t * m * n * 4,
          m,
          kk,
          n,
          transposeA,
          transposeB,
        );
      }
      epilogue(pc, batch * m, n, fused);
      return rt.copyOut(pc, batch * m * n);
    },

    conv2d(x: TypedArray, filter: TypedArray, info: Conv2DInfo, fused?: Epilogue): TypedArray {
      if (!(x instanceof Float32Array && filter instanceof Float32Array))
        return jsBackend.conv2d(x, filter, info, fused);
      rt.reset();
      const { width, rows: maxRows } = chunks(info);
      const px = rt.copyIn(x);
      const pf = pack(rt.copyIn(filter), width, info.outC, false);
      const geo = geometry(info);
      const py = rt.alloc(info.batch * info.outH * info.outW * info.outC * 4);
      const cols = rt.alloc(maxRows * width * 4);
      forEachChunk(info, (_image0, _images, row0, rows) => {
        rt.run('im2colThread', [px, cols, geo, row0, rows]);
        gemm(cols, { packed: pf }, py + row0 * info.outC * 4, rows, width, info.outC, false, false);
      });
      epilogue(py, info.batch * info.outH * info.outW, info.outC, fused);
      return rt.copyOut(py, info.batch * info.outH * info.outW * info.outC);
    },

    maxPool2d(x: TypedArray, info: Pool2DInfo): { y: TypedArray; argmax: Int32Array } {
      if (!(x instanceof Float32Array)) return jsBackend.maxPool2d(x, info);
      rt.reset();
      const px = rt.copyIn(x);
      const size = outputSize(info);
      const py = rt.alloc(size * 4);
      const pa = rt.alloc(size * 4);
      rt.run('maxPoolThread', [px, py, pa, poolGeometry(info)], size >= PARALLEL_ELEMENTS);
      return { y: rt.copyOut(py, size), argmax: rt.copyOutInts(pa, size) };
    },

    maxPool2dBackward(dy: TypedArray, argmax: Int32Array, info: Pool2DInfo): TypedArray {
      if (!(dy instanceof Float32Array)) return jsBackend.maxPool2dBackward(dy, argmax, info);
      rt.reset();
      const pdy = rt.copyIn(dy);
      const pa = rt.copyIn(argmax);
      const pdx = rt.zeros(inputSize(info));
      rt.run(
        'maxPoolBackwardThread',
        [pdy, pa, pdx, dy.length],
        disjoint(info) && dy.length >= PARALLEL_ELEMENTS,
      );
      return rt.copyOut(pdx, inputSize(info));
    },

    avgPool2d(x: TypedArray, info: Pool2DInfo): TypedArray {
      if (!(x instanceof Float32Array)) return jsBackend.avgPool2d(x, info);
      rt.reset();
      const px = rt.copyIn(x);
      const py = rt.alloc(outputSize(info) * 4);
      rt.run('avgPoolThread', [px, py, poolGeometry(info), 0], outputSize(info) >= PARALLEL_ELEMENTS);
      return rt.copyOut(py, outputSize(info));
    },

    avgPool2dBackward(dy: TypedArray, info: Pool2DInfo): TypedArray {
      if (!(dy instanceof Float32Array)) return jsBackend.avgPool2dBackward(dy, info);
      rt.reset();
      const pdy = rt.copyIn(dy);
      const pdx = rt.zeros(inputSize(info));
      rt.run(
        'avgPoolThread',
        [pdy, pdx, poolGeometry(info), 1],
        disjoint(info) && dy.length >= PARALLEL_ELEMENTS,
      );
      return rt.copyOut(pdx, inputSize(info));
    },

    conv2dBackpropFilter(x: TypedArray, dy: TypedArray, info: Conv2DInfo): TypedArray {
      if (!(x instanceof Float32Array && dy instanceof Float32Array))
        return jsBackend.conv2dBackpropFilter(x, dy, info);
      rt.reset();
      const { width, rows: maxRows } = chunks(info);
      const px = rt.copyIn(x);
      const pdy = rt.copyIn(dy);
      const geo = geometry(info);
      const pdf = rt.alloc(width * info.outC * 4);
      const cols = rt.alloc(maxRows * width * 4);
      // dW (width × outC) = colsᵀ · dy, summed over chunks.
      forEachChunk(info, (image0, _images, row0, rows) => {
        rt.run('im2colThread', [px, cols, geo, row0, rows]);
        gemm(cols, pdy + row0 * info.outC * 4, pdf, width, rows, info.outC, true, false, image0 > 0);
      });
      return rt.copyOut(pdf, width * info.outC);
    },

    conv2dBackpropInput(dy: TypedArray, filter: TypedArray, info: Conv2DInfo): TypedArray {
      if (!(dy instanceof Float32Array && filter instanceof Float32Array))
        return jsBackend.conv2dBackpropInput(dy, filter, info);
      rt.reset();
      const { width, rows: maxRows } = chunks(info);
      const pdy = rt.copyIn(dy);
      // dcols (rows × width) = dy · filterᵀ, with the filter stored width × outC.
      const pf = pack(rt.copyIn(filter), info.outC, width, true);
      const geo = geometry(info);
      const inputSize = info.batch * info.inH * info.inW * info.inC;
      const pdx = rt.zeros(inputSize);
      const cols = rt.alloc(maxRows * width * 4);
      forEachChunk(info, (image0, images, row0, rows) => {
        gemm(pdy + row0 * info.outC * 4, { packed: pf }, cols, rows, info.outC, width, false, true);
        rt.run('col2imThread', [cols, pdx, geo, image0, images]);
      });
      return rt.copyOut(pdx, inputSize);
    },
  };
}
