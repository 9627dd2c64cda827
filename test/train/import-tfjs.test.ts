import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Tensor, tensor } from '../../src/index.js';
import { importTfjsModel, TfjsImportError } from '../../src/train/import-tfjs.js';

const dirs: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Written {
  dir: string;
  file: string;
  json: Record<string, unknown>;
  weights: Uint8Array;
}

/** Saves a TF.js model as TF.js's file handler does: model.json beside one weights.bin. */
async function saveTfjs(m: tfl.LayersModel): Promise<Written> {
  const dir = await mkdtemp(join(tmpdir(), 'deepline-tfjs-'));
  dirs.push(dir);
  let written!: Written;
  await m.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      written = { dir, file: join(dir, 'model.json'), json, weights };
      await write(written);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return written;
}

async function write(w: Written): Promise<void> {
  await writeFile(w.file, JSON.stringify(w.json));
  await writeFile(join(w.dir, 'weights.bin'), w.weights);
}

/** A deep copy of model.json to edit for one error case. */
function copyJson(w: Written): Record<string, unknown> {
  return JSON.parse(JSON.stringify(w.json));
}

// biome-ignore lint/suspicious/noExplicitAny: model.json is edited freely in the error cases
type AnyJson = any;

function expectClose(got: Tensor, expected: tf.Tensor): void {
  expect(got.shape).toEqual(expected.shape);
  const a = got.data();
  const b = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) - 1e-4 * Math.abs(b[i]));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

/** The same random values as a TF.js tensor and a Deepline tensor. */
function randomPair(shape: number[], seed: number): [tf.Tensor, Tensor] {
  const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
  return [t, tensor(t.dataSync() as Float32Array, { shape })];
}

function randomIds(shape: number[], vocabulary: number, seed: number): [tf.Tensor, Tensor] {
  const t = tf.randomUniform(shape, 0, vocabulary, 'int32', seed);
  return [t, tensor(t.dataSync() as Int32Array, { shape, dtype: 'int32' })];
}

async function trainBriefly(m: tfl.LayersModel, xs: tf.Tensor[], y: tf.Tensor, loss: string): Promise<void> {
  m.compile({ optimizer: tf.train.adam(0.05), loss });
  await m.fit(xs.length === 1 ? xs[0] : xs, y, { epochs: 3, batchSize: 8, verbose: 0 });
}

function tfjsCnn(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 5,
        activation: 'relu',
        kernelRegularizer: tfl.regularizers.l2({ l2: 0.001 }),
      }),
      tfl.layers.dropout({ rate: 0.3 }),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

