import {
  type AdamHyper,
  type Backend,
  type Conv2DInfo,
  type ConvGrads,
  type Epilogue,
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type GradRequest,
  type MatMulInfo,
  type Pool2DInfo,
  type SgdHyper,
} from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { TypedArray } from '../storage.js';
import type { Runtime } from './runtime.js';

// Below this many multiply-adds a GEMM stays on the calling thread. Inside a training loop,
// splitting smaller products cost more than it saved: `bench:mnist --model mlp` (10M-MAC
// products) trained ≈ 10% faster with this threshold than with 1 << 16.
const PARALLEL_MACS = 1 << 24;
// Below this many elements a pass over memory (pooling, epilogues, optimizer updates) stays on
// the calling thread, for the same reason.
const PARALLEL_ELEMENTS = 1 << 17;
// Filters with at most this many taps (kH·kW·inC) convolve directly rather than by im2col + GEMM.
const DIRECT_CONV_TAPS = 64;
// Rows of an im2col matrix are built this many floats at a time, so memory stays bounded.
const IM2COL_FLOATS = 1 << 22;

// The order of the fields of ConvGeometry and PoolGeometry in assembly/geometry.ts.
const CONV_FIELDS = [
  'batch',
  'inH',
  'inW',
  'inC',
  'outH',
  'outW',
  'outC',
  'kH',
  'kW',
  'strideH',
  'strideW',
  'dilationH',
  'dilationW',
  'padTop',
  'padLeft',
] as const satisfies readonly (keyof Conv2DInfo)[];
const POOL_FIELDS = [
  'batch',
  'inH',
  'inW',
  'channels',
  'outH',
  'outW',
  'kH',
  'kW',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
] as const satisfies readonly (keyof Pool2DInfo)[];

/**
 * The fast backend: float32 GEMM, convolution, pooling, fused epilogues and optimizer updates in
 * WebAssembly SIMD on a pool of threads. Operands are copied into the runtime's arena for each
 * call and results copied out, so tensors stay ordinary garbage-collected arrays. Everything it
 * does not accelerate (other dtypes, elementwise ops and reductions, which are memory-bound and
 * would spend more on the copies than they save) is the js backend's, which the conformance
 * tests hold it to.
 */
