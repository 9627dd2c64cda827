// Import of TensorFlow.js Layers models: the model.json + binary weight shards that TF.js's
// `model.save()` or `tensorflowjs_converter --input_format keras` write. The Keras JSON is read
// as data and mapped onto Deepline's own layer table; nothing in the files is executed.

import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { ActivationName } from '../nn/activations.js';
import { input } from '../nn/input.js';
import type { Layer, SymbolicTensor } from '../nn/layer.js';
import { layerFromConfig } from '../nn/layers/index.js';
import type { Serialized } from '../nn/serialize.js';
import type { Variable } from '../nn/variable.js';
import { tensor } from '../tensor/creation.js';
import { DeeplineError } from '../tensor/errors.js';
import { Model } from './model.js';
import { ARTIFACT_FORMAT } from './save.js';
import { sequential } from './sequential.js';

/** A TF.js model that cannot be imported; the message names the file and what is wrong. */
export class TfjsImportError extends DeeplineError {
  override name = 'TfjsImportError';
}

type Json = Record<string, unknown>;

/** One entry of a Keras layer list, read: class, name, config, and (functional) its calls. */
interface KerasLayer {
  className: string;
  name: string;
  config: Json;
  inboundNodes: unknown;
}

/** Where one input of a call comes from: the layer, which of its calls, which of its outputs. */
interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  group?: string;
  quantization?: unknown;
}

/**
 * Reads a TF.js Layers model (the model.json file, or the folder holding it) into a Deepline
 * Model with the same layers, layer names and weights, ready for predict (or compile and fit).
 * The training config in the file is not applied: compile the model to train it.
 */
export async function importTfjsModel(path: string): Promise<Model> {
  const file = await modelJsonPath(path);
  const json = await readJson(file);
  const topology = layersTopology(json, file);
  const model = buildModel(topology, file);
  await loadWeights(model, json.weightsManifest, file);
  return model;
}

// --- Files ---------------------------------------------------------------------------------

function fail(file: string, message: string): never {
  throw new TfjsImportError(`${file}: ${message}`);
}

async function modelJsonPath(path: string): Promise<string> {
  try {
    return (await stat(path)).isDirectory() ? join(path, 'model.json') : path;
  } catch (error) {
    return fail(path, `cannot be read (${(error as Error).message})`);
  }
}

async function readBytes(path: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    return fail(file, `cannot read ${path} (${(error as Error).message})`);
  }
}

async function readJson(file: string): Promise<Json> {
  const text = new TextDecoder().decode(await readBytes(file, file));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) fail(file, 'is not a TF.js model.json (expected a JSON object)');
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Keras model JSON, {class_name, config}, whether written by TF.js or by the converter. */
function layersTopology(json: Json, file: string): Json {
  if (json.format === ARTIFACT_FORMAT)
    fail(file, 'is a Deepline model, not a TF.js one; read it with loadModel');
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail(
      file,
      `format is ${JSON.stringify(json.format)}, expected "layers-model"; only TF.js Layers models can be imported ` +
        '(a graph model has no layer structure to rebuild)',
    );
  }
  let topology = json.modelTopology;
  // tensorflowjs_converter wraps the Keras JSON with keras_version and training_config.
  if (isObject(topology) && isObject(topology.model_config)) topology = topology.model_config;
  if (!isObject(topology) || typeof topology.class_name !== 'string') {
    fail(file, 'not a layers-model: modelTopology is missing or has no class_name');
  }
  return topology;
}

// --- Topology ------------------------------------------------------------------------------

function buildModel(topology: Json, file: string): Model {
  const className = topology.class_name as string;
  const config = topology.config;
  if (className === 'Sequential') return buildSequential(config, file);
  if (className === 'Model' || className === 'Functional') {
    if (!isObject(config)) fail(file, `the ${className} config is missing`);
    return buildFunctional(config, file);
  }
  return fail(file, `model class '${className}' is not supported; expected Sequential, Model or Functional`);
}

function readLayer(entry: unknown, file: string): KerasLayer {
  if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
    fail(file, `a layer entry is not {class_name, config}: ${JSON.stringify(entry)?.slice(0, 200)}`);
  }
  const name = entry.name ?? entry.config.name;
  if (typeof name !== 'string') fail(file, `a ${entry.class_name} layer has no name`);
  return { className: entry.class_name, name, config: entry.config, inboundNodes: entry.inbound_nodes };
}

