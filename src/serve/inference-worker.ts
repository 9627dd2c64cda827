import { parentPort } from 'node:worker_threads';
import { Quarantine } from '../data/report.js';
import { Table, type Value } from '../data/table.js';
import {
  type Artifact,
  type ArtifactMetadata,
  ArtifactUseError,
  loadArtifact,
} from '../pipeline/artifact.js';
import { catalogueScores } from '../pipeline/recommendation/scoring.js';
import { tensor } from '../tensor/creation.js';
import { ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { describeModel, type ModelShapes } from './signature.js';
import type { InferenceInput, InferenceOutput } from './types.js';

/**
 * The inference worker: it alone loads artifacts and runs models, so that the main thread only
 * queues and routes. One batch is the requests of one version and input kind; each gets its own
 * result, and bad input fails only the request that sent it.
 */

export type WorkerRequest =
  | { type: 'load'; key: string; path: string }
  | { type: 'unload'; key: string }
  | { type: 'run'; id: number; key: string; parts: InferenceInput[] };

export type PartResult = ({ ok: true } & InferenceOutput) | { ok: false; message: string };

export type WorkerReply =
  | { type: 'started' }
  | { type: 'loaded'; key: string; model: ModelInfo }
  | { type: 'loadFailed'; key: string; message: string }
  | { type: 'ran'; id: number; results: PartResult[] }
  | { type: 'runFailed'; id: number; message: string; unavailable: boolean };

/** What the main thread learns of a loaded model: it never loads one itself. */
export interface ModelInfo {
  meta: ArtifactMetadata;
  shapes: ModelShapes;
}

type Part<K extends InferenceInput['kind']> = Extract<InferenceInput, { kind: K }>;

interface Loaded {
  artifact: Artifact;
  shapes: ModelShapes;
  /** Table columns the features read and the client must send (a null value is a missing value). */
  needed: string[];
}

const port = parentPort;
if (!port) throw new Error('inference-worker: start this file as a worker thread');

const models = new Map<string, Loaded>();
let queue = Promise.resolve();

port.on('message', (request: WorkerRequest) => {
  // One message at a time, in order: a run sent after a load finds the model, and an unload
  // waits for the runs sent before it.
  queue = queue.then(() => handle(request));
});
port.postMessage({ type: 'started' } satisfies WorkerReply);

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'unload') {
    models.delete(request.key);
  } else if (request.type === 'load') {
    try {
      const loaded = models.get(request.key) ?? (await load(request.path));
      models.set(request.key, loaded);
      reply({
        type: 'loaded',
        key: request.key,
        model: { meta: loaded.artifact.meta, shapes: loaded.shapes },
      });
    } catch (error) {
      reply({ type: 'loadFailed', key: request.key, message: (error as Error).message });
    }
  } else {
    const loaded = models.get(request.key);
    if (!loaded) {
      const message = `model ${request.key} is not loaded in the inference worker`;
      reply({ type: 'runFailed', id: request.id, message, unavailable: true });
      return;
    }
    try {
      reply({ type: 'ran', id: request.id, results: isolated(loaded, request.parts) });
    } catch (error) {
      reply({ type: 'runFailed', id: request.id, message: (error as Error).message, unavailable: false });
    }
  }
}

function reply(message: WorkerReply): void {
  const transfer =
    message.type === 'ran'
      ? message.results.flatMap((r) => (r.ok ? [r.outputs.buffer as ArrayBuffer] : []))
      : [];
  port!.postMessage(message, transfer);
}

async function load(path: string): Promise<Loaded> {
  const artifact = await loadArtifact(path);
  const { input } = artifact.meta;
  const needed =
    input.kind === 'table'
      ? [...new Set(artifact.features?.transforms.map((t) => t.column))].filter((c) =>
          input.columns.includes(c),
        )
      : [];
  return { artifact, shapes: describeModel(artifact), needed };
}

/** The batch in one model call; when its input is bad, each request alone, so that only the bad one fails. */
function isolated(loaded: Loaded, parts: InferenceInput[]): PartResult[] {
  try {
    return score(loaded, parts);
  } catch (error) {
    if (!(error instanceof ValueError || error instanceof ArtifactUseError)) throw error;
    if (parts.length === 1) return [{ ok: false, message: error.message }];
    return parts.flatMap((part) => isolated(loaded, [part]));
  }
}

function score(loaded: Loaded, parts: InferenceInput[]): PartResult[] {
  const kind = parts[0].kind;
  if (kind === 'tensors') return predictTensors(loaded, parts as Part<'tensors'>[]);
  if (kind === 'images') return scoreImages(loaded, parts as Part<'images'>[]);
  if (kind === 'recommend') return recommend(loaded, parts as Part<'recommend'>[]);
  return scoreRecords(loaded, parts as Part<'records'>[]);
}

