import { createRequire } from 'node:module';
import { CleaningPlan } from '../data/clean/plan.js';
import { decodeImage } from '../data/images.js';
import { Quarantine } from '../data/report.js';
import { parseSchema, type Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import { FittedFeatures } from '../data/transform/pipeline.js';
import { mul } from '../ops/arithmetic.js';
import { stack } from '../ops/concat.js';
import { DeeplineError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { loadModel, readModelJson } from '../train/load.js';
import type { Model } from '../train/model.js';
import { saveModel } from '../train/save.js';
import {
  type Evaluation,
  evaluateBinary,
  evaluateMulticlass,
  evaluateRegression,
  type Task,
} from './evaluation.js';
import type { RecommenderMetadata } from './recommendation/metadata.js';

/** What a pipeline attaches to model.json, so that evaluation and serving need nothing else. */
export interface ArtifactMetadata {
  deepline: string;
  pipeline: string;
  runId: string;
  task: Task;
  classes: string[];
  /** A binary model's decision threshold for its positive class. */
  threshold?: number;
  input:
    | { kind: 'table'; label: string; columns: string[] }
    | { kind: 'image'; shape: number[]; scale: number; inputName: string };
  cleaning?: ReturnType<CleaningPlan['toJSON']>;
  features?: ReturnType<FittedFeatures['toJSON']>;
  /** A recommender's customers, catalogue and purchase history, for `:recommend`. */
  recommender?: RecommenderMetadata;
  schema?: Schema;
  metrics: Record<string, number>;
  dataFingerprint: string;
  trainedAt: string;
}

export class ArtifactUseError extends DeeplineError {
  override name = 'ArtifactUseError';
}

export const deeplineVersion: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;

export async function writeArtifact(model: Model, dir: string, metadata: ArtifactMetadata): Promise<void> {
  await saveModel(model, dir, { ...metadata });
}

/** A saved pipeline model: the network with the cleaning and features it was trained behind. */
export class Artifact {
  constructor(
    readonly dir: string,
    readonly model: Model,
    readonly meta: ArtifactMetadata,
    readonly cleaning: CleaningPlan | undefined,
    readonly features: FittedFeatures | undefined,
  ) {}

  /**
   * Model outputs for raw rows: cleaned with the training plan (rows it sets aside are in
   * `quarantine`), transformed, predicted. `kept` are the indices of the rows scored; `labels` the
   * encoded labels when the table has the label column.
   */
  scoreTable(table: Table): {
    outputs: Float32Array;
    width: number;
    kept: Table;
    labels?: Float32Array | Int32Array;
    quarantine: Quarantine;
  } {
    if (this.meta.input.kind !== 'table' || !this.features)
      throw new ArtifactUseError(`${this.dir}: this model takes images, not table rows`);
    const quarantine = new Quarantine();
    const kept = this.cleaning ? this.cleaning.apply(table, { quarantine }).table : table;
    const { x, y } = this.features.transform(kept);
    const xs = x instanceof Tensor ? [x] : Object.values(x);
    const out = this.predict(xs);
    return { ...out, kept, quarantine, ...(y && { labels: y.values as Float32Array | Int32Array }) };
  }

  /** Model outputs for encoded images (PNG or JPEG), converted to the size and channels the model was trained on. */
  scoreImages(images: readonly { bytes: Uint8Array; source: string }[]): {
    outputs: Float32Array;
    width: number;
  } {
    const input = this.meta.input;
    if (input.kind !== 'image')
      throw new ArtifactUseError(`${this.dir}: this model takes table rows, not images`);
    const [height, width, channels] = input.shape;
    const decoded = images.map(({ bytes, source }) =>
      decodeImage(bytes, { channels: channels as 1 | 3, size: [height, width], source }),
    );
    return this.predict([mul(stack(decoded, 0), input.scale)]);
  }

  /** Test metrics of these outputs against encoded labels, at the artifact's decision threshold. */
  evaluate(outputs: ArrayLike<number>, labels: ArrayLike<number>): Evaluation {
    return evaluateOutputs(this.meta.task, outputs, labels, this.meta.classes, this.meta.threshold);
  }

  /** Model outputs as a flat row-major array, `width` values per example. */
  predict(xs: Tensor[]): { outputs: Float32Array; width: number } {
    const outputs = predictFlat(this.model, xs);
    return { outputs, width: outputs.length / Math.max(1, xs[0].shape[0]) };
  }
}

export async function loadArtifact(dir: string): Promise<Artifact> {
  const json = await readModelJson(dir);
  const meta = json.metadata as unknown as ArtifactMetadata;
  if (typeof meta?.task !== 'string' || meta.input === undefined)
    throw new ArtifactUseError(`${dir}/model.json: not a pipeline model (no task and input in its metadata)`);
  const model = await loadModel(dir);
  const cleaning = meta.cleaning ? CleaningPlan.fromJSON(meta.cleaning) : undefined;
  const features = meta.features ? FittedFeatures.fromJSON(meta.features) : undefined;
  if (meta.schema) parseSchema(meta.schema, `${dir}/model.json: metadata.schema`);
  return new Artifact(dir, model, meta, cleaning, features);
}

/** A model's outputs for these inputs as one flat row-major array. */
export function predictFlat(model: Model, xs: Tensor[]): Float32Array {
  const y = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: 256 }) as Tensor;
  return Float32Array.from(y.values as Float32Array);
}

/** Metrics for a task's outputs: P(positive) for binary, probabilities n×k for multiclass, values for regression. */
export function evaluateOutputs(
  task: Task,
  outputs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: readonly string[],
  threshold?: number,
): Evaluation {
  if (task === 'binary')
    return evaluateBinary(outputs, labels, {
      classes: [classes[0], classes[1]],
      ...(threshold !== undefined && { threshold }),
    });
  if (task === 'multiclass')
    return evaluateMulticlass(outputs, classes.length, labels, { classes: [...classes] });
  return evaluateRegression(outputs, labels);
}
