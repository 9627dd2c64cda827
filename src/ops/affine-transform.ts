import { result } from '../autograd/record.js';
import { allocate } from '../backend/index.js';
import { messages, ShapeError, ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** How a sample that falls between pixels is read (Keras's `interpolation`). */
export type Interpolation = 'bilinear' | 'nearest';

/**
 * Where a sample outside the image is read from (Keras's `fill_mode`):
 * - reflect: about the edge of the last pixel (d c b a | a b c d | d c b a);
 * - wrap: from the opposite edge (a b c d | a b c d | a b c d);
 * - nearest: the edge pixel (a a a a | a b c d | d d d d);
 * - constant: `fillValue` (k k k k | a b c d | k k k k).
 */
export type FillMode = 'reflect' | 'wrap' | 'nearest' | 'constant';

export interface AffineTransformOptions {
  /** 'bilinear' by default. */
  interpolation?: Interpolation;
  /** 'constant' by default, as keras.ops.image.affine_transform (the random layers default to 'reflect'). */
  fillMode?: FillMode;
  /** The value of samples outside the image with fillMode 'constant'; 0 by default. */
  fillValue?: number;
}

const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];
const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'nearest', 'constant'];

/**
 * keras.ops.image.affine_transform (TensorFlow's ImageProjectiveTransformV3), NHWC. Each image
 * `b` has a transform [a0, a1, a2, b0, b1, b2, c0, c1] that maps an output pixel (x, y) to the
 * input point ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), k = c0·x + c1·y + 1: the
 * inverse of the motion the image appears to make. `transforms` holds 8 numbers per image, or 8
 * shared by all.
 *
 * The sample positions and weights depend only on the transforms; they are worked out once and
 * serve the forward pass (a weighted read) and the gradient (the same weights, scattered back).
 * A primitive with its kernel here rather than in the Backend interface: it runs once per
 * training batch on the input images, not in a network's inner loop, and a composite of gather
 * and sum cost several times more in the temporaries and per-row copies it makes.
 */
export function affineTransform(
  images: Tensor,
  transforms: ArrayLike<number>,
  options: AffineTransformOptions = {},
): Tensor {
  const { interpolation = 'bilinear', fillMode = 'constant', fillValue = 0 } = options;
  if (images.rank !== 4)
    throw new ShapeError(
      `affineTransform: expected images [batch, height, width, channels], got shape [${images.shape.join(', ')}]`,
    );
  if (!INTERPOLATIONS.includes(interpolation))
    throw new ValueError(
      messages.invalidArgument('affineTransform', 'interpolation', interpolation, "'bilinear' or 'nearest'"),
    );
  if (!FILL_MODES.includes(fillMode))
    throw new ValueError(
      messages.invalidArgument(
        'affineTransform',
        'fillMode',
        fillMode,
        FILL_MODES.map((m) => `'${m}'`).join(', '),
      ),
    );
  const [n, , , channels] = images.shape;
  if (transforms.length !== 8 && transforms.length !== 8 * n)
    throw new ShapeError(
      `affineTransform: transforms has ${transforms.length} numbers, expected 8 per image (${8 * n}) or 8 shared by all`,
    );
  const taps = interpolation === 'bilinear' ? 4 : 1;
  const { index, weight, fill } = sampling(images.shape, transforms, taps, fillMode, fillValue);
  const values = images.values;
  const out = allocate(images.dtype, values.length);
  for (let p = 0; p < index.length / taps; p++) {
    const to = p * channels;
    for (let c = 0; c < channels; c++) out[to + c] = fill[p];
    for (let t = p * taps; t < (p + 1) * taps; t++) {
      const w = weight[t];
      if (w === 0) continue;
      const from = index[t] * channels;
      for (let c = 0; c < channels; c++) out[to + c] += w * values[from + c];
    }
  }
  return result('affineTransform', out, images.shape, images.dtype, [images], (dy) => {
    // The transpose of the sampling: each output pixel's gradient goes back to the pixels it read.
    const dx = allocate(dy.dtype, values.length);
    const g = dy.values;
    for (let p = 0; p < index.length / taps; p++) {
      for (let t = p * taps; t < (p + 1) * taps; t++) {
        const w = weight[t];
        if (w === 0) continue;
        const to = index[t] * channels;
        for (let c = 0; c < channels; c++) dx[to + c] += w * g[p * channels + c];
      }
    }
    return [new Tensor(dx, images.shape, dy.dtype)];
  });
}

