import { isRecording } from '../autograd/mode.js';
import { div } from '../ops/arithmetic.js';
import { DeeplineError, ShapeError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Initializer, initializer } from './initializers.js';
import { type Regularizer, regularizer } from './regularizers.js';
import { type Configurable, checkOptions, optionNames, type Serialized, serializeId } from './serialize.js';
import { Variable } from './variable.js';

/** How a layer's config names an initializer or regularizer: by name, as an object, or serialized. */
export type InitializerId = string | Initializer | Serialized;
export type RegularizerId = string | Regularizer | Serialized | null;

/** A shape whose first (batch) dimension, or any other not yet known, is null. */
export type Shape = readonly (number | null)[];

/** What a layer's call may depend on besides its inputs. */
export interface CallContext {
  /** Dropout drops and batch normalization uses batch statistics only when training. */
  training: boolean;
  /**
   * Set by a model on its output layer when the loss takes logits: the layer leaves out its
   * final softmax or sigmoid, so that activation and cross-entropy run fused and stable.
   */
  withoutActivation?: boolean;
  /** Where activity-regularization penalties of this forward pass are collected. */
  losses?: Tensor[];
}

/** The options every layer accepts (Keras's base Layer arguments). */
export interface LayerConfig {
  name?: string;
  trainable?: boolean;
  /** The shape of one sample, for the first layer of a sequential model. */
  inputShape?: readonly number[];
  /** Keras's other way to say inputShape: the batch dimension first, whose size is not kept. */
  batchInputShape?: readonly (number | null)[];
  /** Keras configs carry it; Deepline layers compute in float32 only. */
  dtype?: 'float32';
  /** Penalty on the layer's output, added to the loss. */
  activityRegularizer?: RegularizerId;
}

const LAYER_OPTIONS = optionNames<LayerConfig>({
  name: true,
  trainable: true,
  inputShape: true,
  batchInputShape: true,
  dtype: true,
  activityRegularizer: true,
});

/**
 * The options a layer class adds to LayerConfig's, for its constructor to pass to Layer's. The
 * compiler checks the list against the config type: none missing, none extra.
 */
export function ownOptions<C extends LayerConfig>(
  names: Record<Exclude<keyof C, keyof LayerConfig>, true>,
): readonly string[] {
  return optionNames<Omit<C, keyof LayerConfig>>(names);
}

/**
 * A placeholder for the tensor a layer will produce, used to wire a model before any data is
 * seen: `layer.apply(x)` on a SymbolicTensor records the call and returns the output's.
 */
export class SymbolicTensor {
  constructor(
    readonly shape: Shape,
    /** The layer that produces it. */
    readonly layer: Layer,
    /** The inputs of that layer's call. */
    readonly inputs: readonly SymbolicTensor[],
  ) {}
}

const counters = new Map<string, number>();