export function createWasmBackend(rt: Runtime): Backend {
  const k = rt.exports;

  /**
   * C (m × n) = op(A) · packed op(B), operands in wasm memory. The threads' scratch is the
   * runtime's, reserved once, so a call with many products (a batch, im2col chunks) does not
   * grow the arena per product.
   */
  function gemm(
    a: number,
    packed: number,
    c: number,
    m: number,
    kk: number,
    n: number,
    transA: boolean,
    accumulate = false,
  ) {
    const parallel = m * kk * n >= PARALLEL_MACS;
    rt.run(
      'gemmThread',
      [a, packed, c, m, kk, n, +transA, +accumulate, rt.gemmScratch, rt.gemmScratchStride],
      parallel,
    );
  }

  /** Packs op(B) (k × n) into `dst`, or into new arena memory. */
  function pack(
    b: number,
    kk: number,
    n: number,
    transB: boolean,
    dst = rt.alloc(k.packedBBytes(kk, n)),
  ): number {
    rt.run('packBThread', [b, kk, n, +transB, dst], kk * n >= PARALLEL_ELEMENTS);
    return dst;
  }

  /** Applies y = activation(z + bias) to rows × n values at z, in wasm memory. */
  function epilogue(z: number, rows: number, n: number, e: Epilogue | undefined): void {
    if (!e) return;
    const bias = e.bias instanceof Float32Array ? rt.copyIn(e.bias) : 0;
    rt.run(
      'epilogueThread',
      [z, bias, rows, n, FUSED_ACTIVATIONS.indexOf(e.activation)],
      rows * n >= PARALLEL_ELEMENTS,
    );
  }

  /** Convolutions with nothing to compute go to the js backend rather than the kernels' loops. */
  const empty = (info: Conv2DInfo) =>
    info.batch * info.outH * info.outW * info.outC * info.inC * info.kH * info.kW === 0;

  /** Whole images per im2col chunk, so that col2im threads never share a pixel. */
  function chunks(info: Conv2DInfo): { images: number; rows: number; width: number } {
    const width = info.kH * info.kW * info.inC;
    const pixels = info.outH * info.outW;
    const images = Math.max(1, Math.min(info.batch, Math.floor(IM2COL_FLOATS / (width * pixels))));
    return { images, rows: images * pixels, width };
  }

  /** Writes a convolution's geometry where the kernels read it (assembly/geometry.ts). */
  const geometry = (info: Conv2DInfo): number => rt.writeInts(CONV_FIELDS.map((field) => info[field]));
  const poolGeometry = (info: Pool2DInfo): number => rt.writeInts(POOL_FIELDS.map((field) => info[field]));

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

  /** The raw convolution of x (at px) with the filter (at pf, unpacked), written to a new buffer. */
  function convolve(px: number, pf: number, info: Conv2DInfo): number {
    const { width, rows: maxRows } = chunks(info);
    const packed = pack(pf, width, info.outC, false);
    const geo = geometry(info);
    const py = rt.alloc(info.batch * info.outH * info.outW * info.outC * 4);
    const cols = rt.alloc(maxRows * width * 4);
    forEachChunk(info, (_image0, _images, row0, rows) => {
      rt.run('im2colThread', [px, cols, geo, row0, rows]);
      gemm(cols, packed, py + row0 * info.outC * 4, rows, width, info.outC, false);
    });
    return py;
  }

  /**
   * Turns dy (at pdz, rows × n) into dz = dy · activation'(y) in place, and returns the bias
   * gradient (column sums of dz) when asked for.
   */
  function activationGrad(
    pdz: number,
    y: TypedArray,
    rows: number,
    n: number,
    activation: FusedActivation,
    withBias: boolean,
  ): TypedArray | null {
    if (activation === 'linear' && !withBias) return null;
    const py = activation === 'linear' ? pdz : rt.copyIn(y as Float32Array);
    const parallel = rows * n >= PARALLEL_ELEMENTS;
    const threads = parallel ? rt.threads : 1;
    const partials = withBias ? rt.alloc(threads * n * 4) : 0;
    rt.run(
      'epilogueGradThread',
      [pdz, py, pdz, rows, n, FUSED_ACTIVATIONS.indexOf(activation), partials],
      parallel,
    );
    if (!withBias) return null;
    const sums = rt.copyOut(partials, threads * n);
    const dBias = new Float32Array(n);
    for (let t = 0; t < threads; t++) for (let j = 0; j < n; j++) dBias[j] += sums[t * n + j];
    return dBias;
  }

  /** Input and filter gradients of a convolution from dz (at pdz), as asked for. */
  function convGrads(
    x: TypedArray,
    filter: TypedArray,
    pdz: number,
    info: Conv2DInfo,
    want: GradRequest,
  ): { dx: TypedArray | null; dFilter: TypedArray | null } {
    const { width, rows: maxRows } = chunks(info);
    const geo = geometry(info);
    const cols = rt.alloc(maxRows * width * 4);
    let dFilter: TypedArray | null = null;
    let dx: TypedArray | null = null;
    if (want.filter) {
      const px = rt.copyIn(x as Float32Array);
      // dW (width × outC) = colsᵀ · dz, summed over chunks; zeroed first in case there are none.
      const pdf = rt.zeros(width * info.outC);
      const packed = rt.alloc(k.packedBBytes(maxRows, info.outC));
      forEachChunk(info, (_image0, _images, row0, rows) => {
        rt.run('im2colThread', [px, cols, geo, row0, rows]);
        pack(pdz + row0 * info.outC * 4, rows, info.outC, false, packed);
        gemm(cols, packed, pdf, width, rows, info.outC, true, true);
      });
      dFilter = rt.copyOut(pdf, width * info.outC);
    }
    if (want.input) {
      // dcols (rows × width) = dz · filterᵀ, with the filter stored width × outC; then col2im.
      const packed = pack(rt.copyIn(filter as Float32Array), info.outC, width, true);
      const inputSize = info.batch * info.inH * info.inW * info.inC;
      const pdx = rt.zeros(inputSize);
      forEachChunk(info, (image0, images, row0, rows) => {
        gemm(pdz + row0 * info.outC * 4, packed, cols, rows, info.outC, width, false);
        rt.run('col2imThread', [cols, pdx, geo, image0, images]);
      });
      dx = rt.copyOut(pdx, inputSize);
    }
    return { dx, dFilter };
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
      // One packed buffer for the whole batch: packed once when B is shared, else refilled.
      const packed = pack(pb, kk, n, transposeB);
      for (let t = 0; t < batch; t++) {
        if (t > 0 && bBatchStride !== 0) pack(pb + t * bBatchStride * 4, kk, n, transposeB, packed);
        gemm(pa + t * aBatchStride * 4, packed, pc + t * m * n * 4, m, kk, n, transposeA);
      }
      epilogue(pc, batch * m, n, fused);
      return rt.copyOut(pc, batch * m * n);
    },

    conv2d(x: TypedArray, filter: TypedArray, info: Conv2DInfo, fused?: Epilogue): TypedArray {
      if (!(x instanceof Float32Array && filter instanceof Float32Array) || empty(info)) {
        return jsBackend.conv2d(x, filter, info, fused);
      }
      rt.reset();
      const size = info.batch * info.outH * info.outW * info.outC;
      const py = convolve(rt.copyIn(x), rt.copyIn(filter), info);
      epilogue(py, size / info.outC, info.outC, fused);
      return rt.copyOut(py, size);
    },

    conv2dBackward(
      x: TypedArray,
      filter: TypedArray,
      dy: TypedArray,
      y: TypedArray,
      info: Conv2DInfo,
      activation: FusedActivation,
      want: GradRequest,
    ): ConvGrads {
      if (
        !(x instanceof Float32Array && filter instanceof Float32Array && dy instanceof Float32Array) ||
        empty(info)
      ) {
        return jsBackend.conv2dBackward(x, filter, dy, y, info, activation, want);
      }
      rt.reset();
      const pdz = rt.copyIn(dy);
      const dBias = activationGrad(pdz, y, dy.length / info.outC, info.outC, activation, want.bias);
      return { ...convGrads(x, filter, pdz, info, want), dBias };
    },

    conv2dMaxPool(
      x: TypedArray,
      filter: TypedArray,
      conv: Conv2DInfo,
      pool: Pool2DInfo,
      fused?: Epilogue,
    ): { y: TypedArray; argmax: Int32Array } {
      if (
        !(x instanceof Float32Array && filter instanceof Float32Array) ||
        empty(conv) ||
        outputSize(pool) === 0
      ) {
        return jsBackend.conv2dMaxPool(x, filter, conv, pool, fused);
      }
      rt.reset();
      const size = outputSize(pool);
      const py = rt.alloc(size * 4);
      const pa = rt.alloc(size * 4);
      if (conv.outC % 16 === 0 && conv.kH * conv.kW * conv.inC <= DIRECT_CONV_TAPS) {
        // Small filters: the fused direct kernel, which also applies the bias and activation.
        const bias = fused?.bias instanceof Float32Array ? rt.copyIn(fused.bias) : 0;
        const activation = FUSED_ACTIVATIONS.indexOf(fused?.activation ?? 'linear');
        const args = [
          rt.copyIn(x),
          rt.copyIn(filter),
          bias,
          activation,
          py,
          pa,
          geometry(conv),
          poolGeometry(pool),
        ];
        rt.run('convMaxPoolThread', args, size >= PARALLEL_ELEMENTS);
        return { y: rt.copyOut(py, size), argmax: rt.copyOutInts(pa, size) };
      }
      const pconv = convolve(rt.copyIn(x), rt.copyIn(filter), conv);
      rt.run('maxPoolThread', [pconv, py, pa, poolGeometry(pool)], size >= PARALLEL_ELEMENTS);
      epilogue(py, size / pool.channels, pool.channels, fused);
      return { y: rt.copyOut(py, size), argmax: rt.copyOutInts(pa, size) };
    },

    conv2dMaxPoolBackward(
      x: TypedArray,
      filter: TypedArray,
      dy: TypedArray,
      y: TypedArray,
      argmax: Int32Array,
      conv: Conv2DInfo,
      pool: Pool2DInfo,
      activation: FusedActivation,
      want: GradRequest,
    ): ConvGrads {
      if (
        !(x instanceof Float32Array && filter instanceof Float32Array && dy instanceof Float32Array) ||
        empty(conv) ||
        dy.length === 0
      ) {
        return jsBackend.conv2dMaxPoolBackward(x, filter, dy, y, argmax, conv, pool, activation, want);
      }
      rt.reset();
      const pdz = rt.copyIn(dy);
      const dBias = activationGrad(pdz, y, dy.length / pool.channels, pool.channels, activation, want.bias);
      const pdconv = rt.zeros(conv.batch * conv.outH * conv.outW * conv.outC);
      const parallel = disjoint(pool) && dy.length >= PARALLEL_ELEMENTS;
      rt.run('maxPoolBackwardThread', [pdz, rt.copyIn(argmax), pdconv, dy.length], parallel);
      return { ...convGrads(x, filter, pdconv, conv, want), dBias };
    },

    adam(param: TypedArray, grad: TypedArray, m: TypedArray, v: TypedArray, hyper: AdamHyper) {
      if (![param, grad, m, v].every((a) => a instanceof Float32Array))
        return jsBackend.adam(param, grad, m, v, hyper);
      rt.reset();
      const n = param.length;
      const [pp, pg, pm, pv] = [param, grad, m, v].map((a) => rt.copyIn(a as Float32Array));
      const { learningRate, beta1, beta2, epsilon } = hyper;
      rt.run('adamThread', [pp, pg, pm, pv, n, learningRate, beta1, beta2, epsilon], n >= PARALLEL_ELEMENTS);
      return { param: rt.copyOut(pp, n), m: rt.copyOut(pm, n), v: rt.copyOut(pv, n) };
    },

    sgd(param: TypedArray, grad: TypedArray, velocity: TypedArray | null, hyper: SgdHyper) {
      if (!(param instanceof Float32Array && grad instanceof Float32Array)) {
        return jsBackend.sgd(param, grad, velocity, hyper);
      }
      rt.reset();
      const n = param.length;
      const pp = rt.copyIn(param);
      const pv = velocity instanceof Float32Array ? rt.copyIn(velocity) : 0;
      const { learningRate, momentum, nesterov } = hyper;
      rt.run(
        'sgdThread',
        [pp, rt.copyIn(grad), pv, n, learningRate, momentum, +nesterov],
        n >= PARALLEL_ELEMENTS,
      );
      return { param: rt.copyOut(pp, n), velocity: pv ? rt.copyOut(pv, n) : null };
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
  };
}
