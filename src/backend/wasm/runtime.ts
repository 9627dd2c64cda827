import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The exports of build/kernels.wasm (see assembly/index.ts). Pointers are byte offsets. */
interface KernelExports {
  packBThread(...args: number[]): void;
  packedBBytes(k: number, n: number): number;
  gemmThread(...args: number[]): void;
  gemmScratchBytes(): number;
  im2colThread(...args: number[]): void;
  col2imThread(...args: number[]): void;
  epilogueThread(...args: number[]): void;
  epilogueGradThread(...args: number[]): void;
  maxPoolThread(...args: number[]): void;
  maxPoolBackwardThread(...args: number[]): void;
  avgPoolThread(...args: number[]): void;
  adamThread(...args: number[]): void;
  sgdThread(...args: number[]): void;
  convMaxPoolThread(...args: number[]): void;
  zeroThread(...args: number[]): void;
}

/** The kernels that take a thread index and count as their last two arguments. */
type ParallelKernel = Exclude<keyof KernelExports, 'packedBBytes' | 'gemmScratchBytes'>;

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB: the memory's declared maximum (see the build script).
const HEAP_START = PAGE; // Keep address 0 and its neighbours unused.
// The control block shared with the workers: int32 fields, then the job's arguments as float64,
// then room for a failing worker's message.
const LAYOUT = {
  generation: 0,
  pending: 1,
  kernel: 2,
  argc: 3,
  failed: 4,
  ready: 5,
  ints: 6,
  argsOffset: 24,
  maxArgs: 16,
  messageOffset: 24 + 8 * 16,
  messageBytes: 512,
  // Iterations a thread spins on the control block before sleeping in Atomics.wait (tens of µs).
  spins: 20000,
};

/**
 * The WebAssembly side of the wasm backend: one shared memory, the kernels instantiated on it,
 * a scratch arena, and a pool of worker threads running the same kernels on the same memory.
 *
 * Memory is an arena reset at the start of every backend call: operands are copied in, the
 * result is copied out into a JavaScript typed array (which the garbage collector owns, like
 * every tensor's values). The arena only grows, so after warm-up no call allocates wasm memory.
 */
export class Runtime {
  readonly exports: KernelExports;
  readonly threads: number;
  readonly #memory: WebAssembly.Memory;
  readonly #module: WebAssembly.Module;
  #f32: Float32Array;
  #i32: Int32Array;
  #top = HEAP_START;
  /** Where each thread's GEMM scratch starts (thread t at gemmScratch + t · gemmScratchStride). */
  readonly gemmScratch = HEAP_START;
  readonly gemmScratchStride: number;
  /** The arena's start: everything below it is reserved for the runtime's life. */
  readonly #arena: number;
  readonly #state: Int32Array;
  readonly #args: Float64Array;
  readonly #message: Uint8Array;
  readonly #names: string[];
  readonly #workers: Worker[] = [];

