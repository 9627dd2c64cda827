import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** MNIST as plain arrays: images [count, 28, 28, 1] in [0, 1], labels [count]. */
export interface Mnist {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

// The peer: TensorFlow.js 4.22 running the same models on the same data in the same process.

export interface PeerResult {
  system: string;
  trainBackend: string;
  /** Why a faster backend was not used for training, when one was tried and failed. */
  wasmTrainError?: string;
  inferBackend: string;
  trainImagesPerSec: number;
  inferImagesPerSec: number;
}

function build(model: 'cnn' | 'mlp'): tfl.Sequential {
  const net = tfl.sequential();
  if (model === 'cnn') {
    net.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    net.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    net.add(tfl.layers.flatten());
    net.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
    net.add(tfl.layers.dropout({ rate: 0.5 }));
    net.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    net.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
    net.add(tfl.layers.dense({ units: 100, activation: 'sigmoid' }));
    net.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  }
  net.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  return net;
}

async function use(backend: string, threads: number): Promise<void> {
  if (backend === 'wasm') {
    const dist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '/');
    setWasmPaths(dist);
    setThreadsCount(threads);
  }
  await tf.setBackend(backend);
  await tf.ready();
}

function batch(data: Mnist, step: number, size: number): { x: tf.Tensor; y: tf.Tensor } {
  const offset = (step * size) % (data.count - size);
  return {
    x: tf.tensor4d(data.images.subarray(offset * 784, (offset + size) * 784), [size, 28, 28, 1]),
    y: tf.tensor1d(data.labels.subarray(offset, offset + size), 'float32'),
  };
}

export async function runPeer(
  model: 'cnn' | 'mlp',
  data: Mnist,
  batchSize: number,
  steps: number,
  threads: number,
): Promise<PeerResult> {
  // TF.js trains on its fastest backend that can: wasm where it works, else the pure-JavaScript
  // cpu backend. The wasm attempt is made in this run, so its failure is measured, not assumed.
  let trainBackend = 'wasm';
  let wasmTrainError: string | undefined;
  await use('wasm', threads);
  let net = build(model);
  try {
    const { x, y } = batch(data, 0, batchSize);
    await net.trainOnBatch(x, y);
    tf.dispose([x, y]);
  } catch (error) {
    wasmTrainError = error instanceof Error ? error.message : String(error);
    trainBackend = 'cpu';
    await use('cpu', threads);
    net = build(model);
  }
  let start = 0;
  for (let step = 0; step < steps + 1; step++) {
    if (step === 1) start = performance.now();
    const { x, y } = batch(data, step, batchSize);
    await net.trainOnBatch(x, y);
    tf.dispose([x, y]);
  }
  const trainImagesPerSec = (steps * batchSize) / ((performance.now() - start) / 1000);

  await use('wasm', threads);
  const inferNet = build(model);
  const inferSteps = Math.max(steps, 10);
  for (let step = 0; step < inferSteps + 2; step++) {
    if (step === 2) start = performance.now();
    const { x, y } = batch(data, step, batchSize);
    const out = inferNet.predict(x) as tf.Tensor;
    await out.data();
    tf.dispose([x, y, out]);
  }
  const inferImagesPerSec = (inferSteps * batchSize) / ((performance.now() - start) / 1000);
  return {
    system: 'TensorFlow.js 4.22',
    trainBackend,
    wasmTrainError,
    inferBackend: 'wasm',
    trainImagesPerSec,
    inferImagesPerSec,
  };
}
