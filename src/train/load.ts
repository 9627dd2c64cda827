import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputLayer } from '../nn/input.js';
import { type Layer, SymbolicTensor } from '../nn/layer.js';
import { layerFromConfig } from '../nn/layers/index.js';
import { tensor } from '../tensor/creation.js';
import { sizeOfShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CompileOptions, Model } from './model.js';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  ArtifactError,
  type ModelJson,
  type Topology,
  type WeightEntry,
} from './save.js';
import { Sequential } from './sequential.js';

/**
 * Reads an artifact folder back into a model with the same predictions, compiled as it was
 * saved and with its optimizer state restored. Only data is read from the files: layers are
 * rebuilt from a fixed table of classes, never from code in the artifact.
 */
export async function loadModel(dir: string): Promise<Model> {
  return (await loadArtifact(dir)).model;
}

/** @internal loadModel's model, with the model.json it read and the extra tensors by name. */
export async function loadArtifact(
  dir: string,
): Promise<{ model: Model; json: ModelJson; extra: Map<string, Tensor> }> {
  const jsonPath = join(dir, 'model.json');
  const json = checkModelJson(await readJson(jsonPath), jsonPath);
  const manifest = json.weightsManifest;
  const weightsPath = join(dir, manifest.path);
  const bytes = await readBytes(weightsPath);
  if (bytes.length !== manifest.byteLength) {
    throw new ArtifactError(
      `${weightsPath}: expected ${manifest.byteLength} bytes as model.json says, got ${bytes.length}; the file is truncated or from another save`,
    );
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.sha256) {
    throw new ArtifactError(
      `${weightsPath}: checksum does not match model.json; the file is corrupted or from another save`,
    );
  }
  const model = modelFromTopology(json.modelTopology, jsonPath);
  const read = (entries: WeightEntry[]) => entries.map((e) => readWeight(bytes, e, weightsPath));
  const variables = model.weights;
  if (manifest.weights.length !== variables.length) {
    throw new ArtifactError(
      `${jsonPath}: lists ${manifest.weights.length} weights, the model it describes has ${variables.length}`,
    );
  }
  model.setWeights(read(manifest.weights));
  if (json.trainingConfig) {
    model.compile(json.trainingConfig as unknown as CompileOptions);
    if (manifest.optimizer.length > 0)
      model.optimizer.setState(model.trainableWeights, read(manifest.optimizer));
  }
  const extra = manifest.extra ?? [];
  if (!Array.isArray(extra)) throw new ArtifactError(`${jsonPath}: weightsManifest.extra is not a list`);
  return { model, json, extra: new Map(extra.map((e) => [e.name, readWeight(bytes, e, weightsPath)])) };
}

/** Reads only the model.json of an artifact, checked (for the registry and the server). */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const path = join(dir, 'model.json');
  return checkModelJson(await readJson(path), path);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new ArtifactError(`${path}: cannot be read (${(error as Error).message})`);
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBytes(path));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`${path}: is not valid JSON (${(error as Error).message})`);
  }
}

function checkModelJson(value: unknown, path: string): ModelJson {
  const json = value as Partial<ModelJson> | null;
  if (json === null || typeof json !== 'object' || json.format !== ARTIFACT_FORMAT) {
    throw new ArtifactError(`${path}: not a Deepline model (expected "format": "${ARTIFACT_FORMAT}")`);
  }
  if (json.formatVersion !== ARTIFACT_VERSION) {
    throw new ArtifactError(
      `${path}: format version ${JSON.stringify(json.formatVersion)} is not one this Deepline reads (${ARTIFACT_VERSION}); ` +
        'load it with the version that wrote it',
    );
  }
  const t = json.modelTopology;
  const m = json.weightsManifest;
  const ok =
    t &&
    Array.isArray(t.layers) &&
    Array.isArray(t.nodes) &&
    Array.isArray(t.inputs) &&
    Array.isArray(t.outputs) &&
    m &&
    typeof m.path === 'string' &&
    Array.isArray(m.weights) &&
    Array.isArray(m.optimizer) &&
    typeof m.sha256 === 'string';
  if (!ok) throw new ArtifactError(`${path}: modelTopology or weightsManifest is missing or incomplete`);
  if (m.path.includes('/') || m.path.includes('\\') || m.path.startsWith('.')) {
    throw new ArtifactError(
      `${path}: weightsManifest.path must be a file name in the artifact folder, got ${JSON.stringify(m.path)}`,
    );
  }
  return json as ModelJson;
}

function readWeight(bytes: Uint8Array, entry: WeightEntry, path: string): Tensor {
  const size = sizeOfShape(entry.shape);
  const end = entry.offset + size * 4;
  if (!Number.isInteger(entry.offset) || entry.offset < 0 || end > bytes.length) {
    throw new ArtifactError(
      `${path}: weight '${entry.name}' lies outside the file (bytes ${entry.offset}..${end} of ${bytes.length})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = view.getFloat32(entry.offset + i * 4, true);
  return tensor(values, { shape: entry.shape });
}

/** Rebuilds the wiring of a saved model from its topology. */
export function modelFromTopology(t: Topology, path: string): Model {
  const layers: Layer[] = t.layers.map((s) => layerFromConfig(s));
  const input = (index: number) => {
    const layer = layers[t.nodes[index]?.layer];
    if (!(layer instanceof InputLayer)) missing(path, index);
    return layer;
  };
  if (t.className === 'Sequential') {
    const model = new Sequential(
      layers.filter((l) => !(l instanceof InputLayer)),
      { name: t.name },
    );
    if (!model.built) model.build([null, ...input(t.inputs[0]).shape]);
    return model;
  }
  const nodes: SymbolicTensor[] = [];
  for (const [i, node] of t.nodes.entries()) {
    const layer = layers[node.layer];
    const inputs = node.inputs.map((j) => nodes[j]);
    if (layer === undefined || inputs.some((x) => x === undefined)) {
      throw new ArtifactError(`${path}: node ${i} refers to a layer or input that does not exist before it`);
    }
    nodes.push(
      layer instanceof InputLayer
        ? new SymbolicTensor([null, ...layer.shape], layer, [])
        : layer.apply(inputs.length === 1 ? inputs[0] : inputs),
    );
  }
  const pick = (list: number[]) => list.map((j) => nodes[j] ?? missing(path, j));
  return new Model({ inputs: pick(t.inputs), outputs: pick(t.outputs), name: t.name });
}

function missing(path: string, index: number): never {
  throw new ArtifactError(`${path}: the model's inputs or outputs name node ${index}, which does not exist`);
}
