import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Serialized } from '../nn/serialize.js';
import { DeeplineError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';

/** What model.json says it is; a file of another format or a newer version is refused. */
export const ARTIFACT_FORMAT = 'deepline/model';
export const ARTIFACT_VERSION = 1;

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Byte offset in weights.bin. */
  offset: number;
}

export interface Topology {
  className: string;
  name: string;
  layers: Serialized[];
  /** Each call of a layer: the layer's index and the nodes it reads. */
  nodes: { layer: number; inputs: number[] }[];
  inputs: number[];
  outputs: number[];
}

export interface ModelJson {
  format: string;
  formatVersion: number;
  modelTopology: Topology;
  trainingConfig: Record<string, unknown> | null;
  weightsManifest: {
    path: string;
    byteLength: number;
    sha256: string;
    weights: WeightEntry[];
    optimizer: WeightEntry[];
    /** Tensors that are neither the model's nor its optimizer's (a backup's callback state). */
    extra?: WeightEntry[];
  };
  /** Free-form facts other stages attach (features, schema, metrics, data fingerprint). */
  metadata: Record<string, unknown>;
}

export class ArtifactError extends DeeplineError {
  override name = 'ArtifactError';
}

export interface NamedTensor {
  name: string;
  value: Tensor;
}

/**
 * Writes `dir/model.json` and `dir/weights.bin`: topology, compile settings, every weight and
 * the optimizer's state, so training can resume, and `extra` tensors after them. Files are
 * written beside their final names and renamed, so a crash never leaves a half-written artifact
 * under the real name.
 */
export async function saveModel(
  model: Model,
  dir: string,
  metadata: Record<string, unknown> = {},
  extra: readonly NamedTensor[] = [],
): Promise<void> {
  const variables = model.weights;
  const optimizerState = model.trainingConfig ? model.optimizer.getState(model.trainableWeights) : [];
  const named = [
    ...variables.map((v) => ({ name: v.name, value: v.value })),
    ...optimizerState.map((value, i) => ({ name: `optimizer/${i}`, value })),
    ...extra,
  ];
  const optimizerEnd = variables.length + optimizerState.length;
  let offset = 0;
  const entries = named.map(({ name, value }) => {
    const entry: WeightEntry = { name, shape: [...value.shape], dtype: 'float32', offset };
    offset += value.size * 4;
    return entry;
  });
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  named.forEach(({ value }, i) => {
    const values = value.values;
    for (let j = 0; j < values.length; j++) view.setFloat32(entries[i].offset + j * 4, values[j], true);
  });
  const json: ModelJson = {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_VERSION,
    modelTopology: topologyOf(model),
    trainingConfig: model.trainingConfig,
    weightsManifest: {
      path: 'weights.bin',
      byteLength: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      weights: entries.slice(0, variables.length),
      optimizer: entries.slice(variables.length, optimizerEnd),
      // Left out when empty, so model.json of a plain save is as before.
      ...(extra.length > 0 ? { extra: entries.slice(optimizerEnd) } : {}),
    },
    metadata,
  };
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, 'weights.bin'), bytes);
  await writeAtomically(join(dir, 'model.json'), `${JSON.stringify(json, null, 2)}\n`);
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const partial = `${path}.partial`;
  await writeFile(partial, data);
  await rename(partial, path);
}

function topologyOf(model: Model): Topology {
  const graph = model.graph('save');
  const layers = [...new Set(graph.nodes.map((n) => n.layer))];
  const nodeIndex = new Map(graph.nodes.map((n, i) => [n, i]));
  return {
    className: model.className,
    name: model.name,
    layers: layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    nodes: graph.nodes.map((n) => ({
      layer: layers.indexOf(n.layer),
      inputs: n.inputs.map((x) => nodeIndex.get(x)!),
    })),
    inputs: graph.inputs.map((x) => nodeIndex.get(x)!),
    outputs: graph.outputs.map((x) => nodeIndex.get(x)!),
  };
}
