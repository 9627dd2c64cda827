import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type IdxArray, readIdx } from '../data/idx.js';
import { readImageFolder } from '../data/images.js';
import type { MnistSplit } from '../data/mnist.js';
import { DataError, readMessages } from '../data/read-errors.js';
import { Quarantine } from '../data/report.js';
import { resizeImage } from '../data/resize.js';
import { trainTestSplit } from '../data/split.js';
import { gather } from '../ops/gather.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PipelineConfig } from './config.js';
import type { IdxPairConfig } from './image-config.js';

type DataConfig = PipelineConfig['data'];

/** Images read from files, split three ways, pixels scaled to [0, 1] as mnist's are. */
export interface ImageSource {
  kind: 'images';
  source: string;
  train: MnistSplit;
  validation: MnistSplit;
  test: MnistSplit;
  classes: string[];
  /** Files that did not decode, with the reason. */
  quarantine: Quarantine;
  fingerprint: string;
}

export const imageSourceMessages = {
  oneClass: (dir: string, name: string) =>
    `${dir}: only one class folder (${name}); a classifier needs at least two sub-folders, one per class`,
  emptyClass: (folder: string, count: number) =>
    count === 0
      ? `${folder}: the class folder holds no PNG or JPEG images; add some or remove the folder`
      : `${folder}: none of the ${count} images of this class decoded (see the quarantine); fix them or remove the folder`,
  idxImages: (path: string, idx: IdxArray) =>
    `${path}: holds ${describe(idx)}, expected ubyte images of shape [n, height, width] or [n, height, width, 1 or 3]`,
  idxLabels: (path: string, idx: IdxArray) =>
    `${path}: holds ${describe(idx)}, expected integer labels of shape [n]`,
  idxCounts: (images: string, n: number, labels: string, m: number) =>
    `${labels}: ${m} labels for the ${n} images of ${images}; the two files of an IDX pair must hold one label per image`,
  idxLabel: (path: string, index: number, label: number, classes: number) =>
    `${path}: label ${index} is ${label}, expected 0..${classes - 1} (one per name in source.classes)`,
  idxShapes: (train: string, a: readonly number[], test: string, b: readonly number[]) =>
    `${test}: test images of shape [${b.join(', ')}], but the training images of ${train} are [${a.join(', ')}]; set data.image.size to read both at one size`,
};

const scale = 1 / 255;

/**
 * A folder with one sub-folder per class (data.image says the size and colour to read them at),
 * or an IDX pair. Split as data.split says, stratified by class unless told otherwise; an IDX
 * pair with its own test pair is only split into training and validation images.
 */
export async function readImageSource(data: DataConfig, baseDir: string): Promise<ImageSource> {
  const at = (file: string) => (isAbsolute(file) ? file : resolve(baseDir, file));
  return typeof data.source === 'string'
    ? readFolder(data, at(data.source))
    : readIdxPair(data, data.source, at);
}

async function readFolder(data: DataConfig, dir: string): Promise<ImageSource> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new DataError(readMessages.missing(dir));
  if (!info.isDirectory())
    throw new DataError(
      `${dir}: data.image reads a folder with one sub-folder of images per class; for a table, remove data.image`,
    );
  const quarantine = new Quarantine();
  const channels = data.image?.color === 'grayscale' ? 1 : 3;
  const folder = await readImageFolder(dir, { size: data.image!.size!, channels, quarantine });
  const { classNames } = folder;
  if (classNames.length === 1) throw new DataError(imageSourceMessages.oneClass(dir, classNames[0]));
  const counts = new Array<number>(classNames.length).fill(0);
  for (const label of folder.labels.values) counts[label]++;
  const empty = counts.indexOf(0);
  if (empty >= 0) {
    const folderPath = join(dir, classNames[empty]);
    const failed = quarantine.rows.filter((r) => !relative(folderPath, r.source).startsWith('..')).length;
    throw new DataError(imageSourceMessages.emptyClass(folderPath, failed));
  }
  const all = { images: scaled(folder.images), labels: folder.labels };
  const parts = threeWay(all, data);
  return {
    kind: 'images',
    source: dir,
    ...parts,
    classes: classNames,
    quarantine,
    fingerprint: fingerprint([all], data),
  };
}

async function readIdxPair(
  data: DataConfig,
  pair: IdxPairConfig,
  at: (file: string) => string,
): Promise<ImageSource> {
  const read = async (images: string, labels: string) => {
    const [x, y] = await Promise.all([readIdxFile(at(images)), readIdxFile(at(labels))]);
    return idxSplit(at(images), x, at(labels), y, data);
  };
  const whole = await read(pair.images, pair.labels);
  const test = pair.testImages && pair.testLabels ? await read(pair.testImages, pair.testLabels) : undefined;
  if (test && test.images.shape.slice(1).join() !== whole.images.shape.slice(1).join())
    throw new DataError(
      imageSourceMessages.idxShapes(
        at(pair.images),
        whole.images.shape,
        at(pair.testImages!),
        test.images.shape,
      ),
    );
  let count = 0;
  for (const split of test ? [whole, test] : [whole])
    for (const label of split.labels.values) count = Math.max(count, label + 1);
  const classes = pair.classes ?? Array.from({ length: Math.max(count, 2) }, (_, i) => String(i));
  for (const [split, file] of [
    [whole, pair.labels],
    [test, pair.testLabels],
  ] as const) {
    if (!split) continue;
    const bad = split.labels.values.findIndex((label) => label >= classes.length);
    if (bad >= 0)
      throw new DataError(
        imageSourceMessages.idxLabel(at(file!), bad, split.labels.values[bad], classes.length),
      );
  }
  const parts = test ? { ...twoWay(whole, data), test } : threeWay(whole, data);
  return {
    kind: 'images',
    source: [pair.images, pair.labels, pair.testImages, pair.testLabels]
      .filter(Boolean)
      .map((f) => at(f!))
      .join(' + '),
    ...parts,
    classes,
    quarantine: new Quarantine(),
    fingerprint: fingerprint(test ? [whole, test] : [whole], data),
  };
}