describe('importTfjsModel: a Sequential CNN', () => {
  let saved: Written;
  let cnn: tfl.Sequential;
  const [tfX, x] = randomPair([6, 8, 8, 2], 1);

  beforeAll(async () => {
    cnn = tfjsCnn();
    const [trainX] = randomPair([16, 8, 8, 2], 2);
    const labels = tf.oneHot(tf.randomUniform([16], 0, 3, 'int32', 3) as tf.Tensor1D, 3);
    await trainBriefly(cnn, [trainX], labels, 'categoricalCrossentropy');
    saved = await saveTfjs(cnn);
  });

  test('predicts what TF.js predicts, with the TF.js layer names and weights', async () => {
    const model = await importTfjsModel(saved.file);
    expect(model.className).toBe('Sequential');
    expect(model.layers.map((l) => l.name)).toEqual(cnn.layers.map((l) => l.name));
    expect(model.countParams()).toBe(cnn.countParams());
    expectClose(model.predict(x) as Tensor, cnn.predict(tfX) as tf.Tensor);
  });

  test('reads the folder too, and shards split anywhere, concatenated in order', async () => {
    const json: AnyJson = copyJson(saved);
    json.weightsManifest[0].paths = ['group1-shard1of2.bin', './group1-shard2of2.bin'];
    await writeFile(join(saved.dir, 'group1-shard1of2.bin'), saved.weights.subarray(0, 101));
    await writeFile(join(saved.dir, 'group1-shard2of2.bin'), saved.weights.subarray(101));
    await writeFile(saved.file, JSON.stringify(json));
    try {
      const model = await importTfjsModel(saved.dir);
      expectClose(model.predict(x) as Tensor, cnn.predict(tfX) as tf.Tensor);
    } finally {
      await write(saved);
    }
  });

  test("reads the converter's wrapped topology ({model_config, keras_version})", async () => {
    const json: AnyJson = copyJson(saved);
    json.modelTopology = { keras_version: '2.15.0', backend: 'tensorflow', model_config: json.modelTopology };
    json.convertedBy = 'TensorFlow.js Converter v4.22.0';
    await writeFile(saved.file, JSON.stringify(json));
    try {
      const model = await importTfjsModel(saved.file);
      expectClose(model.predict(x) as Tensor, cnn.predict(tfX) as tf.Tensor);
    } finally {
      await write(saved);
    }
  });

  test('keeps the regularizer and dropout rate, so the model can be fine-tuned as it was trained', async () => {
    const model = await importTfjsModel(saved.file);
    const config = model.layers[3].getConfig();
    expect(config.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.001 } });
    expect(model.layers[4].getConfig().rate).toBe(0.3);
  });

  /** Writes an edited model.json (and optionally weights), and returns the import error. */
  async function importError(edit: (json: AnyJson) => void, weights?: Uint8Array): Promise<TfjsImportError> {
    const json: AnyJson = copyJson(saved);
    edit(json);
    await write({ ...saved, json, weights: weights ?? saved.weights });
    try {
      await importTfjsModel(saved.file);
    } catch (error) {
      expect(error).toBeInstanceOf(TfjsImportError);
      return error as TfjsImportError;
    } finally {
      await write(saved);
    }
    throw new Error('expected importTfjsModel to fail');
  }

  test('a truncated shard: expected and actual bytes', async () => {
    const error = await importError(() => {}, saved.weights.subarray(0, saved.weights.length - 8));
    expect(error.message).toContain(saved.file);
    expect(error.message).toContain(`take ${saved.weights.length} bytes`);
    expect(error.message).toContain(`hold ${saved.weights.length - 8}`);
    expect(error.message).toContain('truncated');
  });

  test('an unknown layer class, listing the supported ones', async () => {
    const error = await importError((json) => {
      json.modelTopology.config.layers[2].class_name = 'LSTM';
    });
    expect(error.message).toMatch(
      /class 'LSTM', which Deepline cannot import; supported: InputLayer, Dense, Conv2D/,
    );
  });

  test('channels_first is refused', async () => {
    const error = await importError((json) => {
      json.modelTopology.config.layers[0].config.data_format = 'channels_first';
    });
    expect(error.message).toContain("layer 'conv2d_");
    expect(error.message).toContain('data_format is "channels_first"; Deepline computes in channels_last');
  });

  test('a weight missing from the manifest', async () => {
    const specs = saved.json.weightsManifest as AnyJson;
    const last = specs[0].weights.at(-1);
    const error = await importError(
      (json) => {
        json.weightsManifest[0].weights.pop();
      },
      saved.weights.subarray(0, saved.weights.length - 4 * last.shape[0]),
    );
    expect(error.message).toContain(`weightsManifest has no values for '${last.name}'`);
  });

  test('a weight whose shape does not fit the layer: name, expected, got', async () => {
    const error = await importError((json) => {
      json.modelTopology.config.layers[3].config.units = 4;
    });
    expect(error.message).toMatch(
      /weight 'dense_Dense\d+\/kernel' has shape \[27, 5\], but layer weight .* expects \[27, 4\]/,
    );
  });

  test('quantized weights and other dtypes are refused', async () => {
    const quantized = await importError((json) => {
      json.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 0.1, min: -1 };
    });
    expect(quantized.message).toContain('is quantized');
    const bool = await importError((json) => {
      json.weightsManifest[0].weights[0].dtype = 'bool';
    });
    expect(bool.message).toContain('has dtype "bool"; expected float32 or int32');
  });

  test('settings Deepline would silently drop are refused: constraints, masking, noise_shape', async () => {
    const constraint = await importError((json) => {
      json.modelTopology.config.layers[3].config.kernel_constraint = {
        class_name: 'MaxNorm',
        config: { max_value: 2 },
      };
    });
    expect(constraint.message).toMatch(/kernel_constraint is .*Deepline has no weight constraints/);
    const noise = await importError((json) => {
      json.modelTopology.config.layers[4].config.noise_shape = [null, 1];
    });
    expect(noise.message).toContain('noise_shape is [null,1]');
  });

  test('a file that is not a layers model', async () => {
    const graph = await importError((json) => {
      json.format = 'graph-model';
    });
    expect(graph.message).toContain('format is "graph-model", expected "layers-model"');
    const noTopology = await importError((json) => {
      delete json.modelTopology;
    });
    expect(noTopology.message).toContain('not a layers-model');
  });

  test('a missing file names the path', async () => {
    await expect(importTfjsModel(join(saved.dir, 'nope.json'))).rejects.toThrow(/nope\.json: cannot be read/);
  });
});

