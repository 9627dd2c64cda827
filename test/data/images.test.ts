import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeImage, readImageFolder } from '../../src/data/images.js';
import { Quarantine } from '../../src/data/report.js';
import { resizeImage, resizePixels } from '../../src/data/resize.js';
import { tensor } from '../../src/tensor/creation.js';
import { ValueError } from '../../src/tensor/errors.js';

const root = mkdtempSync(join(tmpdir(), 'deepline-images-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A PNG from RGBA pixels, row-major. */
function png(width: number, height: number, rgba: readonly number[]): Buffer {
  const image = new pngjs.PNG({ width, height });
  image.data = Buffer.from(rgba);
  return pngjs.PNG.sync.write(image);
}

/** A JPEG of one solid colour (solid blocks survive the lossy coding almost exactly). */
function solidJpeg(width: number, height: number, [r, g, b]: readonly number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([r, g, b, 255], 4 * p);
  return jpeg.encode({ width, height, data }, 95).data;
}

const red = [255, 0, 0, 255];
const green = [0, 255, 0, 255];
const blue = [0, 0, 255, 255];
const halfBlack = [0, 0, 0, 128];
const clear = [10, 20, 30, 0];
const quad = png(2, 2, [...red, ...green, ...blue, ...halfBlack]);

function writeFolder(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(root, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

const close = (actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-4) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    expect(Math.abs(actual[i] - v), `value ${i}: ${actual[i]} vs ${v}`).toBeLessThanOrEqual(tolerance);
  });
};

describe('decodeImage', () => {
  test('RGB: alpha is composited on white', () => {
    const image = decodeImage(png(2, 1, [...red, ...clear]));
    expect(image.shape).toEqual([1, 2, 3]);
    expect(image.dtype).toBe('float32');
    close(image.values, [255, 0, 0, 255, 255, 255]);
  });

  test('grayscale is BT.601 luma of the composited colour', () => {
    const image = decodeImage(quad, { channels: 1 });
    expect(image.shape).toEqual([2, 2, 1]);
    // 128/255 opaque black over white leaves 255·127/255 = 127 in each channel.
    close(image.values, [0.299 * 255, 0.587 * 255, 0.114 * 255, 127], 1e-3);
  });

  test('JPEG decodes to its colour and resizes', () => {
    const image = decodeImage(solidJpeg(8, 6, [200, 100, 50]), { size: [3, 4] });
    expect(image.shape).toEqual([3, 4, 3]);
    for (let p = 0; p < 12; p++) close(image.values.subarray(3 * p, 3 * p + 3), [200, 100, 50], 4);
  });

  test('bytes that are neither PNG nor JPEG, and a broken PNG, are ValueErrors naming the source', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), { source: 'up.bin' })).toThrow(
      /up\.bin: not a PNG or JPEG/,
    );
    const broken = quad.subarray(0, 40);
    expect(() => decodeImage(broken, { source: 'cut.png' })).toThrow(ValueError);
    expect(() => decodeImage(broken, { source: 'cut.png' })).toThrow(
      /cut\.png: the PNG image does not decode/,
    );
    const cutJpeg = solidJpeg(8, 8, [1, 2, 3]).subarray(0, 100);
    expect(() => decodeImage(cutJpeg, { source: 'cut.jpg' })).toThrow(
      /cut\.jpg: the JPEG image does not decode/,
    );
  });

  test('a PNG header claiming a huge image is refused before decoding', () => {
    const huge = Buffer.from(quad);
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    expect(() => decodeImage(huge, { source: 'bomb.png' })).toThrow(/bomb\.png: the image is 100000×100000/);
  });

  test('channels other than 1 or 3 are refused', () => {
    expect(() => decodeImage(quad, { channels: 4 as 3 })).toThrow(/channels is 4/);
  });
});

