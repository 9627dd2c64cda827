import type { Loss } from '../nn/loss.js';
import { resolve, type Serialized } from '../nn/serialize.js';
import {
  BinaryAccuracy,
  type BinaryAccuracyOptions,
  CategoricalAccuracy,
  InferredAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
  type TopKOptions,
} from './accuracy.js';
import { AUC, type AUCOptions } from './auc.js';
import type { MetricOptions } from './batch.js';
import { type ConfusionOptions, Precision, Recall } from './confusion.js';
import type { Metric } from './metric.js';
import { MeanAbsoluteError, MeanSquaredError } from './regression.js';

export {
  BinaryAccuracy,
  type BinaryAccuracyOptions,
  CategoricalAccuracy,
  InferredAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
  type TopKOptions,
} from './accuracy.js';
export { AUC, type AUCCurve, type AUCOptions, type AUCSummation } from './auc.js';
export { type MetricOptions, metricMessages } from './batch.js';
export { type ConfusionOptions, Precision, Recall } from './confusion.js';
export { Mean, MeanMetricWrapper } from './mean.js';
export type { Metric } from './metric.js';
export { hitRate, ndcg, rankOf, recallAtK, topK } from './ranking.js';
export { MeanAbsoluteError, MeanSquaredError } from './regression.js';

type Factory = (config: Record<string, unknown>) => Metric;

const binaryAccuracy: Factory = (config) => new BinaryAccuracy(config as BinaryAccuracyOptions);
const categoricalAccuracy: Factory = (config) => new CategoricalAccuracy(config as MetricOptions);
const sparseCategoricalAccuracy: Factory = (config) => new SparseCategoricalAccuracy(config as MetricOptions);
const topK: Factory = (config) => new TopKCategoricalAccuracy(config as TopKOptions);
const sparseTopK: Factory = (config) => new SparseTopKCategoricalAccuracy(config as TopKOptions);
const precision: Factory = (config) => new Precision(config as ConfusionOptions);
const recall: Factory = (config) => new Recall(config as ConfusionOptions);
const auc: Factory = (config) => new AUC(config as AUCOptions);
const mae: Factory = (config) => new MeanAbsoluteError(config as MetricOptions);
const mse: Factory = (config) => new MeanSquaredError(config as MetricOptions);
const inferred: Factory = (config) => new InferredAccuracy(config as MetricOptions);

// Keras's snake_case names and aliases, its class names (what Serialized configs carry), and
// this library's camelCase spellings.
const factories: Record<string, Factory> = {
  accuracy: inferred,
  acc: inferred,
  InferredAccuracy: inferred,
  binary_accuracy: binaryAccuracy,
  binaryAccuracy,
  BinaryAccuracy: binaryAccuracy,
  categorical_accuracy: categoricalAccuracy,
  categoricalAccuracy,
  CategoricalAccuracy: categoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  sparseCategoricalAccuracy,
  SparseCategoricalAccuracy: sparseCategoricalAccuracy,
  top_k_categorical_accuracy: topK,
  topKCategoricalAccuracy: topK,
  TopKCategoricalAccuracy: topK,
  sparse_top_k_categorical_accuracy: sparseTopK,
  sparseTopKCategoricalAccuracy: sparseTopK,
  SparseTopKCategoricalAccuracy: sparseTopK,
  precision,
  Precision: precision,
  recall,
  Recall: recall,
  auc,
  AUC: auc,
  mae,
  MAE: mae,
  mean_absolute_error: mae,
  meanAbsoluteError: mae,
  MeanAbsoluteError: mae,
  mse,
  MSE: mse,
  mean_squared_error: mse,
  meanSquaredError: mse,
  MeanSquaredError: mse,
};

/**
 * A metric from what a user may pass to `compile`: a name, a Metric object (returned as is), or
 * a Serialized `{ className, config }`.
 *
 * A metric named by a string keeps that string as its name in logs, as Keras does ('mae' logs
 * 'mae'). 'accuracy' and 'acc' mean the accuracy that fits the loss: binary for binary
 * cross-entropy, sparse categorical for sparse categorical cross-entropy, categorical for
 * categorical cross-entropy; for any other loss (or none) it is chosen from the first batch's
 * shapes (see InferredAccuracy).
 */
export function metric(id: string | Metric | Serialized, loss?: Loss): Metric {
  if (typeof id !== 'string') return resolve<Metric>('metric', factories, id);
  if (id === 'accuracy' || id === 'acc') return accuracyFor(loss, id);
  return resolve<Metric>('metric', factories, { className: id, config: { name: id } });
}

function accuracyFor(loss: Loss | undefined, name: string): Metric {
  switch (loss?.className) {
    case 'BinaryCrossentropy':
      return new BinaryAccuracy({ name });
    case 'SparseCategoricalCrossentropy':
      return new SparseCategoricalAccuracy({ name });
    case 'CategoricalCrossentropy':
      return new CategoricalAccuracy({ name });
    default:
      return new InferredAccuracy({ name });
  }
}
