// npm run bench:mnist -- --model cnn|mlp --steps N [--peer-steps N] [--batch 128] [--profile]
//
// Trains the seed CNN (or the 784-100-10 MLP) on real MNIST for N steps after a warm-up, then
// times inference; runs TensorFlow.js on the same data in the same run; prints a table and, as
// its last line, one JSON object. --profile also prints where a training step's time goes, by
// backend kernel.
import { parseArgs } from 'node:util';
import { backend } from '../src/backend/index.js';
import * as dl from '../src/index.js';
import { runPeer } from './peer-tfjs.js';
import { seedModel } from './seed-models.js';
import { machine } from './timing.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    steps: { type: 'string', default: '50' },
    'peer-steps': { type: 'string' },
    batch: { type: 'string', default: '128' },
    profile: { type: 'boolean', default: false },
  },
});
const model = values.model as 'cnn' | 'mlp';
if (model !== 'cnn' && model !== 'mlp') throw new Error(`--model must be cnn or mlp, got ${values.model}`);
const steps = Number(values.steps);
const batchSize = Number(values.batch);
// TF.js's cpu backend trains the CNN at a few dozen images per second: a few steps suffice.
const peerSteps = Number(values['peer-steps'] ?? (model === 'cnn' ? 3 : steps));
const threads = Number(process.env.DEEPLINE_THREADS) || (await import('node:os')).availableParallelism();

const { train: mnist } = await dl.loadMnist();
const data = {
  images: mnist.images.values as Float32Array,
  labels: mnist.labels.values as Int32Array,
  count: mnist.images.shape[0],
};
const WARMUP = 5;

function batch(step: number): { x: dl.Tensor; y: dl.Tensor } {
  const offset = (step * batchSize) % (data.count - batchSize);
  return {
    x: dl.tensor(data.images.subarray(offset * 784, (offset + batchSize) * 784), {
      shape: [batchSize, 28, 28, 1],
    }),
    y: dl.tensor(data.labels.subarray(offset, offset + batchSize)),
  };
}

const kernelMs = values.profile ? timeKernels() : null;

dl.setSeed(0);
const net = seedModel(model);
let start = 0;
let loss = 0;
for (let step = 0; step < WARMUP + steps; step++) {
  if (step === WARMUP) {
    start = performance.now();
    kernelMs?.clear();
  }
  const { x, y } = batch(step);
  loss = net.trainOnBatch(x, y).loss;
}
const trainMs = performance.now() - start;
const trainImagesPerSec = (steps * batchSize) / (trainMs / 1000);
if (kernelMs) {
  console.log(`Training step: ${(trainMs / steps).toFixed(2)} ms. By kernel (ms per step):`);
  for (const [name, ms] of [...kernelMs.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(ms / steps).toFixed(2).padStart(6)}  ${name}`);
  }
  kernelMs.clear();
}

/** Wraps every method of the active backend to add its wall time to a table, by name and shape. */
function timeKernels(): Map<string, number> {
  const table = new Map<string, number>();
  const target = backend() as unknown as Record<string, unknown>;
  for (const [name, method] of Object.entries(target)) {
    if (typeof method !== 'function') continue;
    target[name] = (...args: unknown[]) => {
      const begin = performance.now();
      const out = (method as (...a: unknown[]) => unknown)(...args);
      const info = args[2] as { m?: number; k?: number; n?: number } | undefined;
      const key = name === 'matMul' && info ? `matMul ${info.m}×${info.k}×${info.n}` : name;
      table.set(key, (table.get(key) ?? 0) + performance.now() - begin);
      return out;
    };
  }
  return table;
}

const inferSteps = Math.max(steps, 20);
for (let step = 0; step < WARMUP + inferSteps; step++) {
  if (step === WARMUP) start = performance.now();
  (net.predict(batch(step).x, { batchSize }) as dl.Tensor).data();
}
const inferImagesPerSec = (inferSteps * batchSize) / ((performance.now() - start) / 1000);

const peer = await runPeer(model, data, batchSize, peerSteps, threads);
const round = (v: number) => Math.round(v);
console.log(
  `Machine: ${machine()}; batch ${batchSize}; ${steps} timed steps (TF.js: ${peerSteps}); final loss ${loss.toFixed(3)}`,
);
console.log('| system | train images/s | infer images/s |');
console.log('| --- | --- | --- |');
console.log(
  `| Deepline ${dl.getBackend()}, ${threads} threads | ${round(trainImagesPerSec)} | ${round(inferImagesPerSec)} |`,
);
console.log(
  `| ${peer.system} (train: ${peer.trainBackend}, infer: ${peer.inferBackend}) | ${round(peer.trainImagesPerSec)} | ${round(peer.inferImagesPerSec)} |`,
);
if (peer.wasmTrainError) console.log(`TF.js wasm could not train this model: ${peer.wasmTrainError}`);
console.log(
  `Deepline ÷ TF.js: training ${(trainImagesPerSec / peer.trainImagesPerSec).toFixed(1)}×, inference ${(inferImagesPerSec / peer.inferImagesPerSec).toFixed(1)}×`,
);
console.log(
  JSON.stringify({
    model,
    backend: dl.getBackend(),
    threads,
    trainImagesPerSec: round(trainImagesPerSec),
    inferImagesPerSec: round(inferImagesPerSec),
    peer: {
      ...peer,
      trainImagesPerSec: round(peer.trainImagesPerSec),
      inferImagesPerSec: round(peer.inferImagesPerSec),
    },
    trainRatio: Number((trainImagesPerSec / peer.trainImagesPerSec).toFixed(2)),
    inferRatio: Number((inferImagesPerSec / peer.inferImagesPerSec).toFixed(2)),
  }),
);
