import { input } from '../nn/input.js';
import type { Layer, SymbolicTensor } from '../nn/layer.js';
import * as layers from '../nn/layers/index.js';
import { l2 } from '../nn/regularizers.js';
import { type Model, model } from '../train/model.js';
import { augmentationLayers } from './augment.js';
import { type LayersModelConfig, PipelineConfigError, type PresetModelConfig } from './config.js';
import type { Task } from './evaluation.js';

/** What the data says the model must take and give. */
export interface ModelShape {
  /** Per-example input shapes, by input name; the order is the order of the model's inputs. */
  inputs: Record<string, number[]>;
  /** Vocabulary or index sizes of inputs that feed an embedding. */
  inputDims: Record<string, number>;
  task: Task;
  /** Classes for classification (binary: 2). */
  classes: number;
}

/**
 * The model a pipeline's `model` section asks for: a preset sized from the data, or the user's
 * list of layers (Keras class names and configs) with the output layer added when missing.
 */
export function buildModel(
  spec: PresetModelConfig | LayersModelConfig,
  shape: ModelShape,
  name: string,
): Model {
  const inputs = Object.entries(shape.inputs).map(([key, s]) => input({ shape: s, name: key }));
  let x: SymbolicTensor;
  if ('layers' in spec) {
    if (inputs.length !== 1)
      throw new PipelineConfigError(
        `model.layers: a list of layers takes one input, but the features make ${inputs.length} (${Object.keys(shape.inputs).join(', ')}); use a preset`,
      );
    x = inputs[0];
    spec.layers.forEach((raw, i) => {
      const { type, ...config } = raw;
      let layer: Layer;
      try {
        layer = layers.layerFromConfig({ className: type, config });
      } catch (e) {
        throw new PipelineConfigError(`model.layers[${i}] (${type}): ${(e as Error).message}`);
      }
      x = layer.apply(x) as SymbolicTensor;
    });
    if (outputGiven(spec, shape)) return model({ inputs, outputs: x, name });
  } else {
    x = presetBody(spec, shape, inputs);
  }
  return model({ inputs, outputs: head(shape, x), name });
}

const outputActivation = { binary: 'sigmoid', multiclass: 'softmax', regression: 'linear' } as const;

/**
 * Whether the user's last layer is already the output. A Dense of the output's width must have
 * the task's activation: a linear one for classes would train on logits and fail at evaluation.
 */
function outputGiven(spec: LayersModelConfig, shape: ModelShape): boolean {
  const last = spec.layers.at(-1)!;
  if (last.type !== 'Dense' || last.units !== outputUnits(shape)) return false;
  const wanted = outputActivation[shape.task];
  if ((last.activation ?? 'linear') !== wanted)
    throw new PipelineConfigError(
      `model.layers[${spec.layers.length - 1}]: the output of a ${shape.task} model needs activation '${wanted}', not '${last.activation ?? 'linear'}' (or leave the output layer out: it is added)`,
    );
  return true;
}

function outputUnits(shape: ModelShape): number {
  return shape.task === 'multiclass' ? shape.classes : 1;
}

function head(shape: ModelShape, x: SymbolicTensor): SymbolicTensor {
  const activation = shape.task === 'multiclass' ? 'softmax' : shape.task === 'binary' ? 'sigmoid' : 'linear';
  return layers.dense({ units: outputUnits(shape), activation, name: 'output' }).apply(x) as SymbolicTensor;
}

function presetBody(spec: PresetModelConfig, shape: ModelShape, inputs: SymbolicTensor[]): SymbolicTensor {
  if (spec.augment && spec.preset !== 'cnn')
    throw new PipelineConfigError(
      `model.augment: random moves of images go with the cnn preset, not ${spec.preset}`,
    );
  const regularizer = spec.l2 ? l2({ l2: spec.l2 }) : undefined;
  const dense = (x: SymbolicTensor, units: readonly number[], dropout: number): SymbolicTensor => {
    for (const u of units) {
      x = layers
        .dense({ units: u, activation: 'relu', kernelRegularizer: regularizer })
        .apply(x) as SymbolicTensor;
      if (dropout > 0) x = layers.dropout({ rate: dropout }).apply(x) as SymbolicTensor;
    }
    return x;
  };
  const [first] = inputs;
  switch (spec.preset) {
    case 'mlp': {
      if (inputs.length !== 1 || first.shape.length !== 2)
        throw new PipelineConfigError(
          `model.preset mlp: takes one vector of features, got ${describe(shape)}`,
        );
      return dense(first, spec.units ?? [64, 32], spec.dropout ?? 0.2);
    }
    case 'cnn':
      return cnn(spec, shape, first, inputs.length, dense);
    case 'text':
      return text(spec, shape, inputs, dense);
    case 'recommender':
      return recommender(spec, shape, inputs, dense);
  }
}