/** The batch shape an InputLayer or a first layer declares: batch_input_shape (Keras 2, TF.js) or batch_shape (Keras 3). */
function declaredBatchShape(config: Json): unknown[] | null {
  const shape = config.batch_input_shape ?? config.batch_shape;
  return Array.isArray(shape) ? shape : null;
}

/** One sample's shape, which Deepline needs fully known to build the model. */
function sampleShape(layer: KerasLayer, batchShape: unknown[], file: string): number[] {
  const shape = batchShape.slice(1);
  if (!shape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    fail(
      file,
      `layer '${layer.name}' declares the input shape ${JSON.stringify(batchShape)}; Deepline needs every ` +
        'dimension but the batch known (for an Embedding, set input_length)',
    );
  }
  return shape as number[];
}

function buildSequential(config: unknown, file: string): Model {
  // Keras before 2.2 wrote a Sequential config as the bare list of layers.
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries) || entries.length === 0) fail(file, 'the Sequential config lists no layers');
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
  let shape: number[] | null = null;
  const layers: Layer[] = [];
  for (const entry of entries) {
    const layer = readLayer(entry, file);
    if (layer.className === 'InputLayer') {
      if (layers.length > 0) fail(file, `InputLayer '${layer.name}' comes after other layers`);
      shape = inputLayerShape(layer, file);
      continue;
    }
    if (layers.length === 0 && shape === null) {
      const declared = declaredBatchShape(layer.config);
      if (declared === null) {
        fail(
          file,
          `the first layer '${layer.name}' has no batch_input_shape, so the model's input shape is unknown`,
        );
      }
      shape = sampleShape(layer, declared, file);
    }
    layers.push(convertLayer(layer, layers.length === 0 ? shape : null, file));
  }
  if (layers.length === 0) fail(file, 'the Sequential model has an InputLayer but no other layers');
  return wiring(file, () => sequential(layers, { name }));
}

function inputLayerShape(layer: KerasLayer, file: string): number[] {
  const c = layer.config;
  if (c.sparse === true || c.ragged === true) {
    fail(file, `InputLayer '${layer.name}' is sparse or ragged; Deepline takes dense inputs only`);
  }
  const declared = declaredBatchShape(c);
  if (declared === null) fail(file, `InputLayer '${layer.name}' has no batch_input_shape`);
  return sampleShape(layer, declared, file);
}

/** Runs model wiring, naming the file in any shape error a layer raises. */
function wiring<T>(file: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof TfjsImportError) throw error;
    return fail(file, `the layers do not fit together: ${(error as Error).message}`);
  }
}

function buildFunctional(config: Json, file: string): Model {
  if (!Array.isArray(config.layers)) fail(file, 'the functional config has no layers list');
  const layers = config.layers.map((entry) => readLayer(entry, file));
  const byName = new Map(layers.map((l) => [l.name, l]));
  // Each layer's outputs, one per call (a layer shared between branches is called more than once).
  const outputs = new Map<string, SymbolicTensor[]>();
  const pending: { keras: KerasLayer; calls: TensorRef[][]; layer: Layer | null }[] = [];
  for (const keras of layers) {
    if (keras.className === 'InputLayer') {
      outputs.set(keras.name, [input({ shape: inputLayerShape(keras, file), name: keras.name })]);
    } else {
      pending.push({ keras, calls: inboundCalls(keras, file), layer: null });
    }
  }
  // Calls are wired as soon as their inputs exist, so the order of the layer list does not matter.
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      const done = outputs.get(p.keras.name) ?? [];
      while (done.length < p.calls.length) {
        const args = p.calls[done.length].map((ref) => resolveRef(ref, outputs, byName, p.keras, file));
        if (args.some((x) => x === undefined)) break;
        p.layer ??= convertLayer(p.keras, null, file);
        const layer = p.layer;
        const symbolic = args as SymbolicTensor[];
        done.push(wiring(file, () => layer.apply(symbolic.length === 1 ? symbolic[0] : symbolic)));
        outputs.set(p.keras.name, done);
        progress = true;
      }
    }
  }
  for (const p of pending) {
    const done = outputs.get(p.keras.name)?.length ?? 0;
    if (done < p.calls.length) {
      const names = p.calls[done].map((r) => `'${r.layer}'`).join(', ');
      fail(
        file,
        `layer '${p.keras.name}' reads ${names}, which never get computed (a cycle in the inbound nodes)`,
      );
    }
  }
  const pick = (key: string) =>
    endpoints(config[key], key, file).map(
      (ref) =>
        resolveRef(ref, outputs, byName, null, file) ??
        fail(file, `${key} names '${ref.layer}', which is never computed`),
    );
  const name = typeof config.name === 'string' ? config.name : 'model';
  return wiring(
    file,
    () => new Model({ inputs: pick('input_layers'), outputs: pick('output_layers'), name }),
  );
}

