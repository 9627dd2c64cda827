import { describe, expect, test } from 'vitest';
import { buildModel, type ModelShape } from '../../src/pipeline/presets.js';

// The cnn preset beyond 28×28 digits: colour, many classes, and random moves of the training images.

const photos: ModelShape = { inputs: { image: [64, 64, 3] }, inputDims: {}, task: 'multiclass', classes: 5 };
const classNames = (m: ReturnType<typeof buildModel>) => m.layers.map((l) => l.className);

describe('the cnn preset', () => {
  test('takes every channel in its first convolution', () => {
    const model = buildModel({ preset: 'cnn' }, photos, 'photos');
    const first = model.layers.find((l) => l.className === 'Conv2D')!;
    expect(first.weights[0].shape).toEqual([3, 3, 3, 32]);
    expect(model.outputs[0].shape).toEqual([null, 5]);
  });

  test('widens its dense layer for many classes, never below the seed’s 128', () => {
    const units = (classes: number) => {
      const model = buildModel({ preset: 'cnn' }, { ...photos, classes }, 'photos');
      const dense = model.layers.filter((l) => l.className === 'Dense');
      return (dense[0].getConfig() as { units: number }).units;
    };
    expect(units(10)).toBe(128);
    expect(units(77)).toBe(256);
    expect(units(200)).toBe(512);
  });

  test('puts the augmentation layers asked for in front, configured as asked', () => {
    const model = buildModel(
      { preset: 'cnn', augment: { translation: 0.1, flip: 'horizontal', rotation: 0.05 } },
      photos,
      'photos',
    );
    expect(classNames(model).slice(0, 5)).toEqual([
      'InputLayer',
      'RandomFlip',
      'RandomRotation',
      'RandomTranslation',
      'Conv2D',
    ]);
    const config = (name: string) => model.layers.find((l) => l.className === name)!.getConfig();
    expect(config('RandomFlip')).toMatchObject({ mode: 'horizontal' });
    expect(config('RandomRotation')).toMatchObject({
      factor: 0.05,
      fillMode: 'reflect',
      interpolation: 'bilinear',
    });
    expect(config('RandomTranslation')).toMatchObject({ heightFactor: 0.1, widthFactor: 0.1 });
    // No weights of their own: the parameter count is the plain preset's.
    expect(model.countParams()).toBe(buildModel({ preset: 'cnn' }, photos, 'photos').countParams());
  });

  test('refuses augmentation for a preset that takes no images', () => {
    const churn: ModelShape = { inputs: { features: [45] }, inputDims: {}, task: 'binary', classes: 2 };
    expect(() => buildModel({ preset: 'mlp', augment: { flip: 'horizontal' } }, churn, 'c')).toThrow(
      /model\.augment: random moves of images go with the cnn preset, not mlp/,
    );
  });
});