/** Keras's naming: the snake_case class name, then _1, _2… for later instances. */
function uniqueName(className: string): string {
  const base = className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  const count = counters.get(base) ?? 0;
  counters.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/**
 * A layer: weights created by `build` once the input shape is known, and a forward pass in
 * `call` written with differentiable ops, so that it needs no gradient code of its own.
 * (The contract of Keras's Layer: constructor(config), build, call, computeOutputShape, getConfig.)
 */
export abstract class Layer implements Configurable {
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  built = false;
  /** [null, ...inputShape] when the config named one. */
  readonly batchInputShape: Shape | null;
  readonly activityRegularizer: Regularizer | null;
  #variables: Variable[] = [];

  /** `options`: the config keys of the subclass (see ownOptions); any other key is refused. */
  constructor(config: LayerConfig, className: string, options: readonly string[]) {
    checkOptions(className, config, [...LAYER_OPTIONS, ...options]);
    if (config.dtype !== undefined && config.dtype !== 'float32') {
      throw new ValueError(
        `${className}: dtype is ${JSON.stringify(config.dtype)}, expected 'float32', the one dtype layers compute in`,
      );
    }
    this.name = config.name ?? uniqueName(className);
    this.trainable = config.trainable ?? true;
    const inputShape = config.inputShape ?? config.batchInputShape?.slice(1);
    this.batchInputShape = inputShape ? [null, ...inputShape] : null;
    this.activityRegularizer = config.activityRegularizer ? regularizer(config.activityRegularizer) : null;
  }

  /** Creates the weights for inputs of this shape. Layers without weights keep this one. */
  build(_inputShape: Shape | Shape[]): void {}

  /** The forward pass. */
  abstract call(inputs: Tensor | Tensor[], context: CallContext): Tensor;

  /** The output shape for inputs of this shape, without computing anything. */
  abstract computeOutputShape(inputShape: Shape | Shape[]): Shape;

  /** The layer's own options; the base options are added by `getConfig`. */
  protected abstract layerConfig(): Record<string, unknown>;

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) config.inputShape = this.batchInputShape.slice(1);
    if (this.activityRegularizer) config.activityRegularizer = serializeId(this.activityRegularizer);
    return { ...config, ...this.layerConfig() };
  }

  /**
   * Creates a weight. Called from `build`; the order of calls is the order of `weights`, of
   * `getWeights()` and of the weights file.
   */
  protected addWeight(
    name: string,
    shape: readonly number[],
    init: InitializerId,
    options: { trainable?: boolean; regularizer?: RegularizerId } = {},
  ): Variable {
    const value = initializer(init).init(shape);
    const trainable = options.trainable ?? true;
    const penalty = options.regularizer ? regularizer(options.regularizer) : null;
    const variable = new Variable(`${this.name}/${name}`, value, trainable, penalty);
    this.#variables.push(variable);
    return variable;
  }

  /** Every weight, trainable first, as Keras lists them. */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.#variables.filter((v) => v.trainable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.#variables.filter((v) => !v.trainable) : [...this.#variables];
  }

  countParams(): number {
    return this.#variables.reduce((n, v) => n + v.value.size, 0);
  }

  /**
   * Wires the layer into a model when given symbolic tensors; runs it when given tensors
   * (building it first from their shapes).
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], context?: Partial<CallContext>): Tensor;
  apply(
    inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[],
    context: Partial<CallContext> = {},
  ): SymbolicTensor | Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new ValueError(`${this.name}: apply() needs at least one input`);
    const symbolic = list.every((x) => x instanceof SymbolicTensor);
    if (!symbolic && list.some((x) => x instanceof SymbolicTensor)) {
      throw new ValueError(`${this.name}: apply() got a mix of symbolic tensors and tensors`);
    }
    const shapes = list.map((x) => (x instanceof SymbolicTensor ? x.shape : [null, ...x.shape.slice(1)]));
    const inputShape = Array.isArray(inputs) ? shapes : shapes[0];
    this.ensureBuilt(inputShape);
    if (symbolic) {
      return new SymbolicTensor(this.computeOutputShape(inputShape), this, list as SymbolicTensor[]);
    }
    const tensors = list as Tensor[];
    return this.invoke(Array.isArray(inputs) ? tensors : tensors[0], {
      ...context,
      training: context.training ?? false,
    });
  }

  /** Builds once; inputs of another shape than the declared inputShape are refused, naming the layer. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.batchInputShape && !Array.isArray(inputShape[0])) {
      checkCompatible(this.name, this.batchInputShape, inputShape as Shape);
    }
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
  }

  /** `call` plus what every layer does around it: the activity penalty. */
  invoke(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const output = this.call(inputs, context);
    if (this.activityRegularizer && context.losses && isRecording()) {
      // Keras averages the activity penalty over the batch, so it does not grow with batch size.
      context.losses.push(div(this.activityRegularizer.penalty(output), output.shape[0] || 1));
    }
    return output;
  }

  toString(): string {
    return `${this.name} (${this.className})`;
  }
}

/** Checks that a layer got inputs of the shape it was declared or built for. */
export function checkCompatible(name: string, expected: Shape, got: Shape): void {
  const fits =
    expected.length === got.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);
  if (!fits) {
    throw new ShapeError(
      `${name}: expected inputs of shape ${formatShape(expected)}, got ${formatShape(got)}`,
    );
  }
}

/** Keras's way of printing a shape: (None, 26, 26, 32). */
export function formatShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** The single shape of a one-input layer, or an error naming the layer. */
export function singleShape(name: string, inputShape: Shape | Shape[]): Shape {
  if (Array.isArray(inputShape[0]))
    throw new DeeplineError(`${name}: expected one input, got ${inputShape.length}`);
  return inputShape as Shape;
}

/** The single tensor of a one-input layer, or an error naming the layer. */
export function singleInput(name: string, inputs: Tensor | Tensor[]): Tensor {
  if (Array.isArray(inputs)) throw new DeeplineError(`${name}: expected one input, got ${inputs.length}`);
  return inputs;
}
