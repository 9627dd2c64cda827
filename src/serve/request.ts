import { isUtf8 } from 'node:buffer';
import { InvalidArgumentError, ServingError } from './errors.js';
import type { InferenceInput, LoadedVersion, Signature, TensorSpec } from './types.js';

/**
 * Request bodies of TF Serving's REST API, checked against a model's signature before any of it
 * reaches the runtime: row (`instances`) and columnar (`inputs`) tensors for :predict, records
 * and `{"b64": …}` images for :classify and :regress. Every error is a 400 that names the field.
 */

/** Bounds that keep one request from taking the server's memory or stack. */
export interface RequestLimits {
  /** Examples in one request: instances, rows of columnar inputs, or classify/regress examples. */
  maxExamples: number;
  /** Nesting of lists and objects in the body, the body itself being level 1. */
  maxDepth: number;
  /** Numbers (and record values) in one request, all inputs together. */
  maxValues: number;
}

export const defaultLimits: RequestLimits = { maxExamples: 1024, maxDepth: 8, maxValues: 1_048_576 };

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export const requestMessages = {
  contentType: (type: string) => `unsupported content type "${type}"; send the body as application/json`,
  notUtf8: 'the request body is not valid UTF-8',
  empty: 'JSON Parse error: the request body is empty',
  badJson: (detail: string) => `JSON Parse error: ${detail}`,
  tooDeep: (max: number) => `the JSON body nests lists and objects deeper than ${max} levels`,
  notObject: (got: string) => `the request body must be a JSON object, got ${got}`,
  signatureType: "'signature_name' must be a string",
  signature: (name: string) =>
    `Serving signature name: "${name}" not found in signature def; this server has "serving_default"`,
  method: (verb: string, name: string, version: number, methods: readonly string[]) =>
    `model "${name}" version ${version} does not support ${verb}; it supports ${methods.join(', ')}`,
  bothFormats: "send either 'instances' (row format) or 'inputs' (columnar format), not both",
  noFormat: "Missing 'inputs' or 'instances' key",
  noExamples: "Missing 'examples' key: a list of objects of column values",
  notList: (field: string, got: string) => `${field}: expected a list with one entry per example, got ${got}`,
  emptyList: (field: string) => `${field}: the list is empty; send at least one example`,
  tooMany: (field: string, count: number, max: number) =>
    `${field}: ${count} examples; at most ${max} per request`,
  tooManyValues: (count: number, max: number) =>
    `the request holds ${count} values; at most ${max} per request`,
  batchSize: (field: string, got: number, first: string, expected: number) =>
    `${field}: ${got} examples, but ${first} has ${expected}; every input needs one entry per example`,
  notNamed: (field: string, names: readonly string[], got: string) =>
    `${field}: expected an object keyed by input name (${names.join(', ')}), got ${got}`,
  missingInput: (field: string, name: string) => `${field}: missing input "${name}"`,
  unknownInput: (field: string, name: string, names: readonly string[]) =>
    `${field}: unknown input "${name}"; the inputs are ${names.join(', ')}`,
  shape: (field: string, expected: readonly number[], got: readonly number[]) =>
    `${field}: expected shape ${fmt(expected)}, got ${fmt(got)}`,
  length: (field: string, expected: number, got: string) =>
    `${field}: expected a list of ${expected}, got ${got}`,
  dtype: (field: string, dtype: string, got: string) => `${field}: expected a number (${dtype}), got ${got}`,
  binaryToPredict: (field: string) =>
    `${field}: :predict takes numbers here; send binary values such as {"b64": …} to :classify`,
  float32: (field: string, value: number) => `${field}: ${value} does not fit in a 32-bit float (DT_FLOAT)`,
  int32: (field: string, value: number) => `${field}: ${value} is not a 32-bit integer (DT_INT32)`,
  context: (got: string) =>
    `context: expected an object of column values shared by every example, got ${got}`,
  example: (field: string, got: string) => `${field}: expected an object of column values, got ${got}`,
  noColumns: (field: string, columns: readonly string[]) =>
    `${field}: none of the model's columns is present; they are ${columns.join(', ')}`,
  cell: (field: string, got: string) => `${field}: expected a number, string, boolean or null, got ${got}`,
  image: (field: string) => `${field}: expected the image as {"b64": "<base64 of a PNG or JPEG file>"}`,
  base64: (field: string) => `${field}: the "b64" value is not valid base64`,
  imageFormat: (field: string) => `${field}: the decoded bytes are not a PNG or JPEG image`,
  rejected: (index: number, reason: string) => `examples[${index}]: ${reason}`,
};

/** A JSON value's kind as an error message names it. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return typeof value === 'number' ? String(value) : typeof value;
}

const jsonTypes = new Set(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);

/**
 * The JSON value of a request body. TF Serving reads every body as JSON whatever its content type,
 * and its own documentation posts with `curl -d` (form-urlencoded), so those and text/plain are
 * read as JSON too; types that cannot hold JSON (multipart, octet-stream, images) get a 415.
 */
