import { parseArgs } from 'node:util';
import { layers, loadMnist, sequential, setSeed } from 'deepline';

// The seed experiment: Keras's MNIST CNN, 98.45% test accuracy after 10 epochs.
const { values } = parseArgs({ options: { epochs: { type: 'string', default: '10' } } });
setSeed(42);
const { train, test } = await loadMnist();

const model = sequential([
  layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  layers.maxPooling2d({ poolSize: 2 }),
  layers.flatten(),
  layers.dense({ units: 128, activation: 'relu' }),
  layers.dropout({ rate: 0.5 }),
  layers.dense({ units: 10, activation: 'softmax' }),
]);
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
model.summary();

await model.fit(train.images, train.labels, {
  epochs: Number(values.epochs),
  batchSize: 128,
  validationSplit: 0.1,
});
const { accuracy } = await model.evaluate(test.images, test.labels, { batchSize: 1000 });
console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
