import { gradients } from '../autograd/backward.js';
import { noGrad, withRecording } from '../autograd/mode.js';
import { metric as resolveMetric } from '../metrics/index.js';
import { Mean } from '../metrics/mean.js';
import type { Metric } from '../metrics/metric.js';
import { activation } from '../nn/activations.js';
import { Graph } from '../nn/graph.js';
import type { CallContext, Layer, SymbolicTensor } from '../nn/layer.js';
import type { Loss } from '../nn/loss.js';
import { loss as resolveLoss } from '../nn/losses.js';
import type { Serialized } from '../nn/serialize.js';
import type { Variable } from '../nn/variable.js';
import { add, mul } from '../ops/arithmetic.js';
import { concat } from '../ops/concat.js';
import { mean } from '../ops/statistics.js';
import { optimizer as resolveOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { DeeplineError, ShapeError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  type Batch,
  type BatchIterable,
  type Data,
  isBatchIterable,
  sampleCount,
  TensorBatches,
  toBatch,
  toTensors,
} from './batches.js';
import type { Logs, TrainingModel } from './callback.js';
import type { History } from './callbacks/history.js';
import { type FitOptions, fitModel } from './fit.js';
import { saveModel } from './save.js';
import { summary } from './summary.js';

export interface CompileOptions {
  optimizer: string | Optimizer | Serialized;
  /** One loss for every output, or one per output. */
  loss: string | Loss | Serialized | readonly (string | Loss | Serialized)[];
  /** Metrics for every output: names ('accuracy', 'auc'…) or Metric objects. */
  metrics?: readonly (string | Metric | Serialized)[];
}

export interface PredictOptions {
  batchSize?: number;
}

/** What compile() set up, per model output. */
interface Compiled {
  optimizer: Optimizer;
  losses: Loss[];
  /** Metric objects per output. */
  metrics: Metric[][];
  /** The metric ids as given, for model.json. */
  metricIds: (string | Serialized)[];
}

/**
 * A network of layers with Keras's training API: compile, fit, evaluate, predict. Built from
 * symbolic inputs and outputs (the functional API) or by Sequential from a list of layers.
 */
export class Model implements TrainingModel {
  readonly name: string;
  stopTraining = false;
  #graph: Graph | null = null;
  #compiled: Compiled | null = null;

  constructor(config: {
    inputs?: SymbolicTensor | SymbolicTensor[];
    outputs?: SymbolicTensor | SymbolicTensor[];
    name?: string;
  }) {
    this.name = config.name ?? 'model';
    if (config.inputs !== undefined && config.outputs !== undefined) {
      this.setGraph(new Graph([config.inputs].flat(), [config.outputs].flat()));
    }
  }

  /** Keras's Model class name, as model.json records it. */
  get className(): string {
    return 'Functional';
  }

  protected setGraph(graph: Graph): void {
    this.#graph = graph;
  }

  /** @internal The wired graph; Sequential builds its own on first use. */
  graph(what: string): Graph {
    if (this.#graph === null) {
      throw new DeeplineError(
        `${this.name}: ${what} needs the model to be built; give the first layer an inputShape, or call fit/predict with data`,
      );
    }
    return this.#graph;
  }

  /** Builds the model from the shapes of the first data it sees (Sequential overrides). */
  protected buildFrom(_samples: readonly Tensor[]): void {}

  get built(): boolean {
    return this.#graph !== null;
  }

  get inputs(): readonly SymbolicTensor[] {
    return this.graph('inputs').inputs;
  }

  get outputs(): readonly SymbolicTensor[] {
    return this.graph('outputs').outputs;
  }

  get layers(): readonly Layer[] {
    return this.#graph?.layers ?? [];
  }

  get weights(): Variable[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  get trainableWeights(): Variable[] {
    return this.layers.flatMap((layer) => layer.trainableWeights);
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer)
      throw new ValueError(
        `${this.name}: no layer named '${name}'; layers: ${this.layers.map((l) => l.name).join(', ')}`,
      );
    return layer;
  }

  countParams(): number {
    return this.layers.reduce((n, layer) => n + layer.countParams(), 0);
  }

  /** The Keras summary table; printed unless `print` is false, and returned. */
  summary(print: (line: string) => void = console.log): string {
    const text = summary(this.name, this.className, this.graph('summary'));
    for (const line of text.split('\n')) print(line);
    return text;
  }

  /** Copies of every weight's value, layer by layer (Keras's order). */
  getWeights(): Tensor[] {
    return this.weights.map((v) => v.value.detach());
  }

  setWeights(weights: readonly Tensor[]): void {
    const variables = this.weights;
    if (weights.length !== variables.length) {
      throw new ValueError(
        `${this.name}: setWeights got ${weights.length} tensors, the model has ${variables.length} weights`,
      );
    }
    for (const [i, v] of variables.entries()) v.assign(weights[i]);
  }

  compile(options: CompileOptions): void {
    const outputs = this.#graph?.outputs.length ?? 1;
    const lossIds = Array.isArray(options.loss)
      ? options.loss
      : Array.from({ length: outputs }, () => options.loss);
    if (lossIds.length !== outputs) {
      throw new ValueError(`${this.name}: compile got ${lossIds.length} losses for ${outputs} outputs`);
    }
    const losses = lossIds.map((id) => resolveLoss(id));
    const metricIds = [...(options.metrics ?? [])];
    this.#compiled = {
      optimizer: resolveOptimizer(options.optimizer),
      losses,
      metrics: losses.map((l) => metricIds.map((id) => resolveMetric(id, l))),
      metricIds: metricIds.map((id) =>
        typeof id === 'string'
          ? id
          : 'getConfig' in id
            ? { className: id.className, config: id.getConfig() }
            : id,
      ),
    };
  }

  get optimizer(): Optimizer {
    return this.#compiledOrThrow('optimizer').optimizer;
  }

  /** The compile options as model.json stores them, or null before compile. */
  get trainingConfig(): Record<string, unknown> | null {
    const c = this.#compiled;
    if (c === null) return null;
    const ser = (o: { className: string; getConfig(): Record<string, unknown> }) => ({
      className: o.className,
      config: o.getConfig(),
    });
    return { optimizer: ser(c.optimizer), loss: c.losses.map(ser), metrics: c.metricIds };
  }

  #compiledOrThrow(what: string): Compiled {
    if (this.#compiled === null) {
      throw new DeeplineError(`${this.name}: ${what} needs compile({optimizer, loss}) first`);
    }
    return this.#compiled;
  }

  /** The names fit and evaluate log: loss, then each metric, prefixed per output when there are several. */
  metricNames(): string[] {
    const c = this.#compiledOrThrow('metricNames');
    const names = ['loss'];
    if (c.losses.length > 1) names.push(...this.outputs.map((o) => `${o.layer.name}_loss`));
    c.metrics.forEach((list, i) => {
      for (const m of list)
        names.push(c.losses.length > 1 ? `${this.outputs[i].layer.name}_${m.name}` : m.name);
    });
    return names;
  }

  /** Runs the model on tensors (Keras's `model(x)`), building it first if needed. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    if (!this.built) this.buildFrom(inputs);
    return this.graph('call').run(inputs, context);
  }

  /** Outputs in batches, without recording gradients. One tensor, or one per output. */
  predict(x: Data, options: PredictOptions = {}): Tensor | Tensor[] {
    const { batchSize = 32 } = options;
    checkBatchSize(batchSize);
    const xs = this.inputTensors(x, 'predict');
    const n = sampleCount(xs, 'predict');
    const parts: Tensor[][] = [];
    noGrad(() => {
      for (const batch of new TensorBatches(xs, [], { batchSize, shuffle: false })) {
        parts.push(this.call(batch.xs, { training: false }));
      }
    });
    if (n === 0) throw new ValueError('predict: x has no samples');
    const outputs = parts[0].map((_, i) =>
      parts.length === 1
        ? parts[0][i]
        : concat(
            parts.map((p) => p[i]),
            0,
          ),
    );
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /** Loss and metrics over (x, y), as {loss, accuracy, …}. */
  async evaluate(x: Data | BatchIterable, y?: Data, options: PredictOptions = {}): Promise<Logs> {
    const { batchSize = 32 } = options;
    checkBatchSize(batchSize);
    this.resetMetrics();
    for await (const batch of this.batches(x, y, { batchSize, shuffle: false }, 'evaluate')) {
      noGrad(() => this.step(batch, false));
    }
    return this.results();
  }

  /** One optimizer step on one batch; returns that batch's loss and metrics. */
  trainOnBatch(x: Data, y: Data): Logs {
    this.resetMetrics();
    this.step({ xs: this.inputTensors(x, 'trainOnBatch'), ys: this.targetTensors(y, 'trainOnBatch') }, true);
    return this.results();
  }

  /** Keras's fit: see FitOptions. Returns the History of per-epoch logs. */
  fit(x: Data | BatchIterable, y?: Data, options: FitOptions = {}): Promise<History> {
    this.#compiledOrThrow('fit');
    return fitModel(this, x, y, options);
  }

  /** @internal Batches from whatever fit/evaluate were given. */
  async *batches(
    x: Data | BatchIterable,
    y: Data | undefined,
    options: { batchSize: number; shuffle: boolean },
    where: string,
  ): AsyncGenerator<Batch> {
    if (isBatchIterable(x)) {
      for await (const element of x) yield toBatch(element, where);
      return;
    }
    if (y === undefined)
      throw new ValueError(`${where}: y is missing; pass targets, or a dataset of {x, y} batches`);
    yield* new TensorBatches(this.inputTensors(x, where), this.targetTensors(y, where), options);
  }

  /** @internal One tensor per model input, building the model from them if it is not yet built. */
  inputTensors(x: Data, where: string): Tensor[] {
    // Before the model is built, a typed array's sample shape is unknown (toTensors says so).
    const shapes = this.built ? this.inputs.map((s) => s.shape.slice(1)) : [x].flat().map(() => [null]);
    const xs = toTensors(x, shapes, `${where}: x`);
    if (!this.built) this.buildFrom(xs);
    return xs;
  }

  /** @internal One tensor per model output. */
  targetTensors(y: Data, where: string): Tensor[] {
    return toTensors(
      y,
      this.outputs.map((s) => s.shape.slice(1)),
      `${where}: y`,
    );
  }

  #lossMean = new Mean('loss');
  #outputLossMeans: Mean[] = [];

  /** @internal Resets the running loss and metrics (at the start of each epoch). */
  resetMetrics(): void {
    const c = this.#compiledOrThrow('metrics');
    this.#lossMean.reset();
    this.#outputLossMeans = c.losses.map((_, i) => new Mean(`output_${i}_loss`));
    for (const list of c.metrics) for (const m of list) m.reset();
  }

  /** @internal The running loss and metrics since the last reset. */
  results(): Logs {
    const c = this.#compiledOrThrow('metrics');
    const names = this.metricNames();
    const values = [
      this.#lossMean.result(),
      ...(c.losses.length > 1 ? this.#outputLossMeans.map((m) => m.result()) : []),
      ...c.metrics.flatMap((list) => list.map((m) => m.result())),
    ];
    return Object.fromEntries(names.map((name, i) => [name, values[i]]));
  }

  /** @internal One batch: forward, loss, and (when training) backward and an optimizer step. */
  step(batch: Batch, training: boolean): void {
    const c = this.#compiledOrThrow(training ? 'fit' : 'evaluate');
    const graph = this.graph('fit');
    if (batch.ys.length !== c.losses.length) {
      throw new ValueError(`${this.name}: got ${batch.ys.length} target(s) for ${c.losses.length} output(s)`);
    }
    const n = sampleCount([...batch.xs, ...batch.ys], 'fit');
    // An output layer ending in the activation its loss absorbs hands over logits instead.
    const absorbs = graph.outputs.map((o, i) => {
      const act = (o.layer as { activation?: string }).activation;
      return c.losses[i].logitsOf !== null && !c.losses[i].fromLogits && act === c.losses[i].logitsOf;
    });
    const fuse = absorbs.every(Boolean);
    const activityLosses: Tensor[] = [];
    const variables = training ? this.trainableWeights : [];
    let total!: Tensor;
    let outputLosses!: Tensor[];
    let predictions!: Tensor[];
    withRecording(training, () => {
      predictions = this.call(batch.xs, { training, withoutActivation: fuse, losses: activityLosses });
      outputLosses = predictions.map((p, i) => {
        const l = fuse ? c.losses[i].withLogits() : c.losses[i];
        const perSample = l.call(batch.ys[i], p);
        if (perSample.rank !== 1 || perSample.shape[0] !== n) {
          throw new ShapeError(
            `${l.name}: expected per-sample losses of shape [${n}], got [${perSample.shape.join(', ')}]`,
          );
        }
        // Keras's sum-over-batch-size reduction: weights scale samples, the divisor stays n.
        return mean(batch.sampleWeight ? mul(perSample, batch.sampleWeight) : perSample);
      });
      total = outputLosses.reduce((a, b) => add(a, b));
      for (const v of this.weights) if (v.regularizer) total = add(total, v.regularizer.penalty(v.value));
      for (const penalty of activityLosses) total = add(total, penalty);
    });
    if (training && variables.length > 0) {
      const grads = gradients(
        total,
        variables.map((v) => v.value),
      );
      c.optimizer.applyGradients(variables, grads);
    }
    noGrad(() => {
      this.#lossMean.updateValue(total.item(), n);
      for (const [i, l] of outputLosses.entries()) this.#outputLossMeans[i]?.updateValue(l.item(), n);
      predictions.forEach((p, i) => {
        if (c.metrics[i].length === 0) return;
        const probabilities = fuse ? activation(c.losses[i].logitsOf!)(p.detach()) : p.detach();
        for (const m of c.metrics[i]) m.update(batch.ys[i], probabilities, batch.sampleWeight);
      });
    });
  }

  /** Writes the model as an artifact folder (model.json + weights.bin), optimizer state included. */
  save(dir: string): Promise<void> {
    return saveModel(this, dir);
  }

  toString(): string {
    return `${this.className} '${this.name}'`;
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`batchSize is ${JSON.stringify(batchSize)}, expected a positive integer`);
  }
}

/** The functional API: `model({inputs, outputs})`. */
export function model(config: {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}): Model {
  return new Model(config);
}