export function parseJsonBody(
  body: Buffer | undefined,
  contentType: string | undefined,
  maxDepth: number,
): unknown {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type && !jsonTypes.has(type) && !type.endsWith('+json'))
    throw new ServingError(requestMessages.contentType(type.slice(0, 100)), 415);
  if (!body || body.length === 0) throw new InvalidArgumentError(requestMessages.empty);
  // Node's native check, then one decode: a fatal TextDecoder per request costs more than both.
  if (!isUtf8(body)) throw new InvalidArgumentError(requestMessages.notUtf8);
  const text = body.toString('utf8');
  checkDepth(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(requestMessages.badJson((error as Error).message));
  }
}

/** Checked on the text, before parsing, so that validation can recurse without risking the stack. */
function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw new InvalidArgumentError(requestMessages.tooDeep(maxDepth));
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{"b64": "…"}`, TF Serving's binary value: an object with that one string key. */
const isBinary = (value: unknown): value is { b64: string } =>
  isObject(value) && typeof value.b64 === 'string' && Object.keys(value).length === 1;

const isNamed = (value: unknown): value is Json => isObject(value) && !isBinary(value);

const member = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

function requestObject(body: unknown): Json {
  // Fastify leaves the body undefined when a request has none and no content type.
  if (body === undefined) throw new InvalidArgumentError(requestMessages.empty);
  if (!isObject(body)) throw new InvalidArgumentError(requestMessages.notObject(describe(body)));
  return body;
}

/**
 * The one signature this server has answers to its TF Serving names: absent, "" and
 * "serving_default", and the method's own name, as TF Serving's documentation posts
 * `"signature_name": "tensorflow/serving/regress"` to :regress.
 */
function checkSignatureName(request: Json, verb: string): void {
  const name = request.signature_name;
  if (name === undefined) return;
  if (typeof name !== 'string') throw new InvalidArgumentError(requestMessages.signatureType);
  if (name !== '' && name !== 'serving_default' && name !== `tensorflow/serving/${verb}`)
    throw new InvalidArgumentError(requestMessages.signature(name.slice(0, 100)));
}

function exampleList(value: unknown, field: string, limits: RequestLimits): unknown[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(requestMessages.notList(field, describe(value)));
  if (value.length === 0) throw new InvalidArgumentError(requestMessages.emptyList(field));
  if (value.length > limits.maxExamples)
    throw new InvalidArgumentError(requestMessages.tooMany(field, value.length, limits.maxExamples));
  return value;
}

function checkNames(object: Json, field: string, specs: readonly TensorSpec[]): void {
  const names = specs.map((spec) => spec.name);
  for (const key of Object.keys(object))
    if (!names.includes(key)) throw new InvalidArgumentError(requestMessages.unknownInput(field, key, names));
  for (const name of names)
    if (!Object.hasOwn(object, name))
      throw new InvalidArgumentError(requestMessages.missingInput(field, name));
}

/** One input's value for each example, with the field each came from. */
interface Column {
  spec: TensorSpec;
  values: unknown[];
  fields: string[];
}

export type TensorInput = Extract<InferenceInput, { kind: 'tensors' }>;

export interface PredictRequest {
  /** Row requests are answered with `predictions`, columnar ones with `outputs`. */
  format: 'row' | 'columnar';
  input: TensorInput;
}

export function parsePredictRequest(
  body: unknown,
  signature: Signature,
  limits: RequestLimits,
): PredictRequest {
  const request = requestObject(body);
  checkSignatureName(request, 'predict');
  const row = Object.hasOwn(request, 'instances');
  const columnar = Object.hasOwn(request, 'inputs');
  if (row && columnar) throw new InvalidArgumentError(requestMessages.bothFormats);
  if (!row && !columnar) throw new InvalidArgumentError(requestMessages.noFormat);
  const columns = row
    ? instanceColumns(exampleList(request.instances, 'instances', limits), signature.inputs)
    : inputColumns(request.inputs, signature.inputs, limits);
  return { format: row ? 'row' : 'columnar', input: toTensors(columns, limits) };
}

/** Row format: one entry per example; an object keyed by input name, or the value itself when there is one input. */
function instanceColumns(instances: unknown[], specs: readonly TensorSpec[]): Column[] {
  const columns = specs.map((spec) => ({ spec, values: [] as unknown[], fields: [] as string[] }));
  instances.forEach((instance, i) => {
    const field = `instances[${i}]`;
    if (specs.length === 1 && !isNamed(instance)) {
      columns[0].values.push(instance);
      columns[0].fields.push(field);
      return;
    }
    const names = specs.map((spec) => spec.name);
    if (!isNamed(instance))
      throw new InvalidArgumentError(requestMessages.notNamed(field, names, describe(instance)));
    checkNames(instance, field, specs);
    for (const column of columns) {
      column.values.push(instance[column.spec.name]);
      column.fields.push(member(field, column.spec.name));
    }
  });
  return columns;
}

/** Columnar format: each input's whole batch, keyed by input name unless there is one input. */
function inputColumns(inputs: unknown, specs: readonly TensorSpec[], limits: RequestLimits): Column[] {
  const named = specs.length > 1 || isNamed(inputs);
  if (named) {
    const names = specs.map((spec) => spec.name);
    if (!isNamed(inputs))
      throw new InvalidArgumentError(requestMessages.notNamed('inputs', names, describe(inputs)));
    checkNames(inputs, 'inputs', specs);
  }
  const columns = specs.map((spec) => {
    const field = named ? member('inputs', spec.name) : 'inputs';
    const values = exampleList(named ? (inputs as Json)[spec.name] : inputs, field, limits);
    return { spec, values, fields: values.map((_, i) => `${field}[${i}]`) };
  });
  const [first] = columns;
  for (const column of columns.slice(1))
    if (column.values.length !== first.values.length)
      throw new InvalidArgumentError(
        requestMessages.batchSize(
          column.fields[0].replace(/\[0\]$/, ''),
          column.values.length,
          first.fields[0].replace(/\[0\]$/, ''),
          first.values.length,
        ),
      );
  return columns;
}

function toTensors(columns: Column[], limits: RequestLimits): TensorInput {
  const count = columns[0].values.length;
  const shapes = columns.map(exampleShape);
  const total = shapes.reduce((sum, shape) => sum + count * size(shape), 0);
  if (total > limits.maxValues)
    throw new InvalidArgumentError(requestMessages.tooManyValues(total, limits.maxValues));
  const inputs = columns.map((column, c) => {
    const shape = shapes[c];
    const flat = new Float32Array(count * size(shape));
    column.values.forEach((value, i) => {
      const got = denseShape(value);
      if (!sameShape(got, shape))
        throw new InvalidArgumentError(requestMessages.shape(column.fields[i], shape, got));
      fill(value, shape, 0, column.spec.dtype, flat, i * size(shape), column.fields[i]);
    });
    return flat;
  });
  return { kind: 'tensors', count, inputs };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** The shape of a nested list, read along its first elements, as TF Serving reads it. */
function denseShape(value: unknown): number[] {
  const shape: number[] = [];
  while (Array.isArray(value)) {
    shape.push(value.length);
    value = value[0];
  }
  return shape;
}

/**
 * One example's shape: the signature's without the batch dimension, where a free (-1) dimension
 * takes its size from the first example and every other example must match it.
 */
function exampleShape(column: Column): number[] {
  const expected = column.spec.shape.slice(1);
  if (!expected.includes(-1)) return expected;
  const got = denseShape(column.values[0]);
  if (got.length !== expected.length || expected.some((d, i) => d !== -1 && d !== got[i]))
    throw new InvalidArgumentError(requestMessages.shape(column.fields[0], expected, got));
  return got;
}

/**
 * Writes a nested list of the given shape row-major into `out`; its depth is bounded by the
 * shape. `path` holds the indices down to `value`: the field is spelled out only for an error,
 * since building it for each of an image's 784 numbers would cost more than the copy.
 */
function fill(
  value: unknown,
  shape: readonly number[],
  level: number,
  dtype: TensorSpec['dtype'],
  out: Float32Array,
  offset: number,
  root: string,
  path: number[] = [],
): number {
  if (level === 0 && dtype === 'DT_FLOAT') {
    const end = fillFloats(value, shape, 0, out, offset);
    if (end >= 0) return end;
  }
  if (level === shape.length) {
    if (typeof value === 'number' && dtype === 'DT_FLOAT' && Math.abs(value) <= float32Max) {
      out[offset] = value;
      return offset + 1;
    }
    out[offset] = number(value, dtype, fieldOf(root, path));
    return offset + 1;
  }
  if (!Array.isArray(value) || value.length !== shape[level])
    throw new InvalidArgumentError(
      requestMessages.length(fieldOf(root, path), shape[level], describe(value)),
    );
  for (let i = 0; i < value.length; i++) {
    path[level] = i;
    offset = fill(value[i], shape, level + 1, dtype, out, offset, root, path);
  }
  path.length = level;
  return offset;
}

/** The common case, well-formed floats, without error bookkeeping; -1 sends the caller the slow way to find the fault. */
function fillFloats(
  value: unknown,
  shape: readonly number[],
  level: number,
  out: Float32Array,
  offset: number,
): number {
  if (!Array.isArray(value) || value.length !== shape[level]) return -1;
  if (level === shape.length - 1) {
    for (let i = 0; i < value.length; i++) {
      const x = value[i];
      if (typeof x !== 'number' || !(Math.abs(x) <= float32Max)) return -1;
      out[offset + i] = x;
    }
    return offset + value.length;
  }
  for (let i = 0; i < value.length && offset >= 0; i++)
    offset = fillFloats(value[i], shape, level + 1, out, offset);
  return offset;
}

function fieldOf(root: string, path: readonly number[]): string {
  return root + path.map((i) => `[${i}]`).join('');
}

const float32Max = 3.4028234663852886e38;

function number(value: unknown, dtype: TensorSpec['dtype'], field: string): number {
  if (typeof value !== 'number') {
    if (isBinary(value)) throw new InvalidArgumentError(requestMessages.binaryToPredict(field));
    throw new InvalidArgumentError(requestMessages.dtype(field, dtype, describe(value)));
  }
  if (dtype === 'DT_INT32') {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647)
      throw new InvalidArgumentError(requestMessages.int32(field, value));
  } else if (!(Math.abs(value) <= float32Max))
    throw new InvalidArgumentError(requestMessages.float32(field, value));
  return value;
}

export interface ExamplesRequest {
  count: number;
  input: Extract<InferenceInput, { kind: 'records' | 'images' }>;
}

/**
 * :classify and :regress bodies: `examples` of column values, with `context` values filled into
 * every example that lacks them. Table models get records of their own columns (other keys, such
 * as ids, are left out); image models get the decoded bytes of each example's image.
 */
export function parseExamplesRequest(
  body: unknown,
  version: LoadedVersion,
  verb: 'classify' | 'regress',
  limits: RequestLimits,
): ExamplesRequest {
  const request = requestObject(body);
  checkSignatureName(request, verb);
  const { methods } = version.signature;
  if (!methods.includes(verb))
    throw new InvalidArgumentError(requestMessages.method(verb, version.name, version.version, methods));
  const context = request.context ?? {};
  if (!isNamed(context)) throw new InvalidArgumentError(requestMessages.context(describe(context)));
  if (!Object.hasOwn(request, 'examples')) throw new InvalidArgumentError(requestMessages.noExamples);
  const examples = exampleList(request.examples, 'examples', limits);
  examples.forEach((example, i) => {
    if (!isNamed(example))
      throw new InvalidArgumentError(requestMessages.example(`examples[${i}]`, describe(example)));
  });
  const merged = examples as Json[];
  const input = version.meta.input;
  return {
    count: examples.length,
    input:
      input.kind === 'table'
        ? { kind: 'records', records: records(merged, context, input.columns, limits) }
        : { kind: 'images', images: merged.map((example, i) => image(example, context, input.inputName, i)) },
  };
}

function lookup(example: Json, context: Json, key: string): { found: boolean; value?: unknown } {
  if (Object.hasOwn(example, key)) return { found: true, value: example[key] };
  if (Object.hasOwn(context, key)) return { found: true, value: context[key] };
  return { found: false };
}

function records(examples: Json[], context: Json, columns: readonly string[], limits: RequestLimits): Json[] {
  if (examples.length * columns.length > limits.maxValues)
    throw new InvalidArgumentError(
      requestMessages.tooManyValues(examples.length * columns.length, limits.maxValues),
    );
  return examples.map((example, i) => {
    const entries = columns.flatMap((column) => {
      const { found, value } = lookup(example, context, column);
      return found ? [[column, cell(value, member(`examples[${i}]`, column))] as const] : [];
    });
    if (entries.length === 0)
      throw new InvalidArgumentError(requestMessages.noColumns(`examples[${i}]`, columns));
    return Object.fromEntries(entries);
  });
}

/** A record's value; TF Example features are lists, so a one-value list stands for its value. */
function cell(value: unknown, field: string): unknown {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (single === null || typeof single === 'string' || typeof single === 'boolean') return single;
  if (typeof single === 'number' && Number.isFinite(single)) return single;
  throw new InvalidArgumentError(requestMessages.cell(field, describe(value)));
}

const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

function image(example: Json, context: Json, name: string, index: number): Uint8Array {
  const field = member(`examples[${index}]`, name);
  const { value } = lookup(example, context, name);
  if (!isBinary(value)) throw new InvalidArgumentError(requestMessages.image(field));
  if (!base64Pattern.test(value.b64) || value.b64.length % 4 === 1)
    throw new InvalidArgumentError(requestMessages.base64(field));
  const bytes = new Uint8Array(Buffer.from(value.b64, 'base64'));
  if (!isPng(bytes) && !isJpeg(bytes)) throw new InvalidArgumentError(requestMessages.imageFormat(field));
  return bytes;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (bytes: Uint8Array): boolean => pngSignature.every((b, i) => bytes[i] === b);
const isJpeg = (bytes: Uint8Array): boolean => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
