// Deepline's public API, in sections. Everything not exported here is private to its folder.
// (Import sorting is switched off for this file in biome.json, so the sections stay as written.)

// --- Tensors -------------------------------------------------------------------------------
export { type NestedArray, Tensor } from './tensor/tensor.js';
export type { DType, TypedArray } from './backend/index.js';
export {
  arange,
  full,
  ones,
  onesLike,
  scalar,
  type TensorLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './tensor/creation.js';
export {
  type RandomOptions,
  randomNormal,
  randomUniform,
  setSeed,
  truncatedNormal,
} from './tensor/random.js';
export { DeeplineError, DTypeError, ShapeError, ValueError } from './tensor/errors.js';

// --- Automatic differentiation -------------------------------------------------------------
export { grad, valueAndGrad } from './autograd/grad.js';
export { noGrad } from './autograd/mode.js';

// --- Elementwise ---------------------------------------------------------------------------
export type { Operand } from './ops/operand.js';
export { add, div, maximum, minimum, mul, pow, sub } from './ops/arithmetic.js';
export {
  abs,
  ceil,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  softplus,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export {
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  logicalAnd,
  logicalOr,
  notEqual,
} from './ops/compare.js';
export { where } from './ops/where.js';
export { cast } from './ops/cast.js';
export { clip } from './ops/clip.js';

// --- Reductions ----------------------------------------------------------------------------
export { type Axes, argmax, argmin, max, min, type ReduceOptions, sum } from './ops/reduce.js';
export { logSumExp, mean, variance } from './ops/statistics.js';

// --- Linear algebra and shapes -------------------------------------------------------------
export { type MatMulOptions, matMul } from './ops/matmul.js';
export { expandDims, flatten, reshape, squeeze } from './ops/reshape.js';
export { permute, transpose } from './ops/transpose.js';
export { broadcastTo } from './ops/broadcast.js';
export { slice, split } from './ops/slice.js';
export { pad } from './ops/pad.js';
export { concat, stack } from './ops/concat.js';
export { tile } from './ops/tile.js';
export { gather } from './ops/gather.js';
export { oneHot } from './ops/one-hot.js';

// --- Neural-network ops --------------------------------------------------------------------
export { elu, gelu, leakyRelu, logSoftmax, relu, relu6, selu, softmax } from './ops/activations.js';
export { sigmoidCrossEntropy, softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from './ops/cross-entropy.js';
export type { FusedOptions } from './ops/epilogue.js';
export { type Conv2DOptions, conv2d } from './ops/conv2d.js';
export { type Conv2DMaxPoolOptions, conv2dMaxPool } from './ops/conv2d-max-pool.js';
export { avgPool2d, maxPool2d, type Pool2DOptions } from './ops/pool2d.js';
export type { Padding, Pair } from './ops/window.js';
export { type DropoutOptions, dropout } from './ops/dropout.js';
export {
  type AffineTransformOptions,
  affineTransform,
  type FillMode,
  type Interpolation,
} from './ops/affine-transform.js';

// --- Backends ------------------------------------------------------------------------------
export {
  type Backend,
  backendNames,
  type Conv2DInfo,
  type ConvGrads,
  type Epilogue,
  type FusedActivation,
  type GradRequest,
  getBackend,
  type MatMulInfo,
  type Pool2DInfo,
  registerBackend,
  setBackend,
} from './backend/index.js';

// --- Models and layers (Keras's API) -------------------------------------------------------
export { Model, model, type CompileOptions, type PredictOptions } from './train/model.js';
export { Sequential, sequential } from './train/sequential.js';
export type { FitOptions } from './train/fit.js';
export type { BatchIterable, Data } from './train/batches.js';
export { input, InputLayer, type InputConfig } from './nn/input.js';
export { type CallContext, Layer, type LayerConfig, type Shape, SymbolicTensor } from './nn/layer.js';
export { Variable } from './nn/variable.js';
export type { Serialized } from './nn/serialize.js';
export * as layers from './nn/layers/index.js';
export * as initializers from './nn/initializers.js';
export * as regularizers from './nn/regularizers.js';
export { type ActivationName, activation } from './nn/activations.js';
export type { Loss } from './nn/loss.js';
export * as losses from './nn/losses.js';
export type { Metric } from './metrics/metric.js';
export * as metrics from './metrics/index.js';
export type { Optimizer } from './optim/optimizer.js';
export * as optimizers from './optim/index.js';

// --- Training ------------------------------------------------------------------------------
export {
  Callback,
  type CallbackState,
  type CallbackStateValue,
  type Logs,
  type StatefulCallback,
  type TrainingModel,
  type TrainingParams,
} from './train/callback.js';
export * as callbacks from './train/callbacks/index.js';
export { History } from './train/callbacks/history.js';
export { loadModel, readModelJson } from './train/load.js';
export { type ModelJson, saveModel } from './train/save.js';
export { importTfjsModel, TfjsImportError } from './train/import-tfjs.js';

// --- Data ----------------------------------------------------------------------------------
export { type Origin, type Row, Table, type Value } from './data/table.js';
export { type InteractionOptions, interactionTable } from './data/interactions.js';
export { type CsvOptions, DataError, readCsv, readCsvChunks } from './data/csv.js';
export { readJson, readJsonLines, readJsonLinesChunks } from './data/json.js';
export { readSql, readSqlChunks, type SqlOptions } from './data/sql.js';
export { readTextFile, readTextFolder } from './data/text.js';
export { readTable, readTableChunks } from './data/read.js';
export { formatStepReport, Quarantine, type QuarantinedRow, type StepReport } from './data/report.js';
export {
  type ColumnProfile,
  formatProfile,
  type Profile,
  type ProfileOptions,
  Profiler,
  profile,
  profileTable,
} from './data/profile.js';
export { inferSchema, loadSchema, type Schema, saveSchema } from './data/schema.js';
export { type Anomaly, formatAnomalies, type ValidationResult, validate } from './data/validate.js';
export {
  CleaningPlan,
  type CleaningResult,
  type CleaningStep,
  clean,
  fitCleaning,
} from './data/clean/index.js';
export {
  type FeatureSpec,
  FittedFeatures,
  featurePipeline,
  imageTransform,
} from './data/transform/index.js';
export { Dataset } from './data/dataset.js';
export { kFold, timeSplit, trainTestSplit } from './data/split.js';
export { decodeImage, readImageFolder } from './data/images.js';
export { type IdxArray, parseIdx, readIdx } from './data/idx.js';
export { type LoadMnistOptions, loadMnist, type Mnist, type MnistSplit } from './data/mnist.js';

// --- Pipelines, tracking, registry and reports ---------------------------------------------
export {
  type RunOptions,
  type RunResult,
  runPipeline,
  type StageReporter,
  type StatusUpdate,
} from './pipeline/run.js';
export {
  loadPipelineConfig,
  type PipelineConfig,
  PipelineConfigError,
  parsePipelineConfig,
} from './pipeline/config.js';
export { Artifact, type ArtifactMetadata, loadArtifact } from './pipeline/artifact.js';
export {
  type Evaluation,
  evaluateBinary,
  evaluateMulticlass,
  evaluateRegression,
  type Task,
} from './pipeline/evaluation.js';
export { businessValue, type ValueReport, type ValueSpec } from './pipeline/value.js';
export type { VariantSummary, VariantsReport } from './pipeline/variants.js';
export { checkGates, type GateResult, type GateSpec, parseGate } from './pipeline/gates.js';
export {
  type ModelRef,
  type ModelVersion,
  openRegistry,
  parseModelRef,
  ProductionChangedError,
  type PromoteOptions,
  Registry,
  RegistryError,
  registryHome,
  type RunRecord,
  type Stage,
} from './registry/index.js';
export { type ReportData, renderReport, writeReport } from './report/index.js';
export { runReportData, writeRunReport } from './report/run-report.js';

// --- Serving (TensorFlow Serving's REST API) -----------------------------------------------
export {
  createServer,
  listen,
  type RunningServer,
  type ServeOptions,
  type ServerOptions,
  serve,
} from './serve/server.js';
export { createServing, ModelServing, type ServingOptions } from './serve/runtime.js';
export type { InferenceInput, InferenceOutput, LoadedVersion, Serving, Signature } from './serve/types.js';
export {
  DeadlineError,
  InvalidArgumentError,
  NotFoundError,
  OverloadedError,
  ServingError,
  UnavailableError,
} from './serve/errors.js';
