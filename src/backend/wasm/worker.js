// A thread of the wasm backend's pool. It instantiates the kernels on the shared memory, then
// waits for the caller to publish a job, runs its share, and counts itself done. Waiting spins
// for a few tens of microseconds first, since a training step publishes jobs back to back and
// waking from Atomics.wait costs ~50 µs, then sleeps in Atomics.wait: an idle pool burns no
// core. A failure is reported through the control block rather than by dying, because the
// caller is blocked in Atomics.wait and would never see the worker's error event.
// Plain JavaScript, because a worker is started from a file as it is.
import { workerData } from 'node:worker_threads';

const { module, memory, control, index, count, layout } = workerData;
const state = new Int32Array(control, 0, layout.ints);
const args = new Float64Array(control, layout.argsOffset, layout.maxArgs);
const message = new Uint8Array(control, layout.messageOffset, layout.messageBytes);

function report(error) {
  if (Atomics.compareExchange(state, layout.failed, 0, 1) !== 0) return;
  const text = new TextEncoder()
    .encode(`worker ${index}: ${error?.message ?? error}`)
    .slice(0, message.length);
  message.fill(0);
  message.set(text);
}

let kernels;
try {
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch (error) {
  // Never counted as ready, so no job is ever sent here; the caller raises this message.
  report(error);
}

if (kernels) {
  const names = Object.keys(kernels);
  // Until every worker has said so, the caller runs all the shares itself.
  Atomics.add(state, layout.ready, 1);
  let seen = 0;
  for (;;) {
    for (let spin = 0; spin < layout.spins && Atomics.load(state, layout.generation) === seen; spin++);
    // Only a new generation is a new job: a wait that returns without one (an interrupt) must
    // not run the last job again, or `pending` would be counted down twice.
    while (Atomics.load(state, layout.generation) === seen) Atomics.wait(state, layout.generation, seen);
    seen = Atomics.load(state, layout.generation);
    try {
      kernels[names[state[layout.kernel]]](...args.subarray(0, state[layout.argc]), index, count);
    } catch (error) {
      report(error);
    } finally {
      if (Atomics.sub(state, layout.pending, 1) === 1) Atomics.notify(state, layout.pending);
    }
  }
}