  constructor(wasm: Uint8Array<ArrayBuffer>, threads: number) {
    this.#module = new WebAssembly.Module(wasm);
    this.#memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(this.#module, { env: { memory: this.#memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.#names = Object.keys(instance.exports);
    this.#f32 = new Float32Array(this.#memory.buffer);
    this.#i32 = new Int32Array(this.#memory.buffer);
    this.threads = threads;
    this.gemmScratchStride = Math.ceil(this.exports.gemmScratchBytes() / 16) * 16;
    this.alloc(this.gemmScratchStride * threads);
    this.#arena = this.#top;
    const control = new SharedArrayBuffer(LAYOUT.messageOffset + LAYOUT.messageBytes);
    this.#state = new Int32Array(control, 0, LAYOUT.ints);
    this.#args = new Float64Array(control, LAYOUT.argsOffset, LAYOUT.maxArgs);
    this.#message = new Uint8Array(control, LAYOUT.messageOffset, LAYOUT.messageBytes);
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), {
        // The worker is plain JavaScript: it needs none of the parent's loaders (tsx, vitest),
        // whose hooks could otherwise need the parent's event loop while it is blocked.
        execArgv: [],
        workerData: {
          module: this.#module,
          memory: this.#memory,
          control,
          index,
          count: threads,
          layout: LAYOUT,
        },
      });
      // Idle workers sleep in Atomics.wait; they must not keep the process alive.
      worker.unref();
      this.#workers.push(worker);
    }
  }

  /** Frees every allocation of the previous call. */
  reset(): void {
    this.#top = this.#arena;
  }

  /** True once every worker has started and takes its share of parallel jobs. */
  get ready(): boolean {
    return Atomics.load(this.#state, LAYOUT.ready) === this.#workers.length;
  }

  /** Bytes of wasm memory now. */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  /** Bytes of wasm memory, 16-byte aligned for SIMD loads. */
  alloc(bytes: number): number {
    const ptr = this.#top;
    this.#top += Math.ceil(bytes / 16) * 16;
    if (this.#top > this.#memory.buffer.byteLength) {
      const pages = Math.ceil((this.#top - this.#memory.buffer.byteLength) / PAGE);
      this.#memory.grow(pages);
      this.#f32 = new Float32Array(this.#memory.buffer);
      this.#i32 = new Int32Array(this.#memory.buffer);
    }
    return ptr;
  }

  copyIn(values: Float32Array | Int32Array): number {
    const ptr = this.alloc(values.length * 4);
    (values instanceof Float32Array ? this.#f32 : this.#i32).set(values, ptr / 4);
    return ptr;
  }

  writeInts(values: readonly number[]): number {
    const ptr = this.alloc(values.length * 4);
    this.#i32.set(values, ptr / 4);
    return ptr;
  }

  /** `count` zeroed floats; large blocks are cleared by all threads. */
  zeros(count: number): number {
    const ptr = this.alloc(count * 4);
    this.run('zeroThread', [ptr, count], count >= 1 << 16);
    return ptr;
  }

  copyOut(ptr: number, count: number): Float32Array {
    return this.#f32.slice(ptr / 4, ptr / 4 + count);
  }

  copyOutInts(ptr: number, count: number): Int32Array {
    return this.#i32.slice(ptr / 4, ptr / 4 + count);
  }

  /**
   * Runs `kernel(...args, t, threads)` for every thread t, the caller doing t = 0, and returns
   * when all are done. Small jobs pass `parallel = false` and stay on the calling thread.
   */
  run(kernel: ParallelKernel, args: readonly number[], parallel = true): void {
    const fn = this.exports[kernel];
    const state = this.#state;
    if (!parallel || this.#workers.length === 0) {
      fn(...args, 0, 1);
      return;
    }
    if (Atomics.load(state, LAYOUT.ready) < this.#workers.length) {
      if (Atomics.load(state, LAYOUT.failed) !== 0) {
        throw new Error(`wasm: a worker thread could not start (${this.#failure()}); set DEEPLINE_THREADS=1`);
      }
      // Workers still starting: never block on them; do every share here.
      for (let t = 0; t < this.threads; t++) fn(...args, t, this.threads);
      return;
    }
    const { generation, pending, failed } = LAYOUT;
    this.#args.set(args);
    state[LAYOUT.kernel] = this.#names.indexOf(kernel);
    state[LAYOUT.argc] = args.length;
    Atomics.store(state, pending, this.#workers.length);
    Atomics.add(state, generation, 1);
    Atomics.notify(state, generation);
    let own: unknown = null;
    try {
      fn(...args, 0, this.threads);
    } catch (error) {
      own = error;
    }
    // The workers' shares end about when ours does: spin a little before sleeping. Wait even if
    // our share threw, so that no worker is still writing when the caller goes on.
    for (let spin = 0; spin < LAYOUT.spins && Atomics.load(state, pending) !== 0; spin++);
    for (let left = Atomics.load(state, pending); left > 0; left = Atomics.load(state, pending)) {
      Atomics.wait(state, pending, left);
    }
    if (Atomics.load(state, pending) < 0) {
      // A share counted twice would otherwise leave the next job waiting forever.
      throw new Error(
        `wasm: the thread pool lost count of ${kernel}'s shares; set DEEPLINE_THREADS=1 and report this`,
      );
    }
    const workerFailed = Atomics.exchange(state, failed, 0) !== 0;
    if (own !== null) throw own;
    if (workerFailed) throw new Error(`wasm kernel ${kernel} failed on a worker thread (${this.#failure()})`);
  }

  /** The message a failing worker left in the control block. */
  #failure(): string {
    return new TextDecoder().decode(this.#message.slice()).replace(/\0+$/, '');
  }
}

/** Thread count: DEEPLINE_THREADS if set, otherwise one per available core. */
function threadCount(): number {
  const setting = process.env.DEEPLINE_THREADS;
  if (setting === undefined || setting === '') return availableParallelism();
  const requested = Number(setting);
  if (!Number.isInteger(requested) || requested < 1) {
    throw new Error(
      `DEEPLINE_THREADS is ${JSON.stringify(setting)}; expected a whole number of threads, 1 or more`,
    );
  }
  return requested;
}

/**
 * Starts the runtime from build/kernels.wasm (made by `npm run build:wasm`). Throws, naming the
 * file, when the kernels are missing or this JavaScript engine lacks WebAssembly SIMD or threads.
 */
export function loadRuntime(threads = threadCount()): Runtime {
  const file = new URL('../../../build/kernels.wasm', import.meta.url);
  let wasm: Uint8Array<ArrayBuffer>;
  try {
    wasm = readFileSync(file);
  } catch {
    throw new Error(`${file.pathname} is missing; run 'npm run build:wasm'`);
  }
  return new Runtime(wasm, threads);
}