/**
 * For each output pixel, the input pixels it reads (flat pixel indices) and their weights, and
 * the part of its value that comes from outside the image (weight × fillValue).
 */
function sampling(
  [n, height, width]: readonly number[],
  transforms: ArrayLike<number>,
  taps: number,
  fillMode: FillMode,
  fillValue: number,
): { index: Int32Array; weight: Float32Array; fill: Float32Array } {
  const pixels = n * height * width;
  const index = new Int32Array(pixels * taps);
  const weight = new Float32Array(pixels * taps);
  const fill = new Float32Array(pixels);
  const mapX = coordinateMap(fillMode, width);
  const mapY = coordinateMap(fillMode, height);
  let p = 0;
  const tap = (i: number, yy: number, xx: number, w: number, base: number) => {
    if (yy >= 0 && yy < height && xx >= 0 && xx < width) {
      index[p * taps + i] = base + yy * width + xx;
      weight[p * taps + i] = w;
    } else {
      fill[p] += w * fillValue;
    }
  };
  for (let b = 0; b < n; b++) {
    const at = transforms.length === 8 ? 0 : 8 * b;
    const [a0, a1, a2, b0, b1, b2, c0, c1] = Array.from({ length: 8 }, (_, i) => transforms[at + i]);
    const base = b * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++, p++) {
        const k = c0 * x + c1 * y + 1;
        if (k === 0) {
          tap(0, -1, -1, 1, base);
          continue;
        }
        const sx = mapX((a0 * x + a1 * y + a2) / k);
        const sy = mapY((b0 * x + b1 * y + b2) / k);
        if (taps === 1) {
          tap(0, roundHalfAway(sy), roundHalfAway(sx), 1, base);
          continue;
        }
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const dx = sx - x0;
        const dy = sy - y0;
        tap(0, y0, x0, (1 - dy) * (1 - dx), base);
        tap(1, y0, x0 + 1, (1 - dy) * dx, base);
        tap(2, y0 + 1, x0, dy * (1 - dx), base);
        tap(3, y0 + 1, x0 + 1, dy * dx, base);
      }
    }
  }
  return { index, weight, fill };
}

/** C's std::round, which TensorFlow's nearest interpolation uses: halves go away from zero. */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * TensorFlow's MapCoordinate: brings a sample position outside [0, size − 1] back inside as the
 * fill mode says (constant leaves it outside, to be filled), clamped for rounding's sake.
 */
function coordinateMap(mode: FillMode, size: number): (v: number) => number {
  const clamp = (v: number) => Math.min(Math.max(v, 0), size - 1);
  switch (mode) {
    case 'constant':
      return (v) => v;
    case 'nearest':
      return clamp;
    case 'reflect':
      return (v) => {
        if (size <= 1) return 0;
        const period = 2 * size;
        if (v < 0) {
          if (v < period) v += period * Math.trunc(-v / period);
          v = v < -size ? v + period : -v - 1;
        } else if (v > size - 1) {
          v -= period * Math.trunc(v / period);
          if (v >= size) v = period - v - 1;
        }
        return clamp(v);
      };
    case 'wrap':
      return (v) => {
        if (size <= 1) return 0;
        if (v < 0) v += size * (Math.trunc(-v / (size - 1)) + 1);
        else if (v > size - 1) v -= size * Math.trunc(v / (size - 1));
        return clamp(v);
      };
  }
}