function resolveRef(
  ref: TensorRef,
  outputs: Map<string, SymbolicTensor[]>,
  byName: Map<string, KerasLayer>,
  reader: KerasLayer | null,
  file: string,
): SymbolicTensor | undefined {
  const where = reader ? `layer '${reader.name}'` : 'the model';
  if (!byName.has(ref.layer))
    fail(file, `${where} reads layer '${ref.layer}', which is not in the layer list`);
  if (ref.tensor !== 0) {
    fail(file, `${where} reads output ${ref.tensor} of '${ref.layer}'; the supported layers have one output`);
  }
  return outputs.get(ref.layer)?.[ref.node];
}

/** Each call's input references, from Keras 2 / TF.js nested lists or Keras 3 {args, kwargs}. */
function inboundCalls(layer: KerasLayer, file: string): TensorRef[][] {
  const nodes = layer.inboundNodes ?? [];
  if (!Array.isArray(nodes)) fail(file, `layer '${layer.name}' has inbound_nodes that are not a list`);
  return nodes.map((node) => {
    const refs = isObject(node)
      ? kerasTensors(node.args)
      : Array.isArray(node)
        ? node.map((r) => tensorRef(r))
        : [];
    if (refs.length === 0 || refs.some((r) => r === null)) {
      fail(
        file,
        `layer '${layer.name}' has an inbound node that cannot be read: ${JSON.stringify(node)?.slice(0, 200)}`,
      );
    }
    return refs as TensorRef[];
  });
}

function tensorRef(value: unknown): TensorRef | null {
  if (!Array.isArray(value) || value.length < 3 || typeof value[0] !== 'string') return null;
  const [layer, node, index] = value;
  if (!Number.isInteger(node) || !Number.isInteger(index)) return null;
  return { layer, node, tensor: index };
}

function kerasTensors(value: unknown): (TensorRef | null)[] {
  if (Array.isArray(value)) return value.flatMap(kerasTensors);
  if (isObject(value) && value.class_name === '__keras_tensor__' && isObject(value.config)) {
    return [tensorRef(value.config.keras_history)];
  }
  return [];
}

/** input_layers / output_layers: a list of [name, node, tensor], or (Keras 3, one endpoint) just one. */
function endpoints(value: unknown, key: string, file: string): TensorRef[] {
  const list = Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
  const refs = Array.isArray(list) ? list.map(tensorRef) : [];
  if (refs.length === 0 || refs.some((r) => r === null)) fail(file, `${key} is missing or cannot be read`);
  return refs as TensorRef[];
}

// --- Layers --------------------------------------------------------------------------------

/** Reads a layer's Keras (snake_case) config, refusing what would change the results unseen. */
class KerasConfig {
  constructor(
    readonly layer: KerasLayer,
    readonly file: string,
  ) {}

  fail(message: string): never {
    return fail(this.file, `layer '${this.layer.name}' (${this.layer.className}): ${message}`);
  }

  /** The value, with Keras's null read as absent. */
  get(key: string): unknown {
    const value = this.layer.config[key];
    return value === null ? undefined : value;
  }

  channelsLast(): void {
    const format = this.get('data_format');
    if (format !== undefined && format !== 'channels_last') {
      this.fail(
        `data_format is ${JSON.stringify(format)}; Deepline computes in channels_last (NHWC) only. ` +
          'Rebuild the model with channels_last layers and copy its weights over before exporting',
      );
    }
  }

