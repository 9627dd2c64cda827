import { parseArgs } from 'node:util';
import { layers, loadMnist, optimizers, sequential, setSeed } from 'deepline';

// The from-scratch network of the seed: 784 → 100 sigmoid → 10, trained by gradient descent.
const { values } = parseArgs({ options: { epochs: { type: 'string', default: '10' } } });
setSeed(42);
const { train, test } = await loadMnist();

const model = sequential([
  layers.flatten({ inputShape: [28, 28, 1] }),
  layers.dense({ units: 100, activation: 'sigmoid' }),
  layers.dense({ units: 10, activation: 'softmax' }),
]);
model.compile({
  optimizer: optimizers.sgd({ learningRate: 0.5 }),
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
});

await model.fit(train.images, train.labels, {
  epochs: Number(values.epochs),
  batchSize: 32,
  validationSplit: 0.1,
});
const { accuracy } = await model.evaluate(test.images, test.labels, { batchSize: 1000 });
console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