async function readIdxFile(path: string): Promise<IdxArray> {
  try {
    return await readIdx(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(readMessages.missing(path));
    if (code !== undefined) throw new DataError(readMessages.unreadable(path, code));
    throw new DataError((e as Error).message);
  }
}

/** The images as tensors, checked against their labels, converted to the size and colour asked. */
function idxSplit(
  imagesPath: string,
  images: IdxArray,
  labelsPath: string,
  labels: IdxArray,
  data: DataConfig,
): MnistSplit {
  const [n, height, width, channels = 1] = images.shape;
  if (
    !(images.data instanceof Uint8Array) ||
    (images.shape.length !== 3 && images.shape.length !== 4) ||
    (channels !== 1 && channels !== 3)
  )
    throw new DataError(imageSourceMessages.idxImages(imagesPath, images));
  const integer = !(labels.data instanceof Float32Array || labels.data instanceof Float64Array);
  if (!integer || labels.shape.length !== 1 || labels.data.some((v) => v < 0))
    throw new DataError(imageSourceMessages.idxLabels(labelsPath, labels));
  if (labels.shape[0] !== n)
    throw new DataError(imageSourceMessages.idxCounts(imagesPath, n, labelsPath, labels.shape[0]));
  let x = tensor(
    Float32Array.from(images.data, (v) => v * scale),
    { shape: [n, height, width, channels] },
  );
  const size = data.image?.size;
  if (size && (size[0] !== height || size[1] !== width)) x = resizeImage(x, size);
  const wanted = data.image?.color === undefined ? channels : data.image.color === 'rgb' ? 3 : 1;
  return {
    images: withChannels(x, wanted),
    labels: tensor(Int32Array.from(labels.data), { dtype: 'int32' }),
  };
}

/** Grayscale to RGB repeats the one channel; RGB to grayscale is BT.601 luma, as decodeImage. */
function withChannels(images: Tensor, channels: number): Tensor {
  const [n, h, w, c] = images.shape;
  if (c === channels) return images;
  const pixels = n * h * w;
  const from = images.values;
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    if (channels === 3) out.fill(from[p], 3 * p, 3 * p + 3);
    else out[p] = 0.299 * from[3 * p] + 0.587 * from[3 * p + 1] + 0.114 * from[3 * p + 2];
  }
  return tensor(out, { shape: [n, h, w, channels] });
}

function scaled(images: Tensor): Tensor {
  return tensor(
    Float32Array.from(images.values, (v) => v * scale),
    { shape: images.shape },
  );
}

/** Train, validation and test, stratified by label unless split.stratify is false; data.limit caps train. */
function threeWay(
  all: MnistSplit,
  data: DataConfig,
): { train: MnistSplit; validation: MnistSplit; test: MnistSplit } {
  const { test, validation, seed, stratify } = data.split;
  const split = trainTestSplit(all.labels.shape[0], {
    testSize: test,
    validationSize: validation,
    seed,
    ...(stratify && { stratify: all.labels }),
  });
  return {
    train: take(all, limited(split.train, data)),
    validation: take(all, split.validation!),
    test: take(all, split.test),
  };
}

/** Train and validation only, when the test images come in their own files. */
function twoWay(all: MnistSplit, data: DataConfig): { train: MnistSplit; validation: MnistSplit } {
  const { validation, seed, stratify } = data.split;
  const split = trainTestSplit(all.labels.shape[0], {
    testSize: validation,
    seed,
    ...(stratify && { stratify: all.labels }),
  });
  return { train: take(all, limited(split.train, data)), validation: take(all, split.test) };
}

function limited(indices: number[], data: DataConfig): number[] {
  return data.limit === undefined ? indices : indices.slice(0, data.limit);
}

function take(split: MnistSplit, indices: readonly number[]): MnistSplit {
  const at = tensor(Int32Array.from(indices), { dtype: 'int32' });
  return { images: gather(split.images, at), labels: gather(split.labels, at) };
}

/** The pixels and labels read, with the settings that change what is taken from them. */
function fingerprint(splits: readonly MnistSplit[], data: DataConfig): string {
  const hash = createHash('sha256');
  for (const { images, labels } of splits)
    for (const t of [images, labels]) {
      const values = t.values as Float32Array;
      hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  hash.update(JSON.stringify({ image: data.image, split: data.split, limit: data.limit }));
  return `sha256:${hash.digest('hex')}`;
}

function describe({ shape, data }: IdxArray): string {
  const type = data.constructor.name.replace('Array', '').toLowerCase();
  return `${type} values of shape [${shape.join(', ')}]`;
}