  /** Refuses a setting Deepline does not have unless it holds its neutral value. */
  unsupported(key: string, neutral: unknown, why: string): void {
    const value = this.get(key);
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(neutral)) {
      this.fail(`${key} is ${JSON.stringify(value)}; ${why}`);
    }
  }

  activation(key = 'activation'): ActivationName | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    const name = typeof value === 'string' ? value : isObject(value) ? value.class_name : undefined;
    const mapped =
      typeof name === 'string' && Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
    if (mapped === undefined) {
      this.fail(
        `activation ${JSON.stringify(value)} is not supported; expected one of: ${Object.keys(ACTIVATIONS).join(', ')}`,
      );
    }
    return mapped;
  }

  regularizer(key: string): Serialized | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    if (!isObject(value) || typeof value.class_name !== 'string' || !isObject(value.config ?? {})) {
      this.fail(`${key} ${JSON.stringify(value)} cannot be read; expected {class_name, config}`);
    }
    if (!['L1', 'L2', 'L1L2'].includes(value.class_name)) {
      this.fail(`${key} '${value.class_name}' is not supported; expected L1, L2 or L1L2`);
    }
    return { className: value.class_name, config: { ...((value.config as Json | undefined) ?? {}) } };
  }

  /** Weight constraints only act while training; Deepline has none, so a file that uses them is refused. */
  noConstraints(...weights: string[]): void {
    for (const w of weights) {
      this.unsupported(
        `${w}_constraint`,
        null,
        'Deepline has no weight constraints (they only act during training); set it to null in model.json to import without it',
      );
    }
  }

  number(key: string): number | undefined {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'number')
      this.fail(`${key} is ${JSON.stringify(value)}, expected a number`);
    return value as number | undefined;
  }

  /** BatchNormalization's axis: a number or, after a Keras build, a list of one. */
  axis(): number | undefined {
    const value = this.get('axis');
    if (Array.isArray(value) && value.length === 1) return value[0] as number;
    if (value !== undefined && typeof value !== 'number') {
      this.fail(
        `axis is ${JSON.stringify(value)}; Deepline's BatchNormalization normalizes one features axis`,
      );
    }
    return value as number | undefined;
  }
}

// Keras's activation names (TF.js writes its own names snake_cased) to Deepline's. Keras 2's
// and TF.js's 'gelu' is the exact one, as Deepline's; 'gelu_new' (tanh approximation) is not.
const ACTIVATIONS: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  tanh: 'tanh',
  gelu: 'gelu',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  relu6: 'relu6',
  swish: 'swish',
  silu: 'swish',
  log_softmax: 'logSoftmax',
  leaky_relu: 'leakyRelu',
};

const pooling2d = (c: KerasConfig): Json => {
  c.channelsLast();
  return { poolSize: c.get('pool_size'), strides: c.get('strides'), padding: c.get('padding') };
};

const globalPooling = (c: KerasConfig): Json => {
  c.channelsLast();
  return { keepdims: c.get('keepdims') };
};

const merge = (): Json => ({});

