// npm run bench:runtime — the costs around the wasm kernels that the notes and RESULTS.md quote:
// waking the thread pool, an idle pool's CPU, copying operands into wasm memory, allocating the
// fresh arrays results are copied out into, and a plain JavaScript elementwise loop.
import { loadRuntime } from '../src/backend/wasm/runtime.js';
import { add, ones } from '../src/index.js';
import { machine, medianMs } from './timing.js';

const rt = loadRuntime(2);
while (!rt.ready) await new Promise((resolve) => setTimeout(resolve, 5));

const empty = rt.alloc(64);
// An epilogue over zero rows: the cost of a dispatch and nothing else.
const job = (parallel: boolean) => () => rt.run('epilogueThread', [empty, 0, 0, 4, 0], parallel);
const dispatches = 1000;
const perDispatch = (parallel: boolean) =>
  (medianMs(() => {
    for (let i = 0; i < dispatches; i++) job(parallel)();
  }, 7) /
    dispatches) *
  1000;

const before = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, 1000));
const idle = process.cpuUsage(before);

const n = 692_224; // the seed CNN's dense kernel, 5408 × 128 floats (2.7 MB)
const source = new Float32Array(n).fill(1.5);
const copyIn = medianMs(() => {
  rt.reset();
  rt.copyIn(source);
}, 21);
// Writing a fresh array costs its page faults on top of the writes; the difference is the price
// of returning every result in a new array.
const reused = new Float32Array(n);
const writeReused = medianMs(() => reused.set(source), 21);
const writeFresh = medianMs(() => new Float32Array(n).set(source), 21);
const a = ones([n]);
const elementwise = medianMs(() => add(a, a), 21);

console.log(`Machine: ${machine()}; wasm pool of 2 threads`);
console.log('| measure | value |');
console.log('| --- | --- |');
console.log(`| dispatch of an empty job to the pool | ${perDispatch(true).toFixed(1)} µs |`);
console.log(`| the same job on the calling thread | ${perDispatch(false).toFixed(2)} µs |`);
console.log(`| CPU used by an idle pool in 1 s | ${((idle.user + idle.system) / 1000).toFixed(1)} ms |`);
console.log(
  `| copy 2.7 MB into wasm memory | ${copyIn.toFixed(3)} ms (${((copyIn * 1e6) / n).toFixed(2)} ns/float) |`,
);
console.log(`| copy 2.7 MB into an existing Float32Array | ${writeReused.toFixed(3)} ms |`);
console.log(`| copy 2.7 MB into a fresh Float32Array | ${writeFresh.toFixed(3)} ms |`);
console.log(
  `| js add of two 692,224-float tensors (allocation included) | ${elementwise.toFixed(3)} ms (${((elementwise * 1e6) / n).toFixed(2)} ns/float) |`,
);
