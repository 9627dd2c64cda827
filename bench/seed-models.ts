import { layers, type Model, sequential } from '../src/index.js';

/**
 * The seed experiment's two models through the public model API, exactly as a user writes
 * them (examples/mnist-cnn.ts), compiled with Adam and sparse categorical cross-entropy.
 */
export function seedModel(kind: 'cnn' | 'mlp'): Model {
  const model =
    kind === 'cnn'
      ? sequential([
          layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
          layers.maxPooling2d({ poolSize: 2 }),
          layers.flatten(),
          layers.dense({ units: 128, activation: 'relu' }),
          layers.dropout({ rate: 0.5 }),
          layers.dense({ units: 10, activation: 'softmax' }),
        ])
      : sequential([
          layers.flatten({ inputShape: [28, 28, 1] }),
          layers.dense({ units: 100, activation: 'sigmoid' }),
          layers.dense({ units: 10, activation: 'softmax' }),
        ]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return model;
}
