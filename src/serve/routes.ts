import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkModelName } from '../registry/reference.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { recommend } from './recommend.js';
import {
  type PredictRequest,
  parseExamplesRequest,
  parsePredictRequest,
  type RequestLimits,
  requestMessages,
} from './request.js';
import type { InferenceOutput, LoadedVersion, Serving, TensorSpec, VersionSelector } from './types.js';

/**
 * TF Serving's REST API under /v1: model status, metadata, :predict, :classify and :regress, with
 * the same paths, JSON shapes and status codes, so that a client written for TF Serving works
 * unchanged. Every answer from a model version names it, in an `X-Model-Version` header and a
 * `model_version` field beside TF Serving's keys. Recommenders add Deepline's own :recommend
 * (recommend.ts) under the same paths.
 */

export type ApiMethod = 'status' | 'metadata' | 'predict' | 'classify' | 'regress' | 'recommend';

/** What a request asked of which model, for its log line and its metrics. */
export interface RequestLabels {
  model: string;
  version: string;
  method: ApiMethod;
}

// TF Serving's own path patterns (http_rest_api_util.cc), matched on the raw path so that an
// encoded slash in a name stays inside the name and is rejected with it.
const inferencePath =
  /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+)|\/labels\/([^/:]+))?:(predict|classify|regress|recommend)$/i;
const statusPath = /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+)|\/labels\/([^/:]+))?(\/metadata)?$/i;

interface Route {
  method: ApiMethod;
  /** Undecoded, as in the path. */
  name: string;
  version?: string;
  label?: string;
}

function matchRoute(url: string): Route | undefined {
  const path = url.split('?')[0];
  const inference = inferencePath.exec(path);
  if (inference) {
    const [, name, version, label, verb] = inference;
    return { method: verb.toLowerCase() as ApiMethod, name, version, label };
  }
  const status = statusPath.exec(path);
  if (status) {
    const [, name, version, label, metadata] = status;
    return { method: metadata ? 'metadata' : 'status', name, version, label };
  }
  return undefined;
}

const resolved = new WeakMap<FastifyRequest, RequestLabels>();

/**
 * The labels of a /v1 request, also of one refused before its handler ran (a body too large or
 * not JSON). A model is named only once it is known to be served, so that made-up names cannot
 * grow the metrics without bound.
 */
export function requestLabels(request: FastifyRequest, serving: Serving): RequestLabels | undefined {
  const known = resolved.get(request);
  if (known) return known;
  const route = matchRoute(request.url);
  if (!route) return undefined;
  const name = safeDecode(route.name);
  return {
    model: name !== undefined && serving.names().includes(name) ? name : '',
    version: '',
    method: route.method,
  };
}

export function registerApiRoutes(app: FastifyInstance, serving: Serving, limits: RequestLimits): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/v1/*',
    handler: async (request, reply) => {
      const route = matchRoute(request.url);
      if (!route) throw new NotFoundError(`unknown route: ${request.method} ${request.url.slice(0, 200)}`);
      const allowed = route.method === 'status' || route.method === 'metadata' ? ['GET', 'HEAD'] : ['POST'];
      if (!allowed.includes(request.method))
        return reply
          .code(405)
          .header('allow', allowed.join(', '))
          .send({ error: `${request.method} is not allowed here; use ${allowed.join(' or ')}` });
      const name = modelName(route.name);
      const selector = versionSelector(route);
      if (route.method === 'status' && selector.kind === 'default') {
        const versions = serving.status(name);
        resolved.set(request, { model: name, version: '', method: route.method });
        return status(versions);
      }
      const version = serving.resolve(name, selector);
      resolved.set(request, { model: name, version: String(version.version), method: route.method });
      reply.header('x-model-version', String(version.version));
      if (route.method === 'status') return status([version]);
      if (route.method === 'metadata') return metadata(version);
      if (route.method === 'predict') return predict(serving, version, request.body, limits);
      if (route.method === 'recommend') return recommend(serving, version, request.body, limits);
      return examples(serving, version, route.method, request.body, limits);
    },
  });
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Checked before the runtime hears of it: a name is also a folder of the registry. */
function modelName(raw: string): string {
  const name = safeDecode(raw);
  if (name === undefined) throw new InvalidArgumentError(`Failed to decode model name: ${raw.slice(0, 200)}`);
  try {
    return checkModelName(name);
  } catch {
    throw new InvalidArgumentError(
      `invalid model name ${JSON.stringify(name.slice(0, 200))}: letters, digits, '.', '_' and '-', ` +
        'starting with a letter or digit, at most 128 characters, no ".."',
    );
  }
}

function versionSelector(route: Route): VersionSelector {
  if (route.version !== undefined) {
    const version = /^\d{1,15}$/.test(route.version) ? Number(route.version) : Number.NaN;
    if (!Number.isSafeInteger(version))
      throw new InvalidArgumentError(`Failed to convert version: ${route.version.slice(0, 100)} to numeric.`);
    return { kind: 'version', version };
  }
  if (route.label !== undefined) {
    const label = safeDecode(route.label);
    if (label === undefined)
      throw new InvalidArgumentError(`Failed to decode model version label: ${route.label.slice(0, 100)}`);
    return { kind: 'label', label };
  }
  return { kind: 'default' };
}

/** GetModelStatusResponse as TF Serving prints it: versions as strings, every loaded one AVAILABLE. */
const status = (versions: readonly LoadedVersion[]) => ({
  model_version_status: versions.map((version) => ({
    version: String(version.version),
    state: 'AVAILABLE',
    status: { error_code: 'OK', error_message: '' },
  })),
});