describe('resize', () => {
  test('2×2 → 3×3 bilinear with half-pixel centres', () => {
    // Output row/column 0 samples input −1/6 (clamped to 0), 1 samples 0.5, 2 samples 7/6 (clamped to 1).
    const out = resizePixels([0, 10, 20, 30], [2, 2], 1, [3, 3]);
    close(out, [0, 5, 10, 10, 15, 20, 20, 25, 30]);
  });

  test('4×4 → 2×2 averages each 2×2 block', () => {
    const pixels = Array.from({ length: 16 }, (_, i) => i * i);
    const mean = (...ids: number[]) => ids.reduce((s, i) => s + pixels[i], 0) / ids.length;
    const out = resizePixels(pixels, [4, 4], 1, [2, 2]);
    close(out, [mean(0, 1, 4, 5), mean(2, 3, 6, 7), mean(8, 9, 12, 13), mean(10, 11, 14, 15)], 1e-3);
  });

  test('3 → 2 along one axis weighs neighbours 3:1', () => {
    // Samples 0.25 and 1.75.
    close(resizePixels([0, 10, 20], [1, 3], 1, [1, 2]), [2.5, 17.5]);
  });

  test('shrinking more than 2× averages the whole footprint (area), every pixel counted', () => {
    const pixels = Array.from({ length: 36 }, (_, i) => (i % 7) * 10 + Math.floor(i / 6));
    const out = resizePixels(pixels, [6, 6], 1, [2, 2]);
    const block = (r: number, c: number) => {
      let s = 0;
      for (let y = 3 * r; y < 3 * r + 3; y++) for (let x = 3 * c; x < 3 * c + 3; x++) s += pixels[y * 6 + x];
      return s / 9;
    };
    close(out, [block(0, 0), block(0, 1), block(1, 0), block(1, 1)], 1e-3);
    // A non-integer ratio: 5 → 2 gives weights 1, 1, ½ | ½, 1, 1 over 2.5.
    close(resizePixels([0, 10, 20, 30, 40], [1, 5], 1, [1, 2]), [(0 + 10 + 10) / 2.5, (10 + 30 + 40) / 2.5]);
  });

  test('channels stay apart, and batches resize image by image', () => {
    const rgb = [0, 100, 200, 10, 110, 210, 20, 120, 220, 30, 130, 230];
    const out = resizePixels(rgb, [2, 2], 3, [1, 1]);
    close(out, [15, 115, 215]);
    const batch = resizeImage(tensor([...rgb, ...rgb.map((v) => v + 1)], { shape: [2, 2, 2, 3] }), [1, 1]);
    expect(batch.shape).toEqual([2, 1, 1, 3]);
    close(batch.values, [15, 115, 215, 16, 116, 216]);
    expect(() => resizeImage(tensor([1, 2]), [1, 1])).toThrow(/resizeImage: expected an image/);
    expect(() => resizePixels([1], [1, 1], 1, [0, 2])).toThrow(/size is \[0,2\]/);
  });
});

describe('readImageFolder', () => {
  const corrupt = Buffer.concat([quad.subarray(0, 8), Buffer.from('this is not a png body at all')]);
  const dir = writeFolder('pets', {
    'cats/a.png': quad,
    'cats/b.png': png(4, 2, Array.from({ length: 8 }, () => green).flat()),
    'dogs/c.jpg': solidJpeg(8, 8, [40, 80, 160]),
    'dogs/d.png': corrupt,
    'dogs/notes.txt': 'ignored',
    'dogs/more/e.PNG': png(1, 1, blue),
  });

  test('one class per sub-folder, sorted; images resized to the first one; a corrupt file quarantined', async () => {
    const quarantine = new Quarantine();
    const folder = await readImageFolder(dir, { quarantine });
    expect(folder.classNames).toEqual(['cats', 'dogs']);
    expect(folder.files).toEqual([
      join(dir, 'cats/a.png'),
      join(dir, 'cats/b.png'),
      join(dir, 'dogs/c.jpg'),
      join(dir, 'dogs/more/e.PNG'),
    ]);
    expect(folder.images.shape).toEqual([4, 2, 2, 3]);
    expect(folder.labels.dtype).toBe('int32');
    expect([...folder.labels.values]).toEqual([0, 0, 1, 1]);
    const image = (i: number) => folder.images.values.subarray(i * 12, (i + 1) * 12);
    close(image(0), [...[255, 0, 0], ...[0, 255, 0], ...[0, 0, 255], ...[127, 127, 127]], 1e-3);
    close(image(1), Array.from({ length: 4 }, () => [0, 255, 0]).flat());
    close(image(2), Array.from({ length: 4 }, () => [40, 80, 160]).flat(), 4);
    close(image(3), Array.from({ length: 4 }, () => [0, 0, 255]).flat());

    expect(quarantine.size).toBe(1);
    expect(quarantine.rows[0]).toMatchObject({ source: join(dir, 'dogs/d.png'), line: 0, step: 'read' });
    expect(quarantine.rows[0].reason).toMatch(/PNG image does not decode/);
  });

  test('size and grayscale', async () => {
    const folder = await readImageFolder(dir, { size: [3, 5], channels: 1, quarantine: new Quarantine() });
    expect(folder.images.shape).toEqual([4, 3, 5, 1]);
    const second = folder.images.values.subarray(15, 30);
    close(
      second,
      Array.from({ length: 15 }, () => 0.587 * 255),
      1e-3,
    );
  });

  test('extensions narrow the files read', async () => {
    const folder = await readImageFolder(dir, { extensions: ['jpg'] });
    expect(folder.files).toEqual([join(dir, 'dogs/c.jpg')]);
    expect([...folder.labels.values]).toEqual([1]);
    expect(folder.images.shape).toEqual([1, 8, 8, 3]);
  });

  test('without a quarantine, a corrupt file is an error naming it', async () => {
    await expect(readImageFolder(dir)).rejects.toThrow(join(dir, 'dogs/d.png'));
  });

  test('an empty folder, or one without images, is a clear error', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(readImageFolder(empty)).rejects.toThrow(/has no sub-folders/);
    const noImages = writeFolder('no-images', { 'a/readme.txt': 'x' });
    await expect(readImageFolder(noImages)).rejects.toThrow(/hold no files ending in \.png, \.jpg, \.jpeg/);
    const allBad = writeFolder('all-bad', { 'a/x.png': corrupt });
    await expect(readImageFolder(allBad, { quarantine: new Quarantine() })).rejects.toThrow(
      /none of the 1 images/,
    );
  });
});
