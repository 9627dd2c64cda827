import { DENSE_INPUT } from '../data/transform/pipeline.js';
import type { Artifact, ArtifactMetadata } from '../pipeline/artifact.js';
import { InvalidArgumentError } from './errors.js';
import type { InferenceInput, LoadedVersion, Signature, TensorSpec } from './types.js';

/** One model input as the loaded model takes it: per-example shape, no batch dimension. */
export interface ModelInput {
  name: string;
  dtype: TensorSpec['dtype'];
  shape: number[];
}

/** What the worker reads from a loaded model for the main thread, which never loads one itself. */
export interface ModelShapes {
  inputs: ModelInput[];
  outputWidth: number;
}

/**
 * The inputs in the order Artifact.predict takes them. Names and dtypes come from the fitted
 * features (the keys scoreTable feeds: the dense `features` matrix as float, each separate input
 * as int32 ids) or the image input's name; shapes come from the model itself.
 */
export function describeModel(artifact: Artifact): ModelShapes {
  const { model, meta, features } = artifact;
  const shapes = model.inputs.map((input) => input.shape.slice(1).map(Number));
  let names: string[];
  if (meta.input.kind === 'image') names = [meta.input.inputName];
  else if (features && features.inputNames.length > 0) names = [...features.inputNames];
  else names = [DENSE_INPUT];
  if (names.length !== shapes.length) {
    throw new Error(
      `${artifact.dir}: the model takes ${shapes.length} inputs but its features make ${names.length} (${names.join(', ')})`,
    );
  }
  const outputShape = model.outputs[0].shape;
  return {
    inputs: names.map((name, i) => ({
      name,
      dtype: meta.input.kind === 'table' && name !== DENSE_INPUT ? 'DT_INT32' : 'DT_FLOAT',
      shape: shapes[i],
    })),
    outputWidth: Number(outputShape[outputShape.length - 1]),
  };
}

/** TF Serving's `serving_default` signature of a loaded model. */
export function signatureOf(meta: ArtifactMetadata, shapes: ModelShapes): Signature {
  const regression = meta.task === 'regression';
  return {
    inputs: shapes.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape: [-1, ...shape] })),
    outputs: [
      { name: regression ? 'value' : 'probabilities', dtype: 'DT_FLOAT', shape: [-1, shapes.outputWidth] },
    ],
    methods: ['predict', regression ? 'regress' : 'classify'],
  };
}

/**
 * Refuses input the model cannot take before it is queued: a tensor of the wrong size would
 * shift every other request's rows in the batch it joins.
 */
export function checkInput(version: LoadedVersion, input: InferenceInput): void {
  const { meta, signature } = version;
  const model = `model '${version.name}' version ${version.version}`;
  if (input.kind === 'tensors') {
    const { count, inputs } = input;
    if (!Number.isSafeInteger(count) || count < 1)
      throw new InvalidArgumentError(`${model}: ${count} examples; send at least one`);
    const specs = signature.inputs;
    if (inputs.length !== specs.length) {
      throw new InvalidArgumentError(
        `${model} takes ${specs.length} inputs (${specs.map((s) => s.name).join(', ')}), got ${inputs.length}`,
      );
    }
    specs.forEach((spec, i) => {
      const size = spec.shape.slice(1).reduce((a, b) => a * b, 1);
      if (!(inputs[i] instanceof Float32Array) || inputs[i].length !== count * size) {
        throw new InvalidArgumentError(
          `${model}: input '${spec.name}' needs ${count} × [${spec.shape.slice(1).join(', ')}] = ${count * size} float32 values, got ${inputs[i]?.length ?? 'none'}`,
        );
      }
    });
    return;
  }
  if (input.kind === 'recommend') {
    if (!meta.recommender)
      throw new InvalidArgumentError(`${model} is not a recommender; it cannot recommend`);
    return;
  }
  const wanted = input.kind === 'records' ? 'table' : 'image';
  if (meta.input.kind !== wanted) {
    throw new InvalidArgumentError(
      `${model} takes ${meta.input.kind === 'table' ? 'records' : 'images'}, not ${input.kind}`,
    );
  }
  const items = input.kind === 'records' ? input.records : input.images;
  if (!Array.isArray(items) || items.length === 0)
    throw new InvalidArgumentError(`${model}: no ${input.kind} to score; send at least one`);
  if (input.kind === 'images') {
    const bad = input.images.findIndex((image) => !(image instanceof Uint8Array) || image.byteLength === 0);
    if (bad >= 0) throw new InvalidArgumentError(`images[${bad}] is not the bytes of a PNG or JPEG file`);
  }
}
