// Every built-in layer: its class, its factory (TensorFlow.js's `tf.layers.dense({...})` style),
// and the table that rebuilds a layer from model.json without running code from the file.

import { InputLayer } from '../input.js';
import type { Layer } from '../layer.js';
import type { Serialized } from '../serialize.js';
import { resolve } from '../serialize.js';
import { Activation, type ActivationConfig } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv2D, type Conv2DConfig } from './conv2d.js';
import { Dense, type DenseConfig } from './dense.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { Embedding, type EmbeddingConfig } from './embedding.js';
import { Flatten } from './flatten.js';
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from './global-pooling.js';
import { LayerNormalization } from './layer-normalization.js';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  type DotConfig,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from './merge.js';
import { AveragePooling2D, MaxPooling2D } from './pooling2d.js';
import { RandomFlip, type RandomFlipConfig } from './random-flip.js';
import { RandomRotation, type RandomRotationConfig } from './random-rotation.js';
import { RandomTranslation, type RandomTranslationConfig } from './random-translation.js';
import { Reshape, type ReshapeConfig } from './reshape.js';

export { Activation, type ActivationConfig, activation } from './activation.js';
export {
  BatchNormalization,
  type BatchNormalizationConfig,
  batchNormalization,
} from './batch-normalization.js';
export { Conv2D, type Conv2DConfig, conv2d } from './conv2d.js';
export { Dense, type DenseConfig, dense } from './dense.js';
export { Dropout, type DropoutConfig, dropout } from './dropout.js';
export { Embedding, type EmbeddingConfig, embedding } from './embedding.js';
export { Flatten, flatten } from './flatten.js';
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type GlobalPoolingConfig,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
} from './global-pooling.js';
export {
  LayerNormalization,
  type LayerNormalizationConfig,
  layerNormalization,
} from './layer-normalization.js';
export {
  Add,
  Average,
  add,
  average,
  Concatenate,
  type ConcatenateConfig,
  concatenate,
  Dot,
  type DotConfig,
  dot,
  Maximum,
  Minimum,
  Multiply,
  maximum,
  minimum,
  multiply,
  Subtract,
  subtract,
} from './merge.js';
export {
  AveragePooling2D,
  averagePooling2d,
  MaxPooling2D,
  maxPooling2d,
  type Pooling2DConfig,
} from './pooling2d.js';
export { type FlipMode, RandomFlip, type RandomFlipConfig, randomFlip } from './random-flip.js';
export type { Factor } from './random-image.js';
export { RandomRotation, type RandomRotationConfig, randomRotation } from './random-rotation.js';
export {
  RandomTranslation,
  type RandomTranslationConfig,
  randomTranslation,
} from './random-translation.js';
export { Reshape, type ReshapeConfig, reshape } from './reshape.js';

// biome-ignore lint/suspicious/noExplicitAny: each factory checks its own config
type Factory = (config: any) => Layer;

const LAYERS: Record<string, Factory> = {
  InputLayer: (c) => new InputLayer(c),
  Dense: (c: DenseConfig) => new Dense(c),
  Conv2D: (c: Conv2DConfig) => new Conv2D(c),
  MaxPooling2D: (c) => new MaxPooling2D(c),
  AveragePooling2D: (c) => new AveragePooling2D(c),
  Flatten: (c) => new Flatten(c),
  Dropout: (c: DropoutConfig) => new Dropout(c),
  Activation: (c: ActivationConfig) => new Activation(c),
  Reshape: (c: ReshapeConfig) => new Reshape(c),
  BatchNormalization: (c) => new BatchNormalization(c),
  LayerNormalization: (c) => new LayerNormalization(c),
  Embedding: (c: EmbeddingConfig) => new Embedding(c),
  GlobalAveragePooling1D: (c) => new GlobalAveragePooling1D(c),
  GlobalMaxPooling1D: (c) => new GlobalMaxPooling1D(c),
  GlobalAveragePooling2D: (c) => new GlobalAveragePooling2D(c),
  GlobalMaxPooling2D: (c) => new GlobalMaxPooling2D(c),
  Add: (c) => new Add(c),
  Subtract: (c) => new Subtract(c),
  Multiply: (c) => new Multiply(c),
  Average: (c) => new Average(c),
  Maximum: (c) => new Maximum(c),
  Minimum: (c) => new Minimum(c),
  Concatenate: (c) => new Concatenate(c),
  Dot: (c: DotConfig) => new Dot(c),
  RandomTranslation: (c: RandomTranslationConfig) => new RandomTranslation(c),
  RandomFlip: (c: RandomFlipConfig) => new RandomFlip(c),
  RandomRotation: (c: RandomRotationConfig) => new RandomRotation(c),
};

/** Rebuilds a layer from its className and config, as written by getConfig. */
export function layerFromConfig(serialized: Serialized): Layer {
  return resolve<Layer>('layer', LAYERS, serialized);
}
