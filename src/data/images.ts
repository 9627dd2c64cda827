import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { tensor } from '../tensor/creation.js';
import { DeeplineError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Quarantine } from './report.js';
import { checkSize, type ImageSize, resizePixels } from './resize.js';

export interface DecodeImageOptions {
  /** 1 for grayscale (ITU-R BT.601 luma), 3 for RGB (the default). */
  channels?: 1 | 3;
  /** Resize to [height, width]; by default the image keeps its own size. */
  size?: ImageSize;
  /** Names the image in error messages (a file path or an upload's name). */
  source?: string;
}

export interface ReadImageFolderOptions {
  /** [height, width] of every image; by default the first image's size. */
  size?: ImageSize;
  /** 1 for grayscale, 3 for RGB (the default). */
  channels?: 1 | 3;
  /** File extensions to read, case-insensitive; by default .png, .jpg and .jpeg. */
  extensions?: readonly string[];
  /** Where files that do not decode go; without one, such a file is an error. */
  quarantine?: Quarantine;
}

export interface ImageFolder {
  /** float32 [n, height, width, channels], values 0..255 (scaling is a transform). */
  images: Tensor;
  /** int32 [n], each image's index into classNames. */
  labels: Tensor;
  /** The class sub-folder names, sorted. */
  classNames: string[];
  /** Each image's file, in the order of images and labels. */
  files: string[];
}

/** Pixels as decoded: 8-bit RGBA, row-major. */
interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

// Both decoders would otherwise allocate whatever a header claims: a crafted upload of a few
// bytes could ask for gigabytes. 100 megapixels is far above any photo a model is trained on.
const maxPixels = 100_000_000;
const maxJpegMemoryMB = 1024;

export const imageMessages = {
  unknownFormat: (source: string) =>
    `${source}: not a PNG or JPEG image (the file does not start with either signature)`,
  decodeFailed: (source: string, format: string, reason: string) =>
    `${source}: the ${format} image does not decode: ${reason}`,
  tooLarge: (source: string, width: number, height: number) =>
    `${source}: the image is ${width}×${height}, more than the ${maxPixels / 1e6} megapixels allowed`,
  noClasses: (dir: string) =>
    `readImageFolder: ${dir} has no sub-folders; put each class's images in a sub-folder named after the class`,
  noImages: (dir: string, extensions: readonly string[]) =>
    `readImageFolder: the class folders of ${dir} hold no files ending in ${extensions.join(', ')}`,
  noneDecoded: (dir: string, count: number) =>
    `readImageFolder: none of the ${count} images in ${dir} decoded; see the quarantine for the reasons`,
  badChannels: (where: string, channels: unknown) =>
    `${where}: channels is ${JSON.stringify(channels)}, expected 1 (grayscale) or 3 (RGB)`,
};

/**
 * Decodes one PNG or JPEG (told apart by their signatures, not by a name) into a float32
 * tensor [height, width, channels] of values 0..255. Transparent pixels are composited on
 * white, as a viewer shows them, so that a transparent background does not turn black.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): Tensor {
  const { channels = 3, size, source = '<image>' } = options;
  checkChannels('decodeImage', channels);
  if (size !== undefined) checkSize('decodeImage', size);
  const { pixels, height, width } = decodePixels(bytes, channels, size, source);
  return tensor(pixels, { shape: [height, width, channels] });
}

function decodePixels(
  bytes: Uint8Array,
  channels: 1 | 3,
  size: ImageSize | undefined,
  source: string,
): { pixels: Float32Array; height: number; width: number } {
  const rgba = decodeRgba(bytes, source);
  const pixels = toChannels(rgba, channels);
  const [height, width] = size ?? [rgba.height, rgba.width];
  if (height === rgba.height && width === rgba.width) return { pixels, height, width };
  return {
    pixels: resizePixels(pixels, [rgba.height, rgba.width], channels, [height, width]),
    height,
    width,
  };
}

function decodeRgba(bytes: Uint8Array, source: string): Rgba {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPng(buffer)) {
    // The IHDR chunk comes first: width and height are big-endian at bytes 16 and 20. Without
    // it the file is broken, and the decoder says so.
    if (buffer.length >= 24 && buffer.toString('latin1', 12, 16) === 'IHDR') {
      checkPixels(source, buffer.readUInt32BE(16), buffer.readUInt32BE(20));
    }
    try {
      const png = pngjs.PNG.sync.read(buffer);
      return { width: png.width, height: png.height, data: png.data };
    } catch (error) {
      throw new ValueError(imageMessages.decodeFailed(source, 'PNG', (error as Error).message));
    }
  }
  if (isJpeg(buffer)) {
    let image: Rgba;
    try {
      image = jpeg.decode(buffer, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: maxJpegMemoryMB,
      });
    } catch (error) {
      throw new ValueError(
        imageMessages.decodeFailed(source, 'JPEG', String((error as Error).message ?? error)),
      );
    }
    if (image.width < 1 || image.height < 1) {
      throw new ValueError(imageMessages.decodeFailed(source, 'JPEG', 'it has no pixels'));
    }
    return image;
  }
  throw new ValueError(imageMessages.unknownFormat(source));
}

function checkPixels(source: string, width: number, height: number): void {
  if (width * height > maxPixels) throw new ValueError(imageMessages.tooLarge(source, width, height));
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** RGBA → RGB composited on white, or → BT.601 luma (0.299 R + 0.587 G + 0.114 B). */
function toChannels({ data, width, height }: Rgba, channels: 1 | 3): Float32Array {
  const n = width * height;
  const out = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    const alpha = data[4 * p + 3] / 255;
    const white = 255 * (1 - alpha);
    const r = data[4 * p] * alpha + white;
    const g = data[4 * p + 1] * alpha + white;
    const b = data[4 * p + 2] * alpha + white;
    if (channels === 1) {
      out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    } else {
      out[3 * p] = r;
      out[3 * p + 1] = g;
      out[3 * p + 2] = b;
    }
  }
  return out;
}

