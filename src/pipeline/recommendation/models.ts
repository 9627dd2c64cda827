import { input } from '../../nn/input.js';
import type { SymbolicTensor } from '../../nn/layer.js';
import * as layers from '../../nn/layers/index.js';
import { l2 } from '../../nn/regularizers.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type Model, model } from '../../train/model.js';
import type { PresetModelConfig } from '../config.js';
import { buildModel } from '../presets.js';
import type { IndexPairs } from './split.js';

/** A model's score for each (customer, product) pair: higher is more likely to be bought. */
export type Scorer = (users: Int32Array, items: Int32Array) => Float32Array;

export interface Embedded {
  /** Input names (the customer and product columns), in the models' input order. */
  user: string;
  item: string;
  /** Embedding rows: index count, the unknown bucket 0 included. */
  users: number;
  items: number;
}

/** Neural collaborative filtering (He et al., 2017): the recommender preset, user and item embeddings → MLP. */
export function neuralCollaborativeFiltering(spec: PresetModelConfig, shape: Embedded, name: string): Model {
  return buildModel(
    spec,
    {
      inputs: { [shape.user]: [1], [shape.item]: [1] },
      inputDims: { [shape.user]: shape.users, [shape.item]: shape.items },
      task: 'binary',
      classes: 2,
    },
    name,
  );
}

/**
 * Matrix factorisation: the dot product of a customer's and a product's vectors plus a bias for
 * each, through a sigmoid (GMF without the learnt weighting), trained on the same sampled pairs as
 * the neural model so that the two differ only in how they combine the embeddings.
 */
export function matrixFactorisation(shape: Embedded, options: { factors: number; l2?: number }): Model {
  const user = input({ shape: [1], name: shape.user });
  const item = input({ shape: [1], name: shape.item });
  const regularizer = options.l2 ? l2({ l2: options.l2 }) : undefined;
  const vector = (x: SymbolicTensor, rows: number, width: number, name: string) =>
    layers
      .flatten()
      .apply(
        layers
          .embedding({ inputDim: rows, outputDim: width, name, embeddingsRegularizer: regularizer })
          .apply(x) as SymbolicTensor,
      ) as SymbolicTensor;
  const dot = layers
    .dot({ axes: 1 })
    .apply([
      vector(user, shape.users, options.factors, 'user_factors'),
      vector(item, shape.items, options.factors, 'item_factors'),
    ]) as SymbolicTensor;
  const biased = layers
    .add()
    .apply([
      dot,
      vector(user, shape.users, 1, 'user_bias'),
      vector(item, shape.items, 1, 'item_bias'),
    ]) as SymbolicTensor;
  const output = layers.activation({ activation: 'sigmoid', name: 'output' }).apply(biased) as SymbolicTensor;
  return model({ inputs: [user, item], outputs: output, name: 'matrix_factorisation' });
}

/** A trained model's scores, predicted in large batches: ranking asks for millions of pairs. */
export function modelScorer(m: Model): Scorer {
  return (users, items) => {
    const n = users.length;
    const x: Tensor[] = [tensor(users, { shape: [n, 1] }), tensor(items, { shape: [n, 1] })];
    const y = m.predict(x, { batchSize: 8192 }) as Tensor;
    return Float32Array.from(y.values as Float32Array);
  };
}

/** The popularity baseline: every customer is offered what most customers bought in training. */
export function popularityScorer(train: IndexPairs, items: number): Scorer {
  const buyers = new Float32Array(items);
  for (const item of train.items) buyers[item]++;
  return (_users, list) => Float32Array.from(list, (item) => buyers[item]);
}