/** Each supported Keras class: its config in Deepline's names (base options are added by convertLayer). */
const CONVERTERS: Record<string, (c: KerasConfig) => Json> = {
  Dense: (c) => {
    c.noConstraints('kernel', 'bias');
    return {
      units: c.get('units'),
      activation: c.activation(),
      useBias: c.get('use_bias'),
      kernelRegularizer: c.regularizer('kernel_regularizer'),
      biasRegularizer: c.regularizer('bias_regularizer'),
    };
  },
  Conv2D: (c) => {
    c.channelsLast();
    c.noConstraints('kernel', 'bias');
    c.unsupported('groups', 1, 'Deepline has no grouped convolution');
    const padding = c.get('padding');
    if (padding !== undefined && padding !== 'valid' && padding !== 'same') {
      c.fail(`padding is ${JSON.stringify(padding)}, expected 'valid' or 'same'`);
    }
    return {
      filters: c.get('filters'),
      kernelSize: c.get('kernel_size'),
      strides: c.get('strides'),
      padding,
      dilationRate: c.get('dilation_rate'),
      activation: c.activation(),
      useBias: c.get('use_bias'),
      kernelRegularizer: c.regularizer('kernel_regularizer'),
      biasRegularizer: c.regularizer('bias_regularizer'),
    };
  },
  MaxPooling2D: pooling2d,
  AveragePooling2D: pooling2d,
  GlobalAveragePooling2D: globalPooling,
  GlobalAveragePooling1D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  GlobalMaxPooling1D: globalPooling,
  Flatten: (c) => {
    c.channelsLast();
    return {};
  },
  Reshape: (c) => ({ targetShape: c.get('target_shape') }),
  Dropout: (c) => {
    c.unsupported('noise_shape', null, 'Deepline drops elements independently; remove noise_shape to import');
    return { rate: c.get('rate'), seed: c.get('seed') };
  },
  Activation: (c) => ({ activation: c.activation() }),
  BatchNormalization: (c) => {
    c.noConstraints('beta', 'gamma');
    c.unsupported('renorm', false, 'batch renormalization is not supported');
    c.unsupported('virtual_batch_size', null, 'ghost batch normalization is not supported');
    c.unsupported('synchronized', false, 'synchronized batch normalization is not supported');
    return {
      axis: c.axis(),
      momentum: c.number('momentum'),
      epsilon: c.number('epsilon'),
      center: c.get('center'),
      scale: c.get('scale'),
      betaRegularizer: c.regularizer('beta_regularizer'),
      gammaRegularizer: c.regularizer('gamma_regularizer'),
    };
  },
  LayerNormalization: (c) => {
    c.noConstraints('beta', 'gamma');
    c.unsupported('rms_scaling', false, 'RMS normalization is not supported');
    return {
      axis: c.get('axis'),
      epsilon: c.number('epsilon'),
      center: c.get('center'),
      scale: c.get('scale'),
      betaRegularizer: c.regularizer('beta_regularizer'),
      gammaRegularizer: c.regularizer('gamma_regularizer'),
    };
  },
  Embedding: (c) => {
    c.noConstraints('embeddings');
    c.unsupported(
      'mask_zero',
      false,
      'Deepline has no masking, so later layers would also average over padding',
    );
    return {
      inputDim: c.get('input_dim'),
      outputDim: c.get('output_dim'),
      embeddingsRegularizer: c.regularizer('embeddings_regularizer'),
    };
  },
  Concatenate: (c) => ({ axis: c.get('axis') }),
  Add: merge,
  Subtract: merge,
  Multiply: merge,
  Average: merge,
  Maximum: merge,
  Minimum: merge,
  Dot: (c) => ({ axes: c.get('axes'), normalize: c.get('normalize') }),
};

/** The classes importTfjsModel reads, for error messages and documentation. */
export const SUPPORTED_TFJS_LAYERS: readonly string[] = ['InputLayer', ...Object.keys(CONVERTERS)];

function convertLayer(layer: KerasLayer, inputShape: number[] | null, file: string): Layer {
  const convert = Object.hasOwn(CONVERTERS, layer.className) ? CONVERTERS[layer.className] : undefined;
  if (convert === undefined) {
    fail(
      file,
      `layer '${layer.name}' has class '${layer.className}', which Deepline cannot import; supported: ${SUPPORTED_TFJS_LAYERS.join(', ')}`,
    );
  }
  const c = new KerasConfig(layer, file);
  const own = convert(c);
  const config: Json = {
    name: layer.name,
    trainable: c.get('trainable'),
    activityRegularizer: c.regularizer('activity_regularizer'),
    ...own,
  };
  if (inputShape) config.inputShape = inputShape;
  // Absent options take Deepline's defaults, which are Keras's.
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  try {
    return layerFromConfig({ className: layer.className, config });
  } catch (error) {
    return c.fail((error as Error).message);
  }
}

// --- Weights -------------------------------------------------------------------------------

const BYTES: Record<string, number> = { float32: 4, int32: 4 };

/**
 * Reads the weight groups of the manifest, each group's shards concatenated in order with its
 * weights back to back, and assigns each to the Deepline variable of the same layer and name.
 */