function predictTensors({ artifact, shapes }: Loaded, parts: Part<'tensors'>[]): PartResult[] {
  const counts = parts.map((p) => p.count);
  const n = sum(counts);
  const xs = shapes.inputs.map((input, k) => {
    const values = concat(parts.map((p) => p.inputs[k]));
    // Ids travel as float32 like every tensor; Embedding takes int32.
    return tensor(input.dtype === 'DT_INT32' ? Int32Array.from(values) : values, {
      shape: [n, ...input.shape],
    });
  });
  return split(artifact.predict(xs), counts);
}

function scoreImages({ artifact }: Loaded, parts: Part<'images'>[]): PartResult[] {
  const images = parts.flatMap((p) => p.images.map((bytes, i) => ({ bytes, source: `images[${i}]` })));
  return split(
    artifact.scoreImages(images),
    parts.map((p) => p.images.length),
  );
}

/** Each request's score of every product in the recommender's catalogue, in catalogue order. */
function recommend({ artifact }: Loaded, parts: Part<'recommend'>[]): PartResult[] {
  const items = artifact.meta.recommender?.catalogue.length;
  if (items === undefined) throw new ArtifactUseError(`${artifact.dir}: this model is not a recommender`);
  return parts.map((part) => ({
    ok: true,
    outputs: catalogueScores(artifact.model, part, items),
    width: items,
  }));
}

/**
 * Artifact.scoreTable in two halves: each request is cleaned alone, so that a step that compares
 * rows (dropping duplicates) never sees another request's records; the kept rows of all of them
 * are then transformed and predicted in one call.
 */
function scoreRecords(loaded: Loaded, parts: Part<'records'>[]): PartResult[] {
  const cleaned = parts.map((p) => clean(loaded, p.records));
  const kept = Table.concat(cleaned.map((c) => c.table));
  const counts = cleaned.map((c) => c.table.numRows);
  if (kept.numRows === 0) {
    return cleaned.map(({ rejected }) => ({
      ok: true,
      outputs: new Float32Array(0),
      width: loaded.shapes.outputWidth,
      rejected,
    }));
  }
  const { x } = loaded.artifact.features!.transform(kept);
  const results = split(loaded.artifact.predict(x instanceof Tensor ? [x] : Object.values(x)), counts);
  return results.map((result, i) => ({ ...result, rejected: cleaned[i].rejected }));
}

function clean(
  { artifact, needed }: Loaded,
  records: Record<string, unknown>[],
): { table: Table; rejected: { index: number; reason: string }[] } {
  const input = artifact.meta.input;
  if (input.kind !== 'table')
    throw new ArtifactUseError(`${artifact.dir}: this model takes images, not records`);
  // Columns the features never read (an id the cleaning drops) may be left out; the others may not.
  const rows = records.map((record, index) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw new ValueError(`examples[${index}] is not an object of column values`);
    for (const column of needed) {
      if (!Object.hasOwn(record, column))
        throw new ValueError(
          `examples[${index}] has no field '${column}'; the model needs ${needed.map((c) => `'${c}'`).join(', ')}`,
        );
    }
    return Object.fromEntries(input.columns.map((column) => [column, value(record, column, index)]));
  });
  const table = Table.fromRows(
    rows,
    rows.map((_, i) => ({ source: 'request', line: i + 1 })),
  );
  if (!artifact.cleaning) return { table, rejected: [] };
  const quarantine = new Quarantine();
  const result = artifact.cleaning.apply(table, { quarantine });
  const reasons = new Map(quarantine.rows.map((row) => [row.line - 1, `${row.step}: ${row.reason}`]));
  const keptIndices = new Set(result.table.origins.map((o) => o.line - 1));
  const dropped = result.reports
    .filter((r) => Object.values(r.dropped).some((n) => n > 0))
    .map((r) => r.step);
  const rejected = records.flatMap((_, index) =>
    keptIndices.has(index)
      ? []
      : [{ index, reason: reasons.get(index) ?? `dropped by cleaning (${dropped.join(', ')})` }],
  );
  return { table: result.table, rejected };
}

function value(record: Record<string, unknown>, column: string, index: number): Value {
  const v = record[column];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new ValueError(
    `examples[${index}].${column} is ${Array.isArray(v) ? 'an array' : typeof v}; expected a string, number, boolean or null`,
  );
}

function split({ outputs, width }: { outputs: Float32Array; width: number }, counts: number[]): PartResult[] {
  if (counts.length === 1) return [{ ok: true, outputs, width }];
  let start = 0;
  return counts.map((count) => {
    const part = outputs.slice(start * width, (start + count) * width);
    start += count;
    return { ok: true, outputs: part, width };
  });
}

function concat(arrays: Float32Array[]): Float32Array {
  if (arrays.length === 1) return arrays[0];
  const out = new Float32Array(sum(arrays.map((a) => a.length)));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