type DenseStack = (x: SymbolicTensor, units: readonly number[], dropout: number) => SymbolicTensor;

/**
 * The seed experiment's CNN for 28×28 digits (one 32-filter block, Dense 128, dropout 0.5); larger
 * images get one more block, with twice the filters, for each halving needed to come down to ~14 px.
 * Colour needs nothing more (the first convolution takes every channel); many classes widen the
 * dense layer, so that it is never much narrower than the output. `augment` puts random moves
 * of the training images in front.
 */
function cnn(
  spec: PresetModelConfig,
  shape: ModelShape,
  x: SymbolicTensor,
  count: number,
  dense: DenseStack,
) {
  const [h, w] = x.shape.slice(1) as number[];
  if (count !== 1 || x.shape.length !== 4)
    throw new PipelineConfigError(
      `model.preset cnn: takes images [height, width, channels], got ${describe(shape)}`,
    );
  for (const layer of augmentationLayers(spec.augment)) x = layer.apply(x) as SymbolicTensor;
  let filters = spec.filters;
  if (filters === undefined) {
    filters = [32];
    for (let side = Math.min(h, w) / 2; side > 16; side /= 2) filters.push(filters.at(-1)! * 2);
  }
  for (const f of filters) {
    x = layers
      .conv2d({
        filters: f,
        kernelSize: 3,
        activation: 'relu',
        padding: filters.length > 1 ? 'same' : 'valid',
      })
      .apply(x) as SymbolicTensor;
    x = layers.maxPooling2d({ poolSize: 2 }).apply(x) as SymbolicTensor;
  }
  x = layers.flatten().apply(x) as SymbolicTensor;
  const units = Math.max(128, 2 ** Math.ceil(Math.log2(2 * shape.classes)));
  return dense(x, spec.units ?? [units], spec.dropout ?? 0.5);
}

/**
 * Each input that holds indices (token ids, user or item ids) through an Embedding, reduced to a
 * vector by `reduce`; other inputs pass as they are. Returns the parts and how many were embedded.
 */
function embedInputs(
  shape: ModelShape,
  inputs: SymbolicTensor[],
  width: number,
  reduce: () => Layer,
): { parts: SymbolicTensor[]; embedded: number } {
  let embedded = 0;
  const parts = inputs.map((x) => {
    const dim = shape.inputDims[x.layer.name];
    if (dim === undefined) return x;
    embedded++;
    const e = layers.embedding({ inputDim: dim, outputDim: width }).apply(x) as SymbolicTensor;
    return reduce().apply(e) as SymbolicTensor;
  });
  return { parts, embedded };
}

function joined(parts: SymbolicTensor[]): SymbolicTensor {
  return parts.length === 1 ? parts[0] : (layers.concatenate().apply(parts) as SymbolicTensor);
}

/** Token ids → embedding → average over the sequence → dense; any dense features join before the dense part. */
function text(spec: PresetModelConfig, shape: ModelShape, inputs: SymbolicTensor[], dense: DenseStack) {
  const { parts, embedded } = embedInputs(shape, inputs, spec.embeddingDim ?? 64, () =>
    layers.globalAveragePooling1d(),
  );
  if (embedded === 0)
    throw new PipelineConfigError(
      `model.preset text: needs a tokenized text column (features: kind text), got ${describe(shape)}`,
    );
  return dense(joined(parts), spec.units ?? [64], spec.dropout ?? 0.3);
}

/**
 * Neural collaborative filtering (He et al., 2017): one embedding per index input (user, item),
 * concatenated with any dense features, then an MLP.
 */
function recommender(
  spec: PresetModelConfig,
  shape: ModelShape,
  inputs: SymbolicTensor[],
  dense: DenseStack,
) {
  const { parts, embedded } = embedInputs(shape, inputs, spec.embeddingDim ?? 32, () => layers.flatten());
  if (embedded < 2)
    throw new PipelineConfigError(
      `model.preset recommender: needs two index columns (user and item: features kind embedding), got ${describe(shape)}`,
    );
  return dense(joined(parts), spec.units ?? [64, 32], spec.dropout ?? 0);
}

function describe(shape: ModelShape): string {
  return Object.entries(shape.inputs)
    .map(([k, s]) => `${k} [${s.join(', ')}]`)
    .join(', ');
}