async function loadWeights(model: Model, manifest: unknown, file: string): Promise<void> {
  if (!Array.isArray(manifest)) fail(file, 'weightsManifest is missing; expected a list of {paths, weights}');
  const variables = new Map(model.weights.map((v) => [v.name, v]));
  const layerNames = new Set(model.layers.map((l) => l.name));
  const assigned = new Set<string>();
  for (const [g, group] of manifest.entries()) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      fail(file, `weightsManifest[${g}] is not {paths, weights}`);
    }
    const specs = group.weights.map((w) => weightSpec(w, file));
    const paths = group.paths.map((p) => shardPath(p, file));
    const shards = await Promise.all(paths.map((p) => readBytes(p, file)));
    const bytes = concatBytes(shards);
    const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * BYTES[s.dtype], 0);
    if (bytes.length !== expected) {
      fail(
        file,
        `the weights of weightsManifest[${g}] take ${expected} bytes, but ${group.paths.join(' + ')} hold ${bytes.length}; ` +
          `the shards are ${bytes.length < expected ? 'truncated' : 'not the ones this model.json describes'}`,
      );
    }
    let offset = 0;
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = decode(bytes, offset, size, spec.dtype);
      offset += size * BYTES[spec.dtype];
      // Optimizer state (saved with includeOptimizer) is not restored: compile starts afresh.
      if (spec.group === 'optimizer') continue;
      const variable = findVariable(spec.name, variables, layerNames);
      if (variable === undefined) {
        fail(
          file,
          `weight '${spec.name}' belongs to no layer weight of the model; its layers are ${[...layerNames].join(', ')}`,
        );
      }
      if (assigned.has(variable.name)) fail(file, `weight '${spec.name}' is listed twice`);
      if (spec.shape.length !== variable.shape.length || spec.shape.some((d, i) => d !== variable.shape[i])) {
        fail(
          file,
          `weight '${spec.name}' has shape [${spec.shape.join(', ')}], but layer weight '${variable.name}' expects ` +
            `[${variable.shape.join(', ')}]; the layer config and the weights do not match`,
        );
      }
      variable.assign(tensor(values, { shape: spec.shape }));
      assigned.add(variable.name);
    }
  }
  const missing = [...variables.keys()].filter((name) => !assigned.has(name));
  if (missing.length > 0) {
    fail(file, `weightsManifest has no values for ${missing.map((n) => `'${n}'`).join(', ')}`);
  }
}

function weightSpec(value: unknown, file: string): WeightSpec {
  const ok =
    isObject(value) &&
    typeof value.name === 'string' &&
    Array.isArray(value.shape) &&
    value.shape.every((d) => Number.isInteger(d) && d >= 0);
  if (!ok)
    fail(
      file,
      `a weightsManifest entry is not {name, shape, dtype}: ${JSON.stringify(value)?.slice(0, 200)}`,
    );
  const spec = value as unknown as WeightSpec;
  if (spec.quantization !== undefined && spec.quantization !== null) {
    fail(
      file,
      `weight '${spec.name}' is quantized (${JSON.stringify(spec.quantization)}); Deepline reads float32 weights only. ` +
        'Convert the model again without --quantize_* options',
    );
  }
  if (!Object.hasOwn(BYTES, spec.dtype)) {
    fail(file, `weight '${spec.name}' has dtype ${JSON.stringify(spec.dtype)}; expected float32 or int32`);
  }
  return spec;
}

/** A shard's path, relative to model.json; TF.js writes names like 'weights.bin' or './group1-shard1of1.bin'. */
function shardPath(value: unknown, file: string): string {
  if (typeof value !== 'string' || value === '')
    fail(file, `a weightsManifest path is ${JSON.stringify(value)}`);
  if (isAbsolute(value) || value.split(/[\\/]/).includes('..') || /^[a-z]+:/i.test(value)) {
    fail(file, `weightsManifest path ${JSON.stringify(value)} must be a file beside model.json`);
  }
  return join(dirname(file), value);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Little-endian, as TF.js writes; int32 weights become float32 because Deepline's weights are float. */
function decode(bytes: Uint8Array, offset: number, size: number, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size * 4);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    values[i] = dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
  }
  return values;
}

/**
 * The variable a TF.js weight name refers to: 'dense_Dense1/kernel' is layer 'dense_Dense1',
 * weight 'kernel'; 'batch_normalization/moving_mean' is Deepline's '…/movingMean'. Leading
 * scopes (a converted model's outer name) are dropped until a layer name matches.
 */
function findVariable(
  name: string,
  variables: Map<string, Variable>,
  layerNames: Set<string>,
): Variable | undefined {
  const parts = name.replace(/:\d+$/, '').split('/');
  const weight = parts[parts.length - 1].replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  for (let i = 0; i < parts.length - 1; i++) {
    const layer = parts.slice(i, -1).join('/');
    if (layerNames.has(layer)) return variables.get(`${layer}/${weight}`);
  }
  return undefined;
}
