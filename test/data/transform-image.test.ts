import { describe, expect, test } from 'vitest';
import { FittedImageTransform, imageTransform } from '../../src/data/transform/index.js';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Two 1×2 images with two channels: channel 0 holds 0, 255, 51, 153; channel 1 holds 255, 0, 102, 204.
const TRAIN = tensor([0, 255, 255, 0, 51, 102, 153, 204], { shape: [2, 1, 2, 2] });

const flat = (t: Tensor): number[] => Array.from(t.values);

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i], 5);
  });
}

describe('image transforms', () => {
  test('rescale divides by 255 by default and keeps the shape', () => {
    const out = imageTransform().fit(TRAIN).transform(TRAIN);
    expect(out.shape).toEqual([2, 1, 2, 2]);
    expect(out.dtype).toBe('float32');
    expectClose(flat(out), [0, 1, 1, 0, 0.2, 0.4, 0.6, 0.8]);
  });

  test('per-channel normalisation uses the training mean and std on new images', () => {
    // Channel 0 after rescaling: 0, 1, 0.2, 0.6 (mean 0.45); channel 1: 1, 0, 0.4, 0.8 (mean 0.55).
    // Both have population variance 0.1475.
    const fitted = imageTransform({ normalize: true }).fit(TRAIN);
    expectClose([...fitted.mean!], [0.45, 0.55]);
    expectClose([...fitted.std!], [Math.sqrt(0.1475), Math.sqrt(0.1475)]);
    const test = tensor([255, 255], { shape: [1, 1, 1, 2] });
    expectClose(flat(fitted.transform(test)), [0.55 / Math.sqrt(0.1475), 0.45 / Math.sqrt(0.1475)]);
  });

  test('a constant channel is only centred', () => {
    const fitted = imageTransform({ normalize: true, rescale: 1 }).fit(
      tensor([3, 3], { shape: [2, 1, 1, 1] }),
    );
    expect(flat(fitted.transform(tensor([5], { shape: [1, 1, 1, 1] })))).toEqual([2]);
  });

  test('survives JSON with identical outputs', () => {
    const fitted = imageTransform({ normalize: true }).fit(TRAIN);
    const restored = FittedImageTransform.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(flat(restored.transform(TRAIN))).toEqual(flat(fitted.transform(TRAIN)));
  });

  test('wrong shapes, options and JSON are clear errors', () => {
    const fitted = imageTransform({ normalize: true }).fit(TRAIN);
    expect(() => fitted.transform(tensor([1, 2, 3], { shape: [1, 1, 1, 3] }))).toThrow(
      /images have shape \[1, 1, 1, 3\], expected \[n, height, width, channels\] with 2 channels/,
    );
    expect(() => imageTransform().fit(tensor([1, 2], { shape: [1, 2] }))).toThrow(
      /expected \[n, height, width/,
    );
    expect(() => imageTransform({ scale: 2 } as never)).toThrow(/imageTransform: unknown key 'scale'/);
    expect(() => FittedImageTransform.fromJSON({ ...fitted.toJSON(), version: 9 })).toThrow(
      /version 9 is not supported/,
    );
    expect(() => FittedImageTransform.fromJSON({ ...fitted.toJSON(), std: [1] })).toThrow(/std is \[1\]/);
  });
});
