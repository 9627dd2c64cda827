import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { createWasmBackend } from './wasm/index.js';
import { loadRuntime } from './wasm/runtime.js';

export type {
  AdamHyper,
  ArgReduceOp,
  ArithmeticOp,
  Backend,
  BinaryOp,
  ComparisonOp,
  Conv2DInfo,
  ConvGrads,
  Epilogue,
  FusedActivation,
  GradRequest,
  MatMulInfo,
  Pool2DInfo,
  ReduceOp,
  SgdHyper,
  UnaryOp,
} from './backend.js';
export { FUSED_ACTIVATIONS } from './backend.js';
export { allocate, type DType, isFloat, type TypedArray } from './storage.js';

const backends = new Map<string, Backend>([['js', jsBackend]]);
let active: Backend = jsBackend;

// The wasm backend is the default wherever its kernels load; the reason is kept if they do not.
let wasmUnavailable = '';
try {
  const wasm = createWasmBackend(loadRuntime());
  backends.set(wasm.name, wasm);
  active = wasm;
} catch (error) {
  wasmUnavailable = (error as Error).message;
  // Falling back is right, but a silent fall to the slow reference backend is not.
  console.warn(`deepline: the wasm backend could not start (${wasmUnavailable}); using the js backend`);
}

/** The backend every op runs on. */
export function backend(): Backend {
  return active;
}

/** Adds a backend under its name; the built-in ones cannot be replaced. */
export function registerBackend(impl: Backend): void {
  if (impl.name === 'js' || impl.name === 'wasm') {
    throw new Error(`registerBackend: '${impl.name}' is a built-in backend; choose another name`);
  }
  backends.set(impl.name, impl);
}

export function setBackend(name: string): void {
  const found = backends.get(name);
  if (!found) {
    const why = name === 'wasm' && wasmUnavailable ? ` (wasm could not start: ${wasmUnavailable})` : '';
    throw new Error(
      `setBackend: no backend named '${name}'${why}; available: ${[...backends.keys()].join(', ')}`,
    );
  }
  active = found;
}

/** The name of the backend ops run on now. */
export function getBackend(): string {
  return active.name;
}

export function backendNames(): string[] {
  return [...backends.keys()];
}
