import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

export type {
  ArgReduceOp,
  ArithmeticOp,
  Backend,
  BinaryOp,
  ComparisonOp,
  Conv2DInfo,
  MatMulInfo,
  Pool2DInfo,
  ReduceOp,
  UnaryOp,
} from './backend.js';
export { allocate, type DType, isFloat, type TypedArray } from './storage.js';

const backends = new Map<string, Backend>([['js', jsBackend]]);
let active: Backend = jsBackend;

/** The backend every op runs on. */
export function backend(): Backend {
  return active;
}

export function registerBackend(impl: Backend): void {
  backends.set(impl.name, impl);
}

export function setBackend(name: string): void {
  const found = backends.get(name);
  if (!found) {
    throw new Error(`setBackend: no backend named '${name}'; available: ${[...backends.keys()].join(', ')}`);
  }
  active = found;
}

export function backendNames(): string[] {
  return [...backends.keys()];
}
