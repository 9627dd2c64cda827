// A thread of the wasm backend's pool. It instantiates the kernels on the shared memory, then
// waits for the caller to publish a job, runs its share, and counts itself done. Waiting spins
// for a few tens of microseconds first, since a training step publishes jobs back to back and
// waking from Atomics.wait costs ~50 µs, then sleeps in Atomics.wait: an idle pool burns no
// core. Plain JavaScript, because a worker is started from a file as it is.
import { workerData } from 'node:worker_threads';

const { module, memory, control, index, count, maxArgs } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const names = Object.keys(exports);
// control: [generation, pending, kernel, argc] as int32, then the arguments as float64.
const state = new Int32Array(control, 0, 4);
const args = new Float64Array(control, 16, maxArgs);

const SPINS = 20000;

let seen = 0;
for (;;) {
  for (let spin = 0; spin < SPINS && Atomics.load(state, 0) === seen; spin++);
  Atomics.wait(state, 0, seen);
  seen = Atomics.load(state, 0);
  const kernel = exports[names[state[2]]];
  kernel(...args.subarray(0, state[3]), index, count);
  if (Atomics.sub(state, 1, 1) === 1) Atomics.notify(state, 1);
}