describe('importTfjsModel: functional models', () => {
  test('two inputs, Embedding, Concatenate, Add, BatchNormalization (moving statistics trained)', async () => {
    const ids = tfl.input({ shape: [4], dtype: 'int32', name: 'ids' });
    const features = tfl.input({ shape: [3], name: 'features' });
    const embedded = tfl.layers.embedding({ inputDim: 7, outputDim: 2 }).apply(ids) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor;
    const dense = tfl.layers.dense({ units: 8, activation: 'tanh' }).apply(features) as tfl.SymbolicTensor;
    const joined = tfl.layers.concatenate().apply([flat, dense]) as tfl.SymbolicTensor;
    const projected = tfl.layers.dense({ units: 8 }).apply(joined) as tfl.SymbolicTensor;
    // One layer called on two tensors: its second call is inbound node 1.
    const shared = tfl.layers.dense({ units: 8, activation: 'relu' });
    const sum = tfl.layers
      .add()
      .apply([shared.apply(projected), shared.apply(dense)] as tfl.SymbolicTensor[]);
    const normalized = tfl.layers.batchNormalization().apply(sum as tfl.SymbolicTensor);
    const output = tfl.layers
      .dense({ units: 1, activation: 'sigmoid' })
      .apply(normalized) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: [ids, features], outputs: output, name: 'two_inputs' });

    const [trainIds] = randomIds([16, 4], 7, 4);
    const [trainFeatures] = randomPair([16, 3], 5);
    await trainBriefly(
      m,
      [trainIds, trainFeatures],
      tf.randomUniform([16, 1], 0, 1, 'float32', 6),
      'binaryCrossentropy',
    );
    const saved = await saveTfjs(m);

    const model = await importTfjsModel(saved.file);
    expect(model.name).toBe('two_inputs');
    expect(model.inputs.map((x) => x.layer.name)).toEqual(['ids', 'features']);
    const bn = model.layers.find((l) => l.className === 'BatchNormalization')!;
    const movingMean = bn.weights.find((v) => v.name.endsWith('/movingMean'))!;
    expect(Math.max(...Array.from(movingMean.value.data(), Math.abs))).toBeGreaterThan(0);

    const [tfIds, dlIds] = randomIds([5, 4], 7, 7);
    const [tfFeatures, dlFeatures] = randomPair([5, 3], 8);
    expectClose(model.predict([dlIds, dlFeatures]) as Tensor, m.predict([tfIds, tfFeatures]) as tf.Tensor);
  });

  test('pooling, Reshape, Activation, LayerNormalization, Multiply, Average, Dot, global poolings', async () => {
    const image = tfl.input({ shape: [6, 6, 2], name: 'image' });
    const conv = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 1, dilationRate: 1 })
      .apply(image) as tfl.SymbolicTensor;
    const pooled = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(conv) as tfl.SymbolicTensor;
    const a = tfl.layers.globalAveragePooling2d({}).apply(pooled) as tfl.SymbolicTensor;
    const steps = tfl.layers.reshape({ targetShape: [9, 4] }).apply(pooled) as tfl.SymbolicTensor;
    const normed = tfl.layers.layerNormalization({ axis: -1 }).apply(steps) as tfl.SymbolicTensor;
    const b = tfl.layers.globalAveragePooling1d({}).apply(normed) as tfl.SymbolicTensor;
    const activated = tfl.layers.activation({ activation: 'sigmoid' }).apply(b) as tfl.SymbolicTensor;
    const product = tfl.layers.multiply().apply([a, activated]) as tfl.SymbolicTensor;
    const mean = tfl.layers.average().apply([a, product]) as tfl.SymbolicTensor;
    const dot = tfl.layers.dot({ axes: 1, normalize: true }).apply([mean, b]) as tfl.SymbolicTensor;
    const head = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(mean) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: image, outputs: [head, dot] });

    const [trainX] = randomPair([16, 6, 6, 2], 9);
    m.compile({ optimizer: tf.train.adam(0.05), loss: ['categoricalCrossentropy', 'meanSquaredError'] });
    const labels = tf.oneHot(tf.randomUniform([16], 0, 2, 'int32', 10) as tf.Tensor1D, 2);
    await m.fit(trainX, [labels, tf.randomUniform([16, 1], 0, 1, 'float32', 11)], { epochs: 3, verbose: 0 });
    const saved = await saveTfjs(m);

    const model = await importTfjsModel(saved.file);
    const [tfX, x] = randomPair([3, 6, 6, 2], 12);
    const got = model.predict(x) as Tensor[];
    const expected = m.predict(tfX) as tf.Tensor[];
    expectClose(got[0], expected[0]);
    expectClose(got[1], expected[1]);
  });

  test("Keras 3's inbound_nodes ({args: [__keras_tensor__]}) and a Functional class name", async () => {
    const features = tfl.input({ shape: [3], name: 'x' });
    const hidden = tfl.layers.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(features);
    const out = tfl.layers.dense({ units: 2, name: 'out' }).apply(hidden) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: features, outputs: out });
    const saved = await saveTfjs(m);
    const json: AnyJson = copyJson(saved);
    const topology = json.modelTopology;
    topology.class_name = 'Functional';
    const keras3 = (ref: [string, number, number]) => ({
      args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], keras_history: ref } }],
      kwargs: {},
    });
    for (const layer of topology.config.layers) {
      layer.inbound_nodes = layer.inbound_nodes.map((node: AnyJson) => keras3(node[0].slice(0, 3)));
      // Keras 3 writes batch_shape where Keras 2 wrote batch_input_shape.
      if (layer.class_name === 'InputLayer') {
        layer.config.batch_shape = layer.config.batch_input_shape;
        delete layer.config.batch_input_shape;
      }
    }
    topology.config.output_layers = topology.config.output_layers[0];
    await writeFile(saved.file, JSON.stringify(json));

    const model = await importTfjsModel(saved.file);
    const [tfX, x] = randomPair([4, 3], 13);
    expectClose(model.predict(x) as Tensor, m.predict(tfX) as tf.Tensor);
  });

  test('int32 weights are read as integers; an Embedding with mask_zero is refused', async () => {
    const ids = tfl.input({ shape: [2], dtype: 'int32', name: 'ids' });
    const embedded = tfl.layers.embedding({ inputDim: 5, outputDim: 2, name: 'embed' }).apply(ids);
    const out = tfl.layers.dense({ units: 2, name: 'out' }).apply(tfl.layers.flatten().apply(embedded));
    const saved = await saveTfjs(tfl.model({ inputs: ids, outputs: out as tfl.SymbolicTensor }));
    const json: AnyJson = copyJson(saved);
    const specs = json.weightsManifest[0].weights;
    const bias = specs.findIndex((w: AnyJson) => w.name === 'out/bias');
    expect(bias).toBe(specs.length - 1);
    specs[bias].dtype = 'int32';
    const weights = saved.weights.slice();
    const view = new DataView(weights.buffer);
    view.setInt32(weights.length - 8, 3, true);
    view.setInt32(weights.length - 4, -2, true);
    await write({ ...saved, json, weights });
    const model = await importTfjsModel(saved.file);
    expect(Array.from(model.getLayer('out').weights[1].value.data())).toEqual([3, -2]);

    json.modelTopology.config.layers[1].config.mask_zero = true;
    await writeFile(saved.file, JSON.stringify(json));
    await expect(importTfjsModel(saved.file)).rejects.toThrow(
      /layer 'embed' \(Embedding\): mask_zero is true/,
    );
  });

  test('a functional model whose inbound node names a layer that does not exist', async () => {
    const features = tfl.input({ shape: [3], name: 'x' });
    const out = tfl.layers.dense({ units: 2, name: 'out' }).apply(features) as tfl.SymbolicTensor;
    const saved = await saveTfjs(tfl.model({ inputs: features, outputs: out }));
    const json: AnyJson = copyJson(saved);
    json.modelTopology.config.layers[1].inbound_nodes[0][0][0] = 'ghost';
    await writeFile(saved.file, JSON.stringify(json));
    await expect(importTfjsModel(saved.file)).rejects.toThrow(
      /model\.json: layer 'out' reads layer 'ghost', which is not in the layer list/,
    );
  });
});

test('weight names carry the layer name: model.json written by TF.js names them layer/weight', async () => {
  const saved = await saveTfjs(tfjsCnn());
  const text = await readFile(saved.file, 'utf8');
  const names = (JSON.parse(text).weightsManifest[0].weights as { name: string }[]).map((w) => w.name);
  const model = await importTfjsModel(saved.file);
  // Deepline's own names for the same weights, one for one.
  expect(model.weights.map((v) => v.name).sort()).toEqual([...names].sort());
});