const tensorInfo = (spec: TensorSpec) => ({
  dtype: spec.dtype,
  tensor_shape: { dim: spec.shape.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
  name: spec.name,
});

const tensorMap = (specs: readonly TensorSpec[]) =>
  Object.fromEntries(specs.map((spec) => [spec.name, tensorInfo(spec)]));

/** GetModelMetadataResponse as TF Serving prints it (http_rest_api_util.cc's ToJsonString). */
function metadata(version: LoadedVersion) {
  const { inputs, outputs } = version.signature;
  return {
    model_spec: { name: version.name, signature_name: '', version: String(version.version) },
    metadata: {
      signature_def: {
        signature_def: {
          serving_default: {
            inputs: tensorMap(inputs),
            outputs: tensorMap(outputs),
            method_name: 'tensorflow/serving/predict',
          },
        },
      },
    },
    model_version: String(version.version),
  };
}

async function predict(serving: Serving, version: LoadedVersion, body: unknown, limits: RequestLimits) {
  const { format, input }: PredictRequest = parsePredictRequest(body, version.signature, limits);
  const output = await serving.infer(version, input);
  const perOutput = splitOutputs(version.signature.outputs, checkedOutput(output, input.count));
  const model_version = String(version.version);
  const single = perOutput.length === 1;
  if (format === 'columnar')
    return {
      outputs: single ? perOutput[0].values : Object.fromEntries(perOutput.map((o) => [o.name, o.values])),
      model_version,
    };
  const predictions = Array.from({ length: input.count }, (_, i) =>
    single ? perOutput[0].values[i] : Object.fromEntries(perOutput.map((o) => [o.name, o.values[i]])),
  );
  return { predictions, model_version };
}

async function examples(
  serving: Serving,
  version: LoadedVersion,
  verb: 'classify' | 'regress',
  body: unknown,
  limits: RequestLimits,
) {
  const { count, input } = parseExamplesRequest(body, version, verb, limits);
  const output = await serving.infer(version, input);
  // TF Serving fails the whole request on a bad example, so a record that cleaning set aside is a 400.
  const [first] = output.rejected ?? [];
  if (first) throw new InvalidArgumentError(requestMessages.rejected(first.index, first.reason));
  const { outputs, width } = checkedOutput(output, count);
  const result =
    verb === 'regress' ? regressions(outputs, width) : classifications(outputs, width, version.meta.classes);
  // TF Serving's documentation names the key `result` and its server writes `results`; clients
  // read one or the other, so both are sent.
  return { result, results: result, model_version: String(version.version) };
}

/** The runtime's answer, held to its contract: `width` values for each example asked. */
function checkedOutput(output: InferenceOutput, count: number): InferenceOutput {
  if (!(output.width >= 1) || output.outputs.length !== count * output.width)
    throw new Error(
      `the runtime answered ${output.outputs.length} values of width ${output.width} for ${count} examples`,
    );
  return output;
}

/** Scores for every class in the artifact's order; a binary model's single output is P(second class). */
function classifications(
  outputs: Float32Array,
  width: number,
  classes: readonly string[],
): [string, unknown][][] {
  const rows: [string, unknown][][] = [];
  for (let i = 0; i < outputs.length / width; i++) {
    const row = outputs.subarray(i * width, (i + 1) * width);
    // The complement of P(positive) as read in decimal, so that 0.8 leaves 0.2 rather than 0.19999999.
    const scores = width === 1 ? [1 - (jsonFloat(row[0]) ?? Number.NaN), row[0]] : Array.from(row);
    rows.push(scores.map((score, k) => [classes[k] ?? '', jsonFloat(score)]));
  }
  return rows;
}

function regressions(outputs: Float32Array, width: number): unknown[] {
  if (width !== 1) throw new Error(`a regression answered ${width} values per example instead of 1`);
  return Array.from(outputs, jsonFloat);
}

/**
 * Each example's row holds the signature's outputs one after the other; each is nested to its
 * shape without the batch dimension (a scalar when that leaves none). A single output's free
 * dimension takes the row's width.
 */
function splitOutputs(specs: readonly TensorSpec[], { outputs, width }: InferenceOutput) {
  const shapes = specs.map((spec) => spec.shape.slice(1));
  if (shapes.length === 1 && shapes[0].includes(-1)) {
    const known = shapes[0].reduce((a, d) => (d === -1 ? a : a * d), 1);
    shapes[0] = shapes[0].map((d) => (d === -1 ? width / known : d));
  }
  const sizes = shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) !== width)
    throw new Error(
      `the signature's outputs hold ${sizes.join(' + ')} values per example, the runtime answered ${width}`,
    );
  let start = 0;
  return specs.map((spec, o) => {
    const from = start;
    start += sizes[o];
    const values = [];
    for (let i = 0; i < outputs.length / width; i++)
      values.push(nest(outputs.subarray(i * width + from, i * width + from + sizes[o]), shapes[o]));
    return { name: spec.name, values };
  });
}

function nest(values: Float32Array, shape: readonly number[]): unknown {
  if (shape.length === 0) return jsonFloat(values[0]);
  const [dim, ...rest] = shape;
  const step = values.length / dim;
  return Array.from({ length: dim }, (_, i) => nest(values.subarray(i * step, (i + 1) * step), rest));
}

/**
 * A number at float32 precision, as the shortest decimal that reads back as the same float32, as
 * TF Serving writes floats; a float32 widened to a double would print noise digits (0.2 as
 * 0.20000000298023224). JSON has no NaN or Infinity, so those become null.
 */
function jsonFloat(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const single = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(value.toPrecision(digits));
    if (Math.fround(short) === single) return short;
  }
  return single;
}
