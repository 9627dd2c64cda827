import { describe, expect, test } from 'vitest';
import { PipelineConfigError } from '../../src/pipeline/config.js';
import { buildModel, type ModelShape } from '../../src/pipeline/presets.js';

const digits: ModelShape = { inputs: { image: [28, 28, 1] }, inputDims: {}, task: 'multiclass', classes: 10 };
const churn: ModelShape = { inputs: { features: [45] }, inputDims: {}, task: 'binary', classes: 2 };

const parameters = (m: ReturnType<typeof buildModel>) => m.countParams();

describe('model presets and layer lists', () => {
  test("the cnn preset for 28×28 digits is the seed's CNN: 693,962 parameters", () => {
    const model = buildModel({ preset: 'cnn' }, digits, 'digits');
    expect(parameters(model)).toBe(693_962);
    expect(model.outputs[0].shape).toEqual([null, 10]);
  });

  test('larger images get more convolution blocks, each halving the side', () => {
    const model = buildModel({ preset: 'cnn' }, { ...digits, inputs: { image: [64, 64, 3] } }, 'photos');
    const convs = model.layers.filter((l) => l.className === 'Conv2D');
    expect(convs.map((l) => (l.getConfig() as { filters: number }).filters)).toEqual([32, 64]);
  });

  test('the mlp preset ends in one sigmoid unit for a binary task', () => {
    const model = buildModel({ preset: 'mlp', units: [8], dropout: 0 }, churn, 'churn');
    expect(parameters(model)).toBe(45 * 8 + 8 + 8 + 1);
    const last = model.layers.at(-1)!.getConfig() as { activation: string; units: number };
    expect(last).toMatchObject({ units: 1, activation: 'sigmoid' });
  });

  test("a list of layers gets the task's output layer when it does not end with one", () => {
    const model = buildModel({ layers: [{ type: 'Dense', units: 4, activation: 'relu' }] }, churn, 'c');
    expect(model.outputs[0].shape).toEqual([null, 1]);
    expect(parameters(model)).toBe(45 * 4 + 4 + 4 + 1);
  });

  test('an output layer with the wrong activation is refused before training, naming it', () => {
    expect(() =>
      buildModel(
        { layers: [{ type: 'Dense', units: 10 }] },
        { ...churn, task: 'multiclass', classes: 10 },
        'c',
      ),
    ).toThrow(
      /model\.layers\[0\]: the output of a multiclass model needs activation 'softmax', not 'linear'/,
    );
  });

  test('an unknown layer type names its index', () => {
    expect(() => buildModel({ layers: [{ type: 'Dence', units: 4 }] }, churn, 'c')).toThrow(
      PipelineConfigError,
    );
    expect(() => buildModel({ layers: [{ type: 'Dence', units: 4 }] }, churn, 'c')).toThrow(
      /model\.layers\[0\] \(Dence\)/,
    );
  });

  test('presets refuse data of the wrong shape with what they got', () => {
    expect(() => buildModel({ preset: 'cnn' }, churn, 'c')).toThrow(/cnn: takes images .*features \[45\]/);
    expect(() => buildModel({ preset: 'text' }, churn, 'c')).toThrow(/needs a tokenized text column/);
    expect(() => buildModel({ preset: 'recommender' }, churn, 'c')).toThrow(/needs two index columns/);
  });

  test('the recommender embeds each index input and joins them', () => {
    const shape: ModelShape = {
      inputs: { user: [1], item: [1] },
      inputDims: { user: 100, item: 50 },
      task: 'binary',
      classes: 2,
    };
    const model = buildModel({ preset: 'recommender', embeddingDim: 8, units: [16] }, shape, 'ncf');
    expect(model.layers.filter((l) => l.className === 'Embedding')).toHaveLength(2);
    expect(parameters(model)).toBe(100 * 8 + 50 * 8 + 16 * 16 + 16 + 16 + 1);
  });
});
