import { tensor } from '../tensor/creation.js';
import { ShapeError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** An image size as [height, width], the order TensorFlow and Keras use. */
export type ImageSize = readonly [height: number, width: number];

/** For each output position along one axis, the input positions it reads and their weights. */
interface Taps {
  index: Int32Array;
  weight: Float32Array;
  /** Output position o reads taps start[o] … start[o + 1] − 1. */
  start: Int32Array;
}

/**
 * Bilinear taps with half-pixel centres, as TensorFlow's resize with `half_pixel_centers`
 * (and PIL and OpenCV): output pixel o samples input coordinate (o + ½)·scale − ½, clamped to
 * the edge pixels.
 */
function bilinearTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const index = new Int32Array(outSize * 2);
  const weight = new Float32Array(outSize * 2);
  const start = new Int32Array(outSize + 1);
  for (let o = 0; o < outSize; o++) {
    const x = (o + 0.5) * scale - 0.5;
    const floor = Math.floor(x);
    const lerp = x - floor;
    index[2 * o] = Math.min(Math.max(floor, 0), inSize - 1);
    index[2 * o + 1] = Math.min(Math.max(floor + 1, 0), inSize - 1);
    weight[2 * o] = 1 - lerp;
    weight[2 * o + 1] = lerp;
    start[o + 1] = 2 * (o + 1);
  }
  return { index, weight, start };
}

/**
 * Area (box) taps: output pixel o averages the input interval [o·scale, (o + 1)·scale), each
 * input pixel weighted by how much of it falls inside, as OpenCV's INTER_AREA.
 */
function areaTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(outSize + 1);
  for (let o = 0; o < outSize; o++) {
    const begin = o * scale;
    const end = Math.min((o + 1) * scale, inSize);
    for (let i = Math.floor(begin); i < end; i++) {
      const overlap = Math.min(i + 1, end) - Math.max(i, begin);
      if (overlap <= 0) continue;
      index.push(i);
      weight.push(overlap / scale);
    }
    start[o + 1] = index.length;
  }
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), start };
}

// Bilinear reads two input pixels per output pixel, so once the step between output pixels
// exceeds two inputs some pixels are never read and fine detail aliases; averaging the whole
// footprint uses them all. Up to 2× the two methods agree on the pixels they read (at exactly
// 2× bilinear is the mean of each pair), so bilinear stays the method there.
function taps(inSize: number, outSize: number): Taps {
  return inSize > 2 * outSize ? areaTaps(inSize, outSize) : bilinearTaps(inSize, outSize);
}

/**
 * Resizes interleaved pixels [height, width, channels] to [outHeight, outWidth, channels]:
 * bilinear with half-pixel centres, or area averaging along an axis shrunk by more than 2×.
 * Separable: rows first, then columns.
 */
export function resizePixels(
  pixels: ArrayLike<number>,
  [height, width]: ImageSize,
  channels: number,
  [outHeight, outWidth]: ImageSize,
): Float32Array {
  checkSize('resize', [outHeight, outWidth]);
  if (pixels.length !== height * width * channels) {
    throw new ShapeError(
      `resize: ${pixels.length} values do not fill an image of [${height}, ${width}, ${channels}]`,
    );
  }
  const cols = taps(width, outWidth);
  const rows = taps(height, outHeight);
  // [height, outWidth, channels]
  const across = new Float32Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    const inRow = y * width * channels;
    const outRow = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      for (let t = cols.start[x]; t < cols.start[x + 1]; t++) {
        const from = inRow + cols.index[t] * channels;
        const w = cols.weight[t];
        const to = outRow + x * channels;
        for (let c = 0; c < channels; c++) across[to + c] += w * pixels[from + c];
      }
    }
  }
  const rowLength = outWidth * channels;
  const out = new Float32Array(outHeight * rowLength);
  for (let y = 0; y < outHeight; y++) {
    const to = y * rowLength;
    for (let t = rows.start[y]; t < rows.start[y + 1]; t++) {
      const from = rows.index[t] * rowLength;
      const w = rows.weight[t];
      for (let i = 0; i < rowLength; i++) out[to + i] += w * across[from + i];
    }
  }
  return out;
}

/** Resizes an image tensor [h, w, c] or a batch [n, h, w, c] to `size` ([height, width]). */
export function resizeImage(image: Tensor, size: ImageSize): Tensor {
  if (image.rank !== 3 && image.rank !== 4) {
    throw new ShapeError(
      `resizeImage: expected an image [height, width, channels] or a batch [n, height, width, channels], got shape [${image.shape.join(', ')}]`,
    );
  }
  const [n, h, w, c] = image.rank === 3 ? [1, ...image.shape] : image.shape;
  const [outH, outW] = size;
  checkSize('resizeImage', size);
  const inStride = h * w * c;
  const outStride = outH * outW * c;
  const out = new Float32Array(n * outStride);
  for (let i = 0; i < n; i++) {
    const pixels = image.values.subarray(i * inStride, (i + 1) * inStride);
    out.set(resizePixels(pixels, [h, w], c, size), i * outStride);
  }
  return tensor(out, { shape: image.rank === 3 ? [outH, outW, c] : [n, outH, outW, c] });
}

/** @internal */
export function checkSize(where: string, size: readonly number[]): void {
  if (size.length !== 2 || size.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError(
      `${where}: size is ${JSON.stringify(size)}, expected [height, width] of positive integers`,
    );
  }
}
