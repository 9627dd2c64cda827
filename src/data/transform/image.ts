import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';

/**
 * Images as float32 tensors [n, height, width, channels] (NHWC, as the convolutions take them).
 * Each value is first multiplied by `rescale` (default 1/255, Keras's Rescaling, so 8-bit pixels
 * land in [0, 1]); with `normalize: true` each channel is then standardised with the mean and
 * population std of that channel over every training pixel (Keras's Normalization with
 * axis −1). A channel with std 0 is only centred.
 */
export interface ImageTransformSpec {
  rescale?: number;
  normalize?: boolean;
}

export interface ImageTransformJson {
  format: typeof IMAGE_FORMAT;
  version: typeof IMAGE_VERSION;
  rescale: number;
  /** Per channel, present when normalising. */
  mean?: number[];
  std?: number[];
}

const IMAGE_FORMAT = 'deepline.imageTransform';
const IMAGE_VERSION = 1;

export class ImageTransform {
  readonly rescale: number;
  readonly normalize: boolean;

  constructor(spec: ImageTransformSpec = {}) {
    const f = new Fields('imageTransform', spec);
    this.rescale = f.number('rescale', {}, 1 / 255)!;
    this.normalize = f.boolean('normalize', false);
    f.finish();
  }

  fit(images: Tensor): FittedImageTransform {
    const channels = channelsOf('imageTransform.fit', images);
    if (!this.normalize) return new FittedImageTransform(this.rescale, null, null);
    const sums = new Float64Array(channels);
    const squares = new Float64Array(channels);
    const values = images.values;
    for (let i = 0; i < values.length; i++) sums[i % channels] += values[i] * this.rescale;
    const count = values.length / channels;
    const mean = Array.from(sums, (s) => s / count);
    for (let i = 0; i < values.length; i++)
      squares[i % channels] += (values[i] * this.rescale - mean[i % channels]) ** 2;
    const std = Array.from(squares, (s) => Math.sqrt(s / count));
    return new FittedImageTransform(this.rescale, mean, std);
  }
}

export class FittedImageTransform {
  constructor(
    readonly rescale: number,
    readonly mean: readonly number[] | null,
    readonly std: readonly number[] | null,
  ) {}

  /** Rescaled (and normalised) float32 images of the same shape. */
  transform(images: Tensor): Tensor {
    const channels = channelsOf('imageTransform.transform', images, this.mean?.length);
    const values = images.values;
    const out = new Float32Array(values.length);
    const shift = this.mean ?? new Array<number>(channels).fill(0);
    const scale = (this.std ?? new Array<number>(channels).fill(1)).map((s) => (s > 0 ? s : 1));
    for (let i = 0; i < values.length; i++) {
      const c = i % channels;
      out[i] = (values[i] * this.rescale - shift[c]) / scale[c];
    }
    return tensor(out, { shape: images.shape });
  }

  toJSON(): ImageTransformJson {
    const json: ImageTransformJson = { format: IMAGE_FORMAT, version: IMAGE_VERSION, rescale: this.rescale };
    if (this.mean && this.std) {
      json.mean = [...this.mean];
      json.std = [...this.std];
    }
    return json;
  }

  static fromJSON(json: unknown): FittedImageTransform {
    const f = new Fields('FittedImageTransform.fromJSON', json);
    const format = f.raw('format');
    if (format !== IMAGE_FORMAT) throw new TransformError(m.format(f.where, format, IMAGE_FORMAT));
    const version = f.raw('version');
    if (version !== IMAGE_VERSION) throw new TransformError(m.version(f.where, version, IMAGE_VERSION));
    const rescale = f.requiredNumber('rescale');
    const mean = f.numbers('mean') ?? null;
    const std = f.numbers('std', { min: 0 }) ?? null;
    if ((mean === null) !== (std === null) || (mean && std && mean.length !== std.length)) {
      f.fail('std', std, 'one number per channel, alongside mean');
    }
    f.finish();
    return new FittedImageTransform(rescale, mean, std);
  }
}

function channelsOf(what: string, images: Tensor, expected?: number): number {
  const channels = images.shape[3];
  if (images.rank !== 4 || channels < 1 || (expected !== undefined && channels !== expected)) {
    throw new TransformError(m.imageShape(what, images.shape, expected));
  }
  return channels;
}

/** An image transform to fit on training images; see ImageTransformSpec. */
export const imageTransform = (spec: ImageTransformSpec = {}): ImageTransform => new ImageTransform(spec);