function checkChannels(where: string, channels: unknown): void {
  if (channels !== 1 && channels !== 3) throw new ValueError(imageMessages.badChannels(where, channels));
}

/**
 * Reads a folder with one sub-folder per class (Keras's `image_dataset_from_directory` layout)
 * into tensors. Files are decoded one at a time and resized at once, so memory holds the
 * result and one image. A file that does not decode goes to the quarantine with the reason,
 * or, without a quarantine, is an error naming it.
 */
export async function readImageFolder(
  dir: string,
  options: ReadImageFolderOptions = {},
): Promise<ImageFolder> {
  const { channels = 3, quarantine } = options;
  checkChannels('readImageFolder', channels);
  if (options.size !== undefined) checkSize('readImageFolder', options.size);
  const extensions = (options.extensions ?? ['.png', '.jpg', '.jpeg']).map((e) =>
    (e.startsWith('.') ? e : `.${e}`).toLowerCase(),
  );

  const entries = await readdir(dir, { withFileTypes: true });
  // Code-unit order, as Python's sorted(): class indices do not depend on the machine's locale.
  const classNames = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classNames.length === 0) throw new ValueError(imageMessages.noClasses(dir));
  const candidates: { file: string; label: number }[] = [];
  for (const [label, name] of classNames.entries()) {
    for (const file of await listFiles(join(dir, name))) {
      if (extensions.includes(extname(file).toLowerCase())) candidates.push({ file, label });
    }
  }
  if (candidates.length === 0) throw new ValueError(imageMessages.noImages(dir, extensions));

  let size = options.size;
  let pixels: Float32Array | null = null;
  const labels: number[] = [];
  const files: string[] = [];
  for (const { file, label } of candidates) {
    let image: { pixels: Float32Array; height: number; width: number };
    try {
      image = decodePixels(await readFile(file), channels, size, file);
    } catch (error) {
      if (!(error instanceof DeeplineError) || quarantine === undefined) throw error;
      quarantine.add({ source: file, line: 0, step: 'read', reason: error.message, raw: null });
      continue;
    }
    if (size === undefined) size = [image.height, image.width];
    const stride = size[0] * size[1] * channels;
    pixels ??= new Float32Array(candidates.length * stride);
    pixels.set(image.pixels, files.length * stride);
    labels.push(label);
    files.push(file);
  }
  if (pixels === null || size === undefined)
    throw new ValueError(imageMessages.noneDecoded(dir, candidates.length));
  const [height, width] = size;
  const used = files.length * height * width * channels;
  return {
    images: tensor(pixels.subarray(0, used), { shape: [files.length, height, width, channels] }),
    labels: tensor(Int32Array.from(labels)),
    classNames,
    files,
  };
}

/** Every file under `dir`, sub-folders included, sorted by path so that the order is stable. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
