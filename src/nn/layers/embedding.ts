import { cast } from '../../ops/cast.js';
import { gather } from '../../ops/gather.js';
import { DTypeError, ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  type InitializerId,
  Layer,
  type LayerConfig,
  ownOptions,
  type RegularizerId,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';
import { serializeId } from '../serialize.js';
import type { Variable } from '../variable.js';
import { positiveInteger } from './options.js';

export interface EmbeddingConfig extends LayerConfig {
  /** The number of distinct ids: ids run from 0 to inputDim − 1. */
  inputDim: number;
  /** The length of each id's vector. */
  outputDim: number;
  embeddingsInitializer?: InitializerId;
  embeddingsRegularizer?: RegularizerId;
  /**
   * Keras's flag that id 0 is padding. Accepted and kept in the config so that Keras configs
   * load, but no mask is computed or passed on: later layers see the padding's vectors too.
   */
  maskZero?: boolean;
  /** The length of every sequence (Keras 2's option): the same as inputShape [inputLength]. */
  inputLength?: number;
}

/** Keras's 'uniform' default for embeddings: small values either side of zero. */
const DEFAULT_INITIALIZER = { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } };

const OPTIONS = ownOptions<EmbeddingConfig>({
  inputDim: true,
  outputDim: true,
  embeddingsInitializer: true,
  embeddingsRegularizer: true,
  maskZero: true,
  inputLength: true,
});

/**
 * A learned vector per id: ids of shape (batch, …) → vectors of shape (batch, …, outputDim).
 * Ids may be int32, or float32 holding whole numbers (as a dataset of numbers gives them).
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | undefined;
  readonly #config: EmbeddingConfig;
  embeddings: Variable | null = null;

  constructor(config: EmbeddingConfig) {
    super(
      config.inputShape === undefined && config.inputLength !== undefined
        ? { ...config, inputShape: [config.inputLength] }
        : config,
      'Embedding',
      OPTIONS,
    );
    this.inputDim = positiveInteger(this.name, 'inputDim', config.inputDim);
    this.outputDim = positiveInteger(this.name, 'outputDim', config.outputDim);
    if (config.inputLength !== undefined) positiveInteger(this.name, 'inputLength', config.inputLength);
    this.maskZero = config.maskZero ?? false;
    this.inputLength = config.inputLength;
    this.#config = config;
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.#config.embeddingsInitializer ?? DEFAULT_INITIALIZER,
      { regularizer: this.#config.embeddingsRegularizer },
    );
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    if (x.dtype !== 'int32' && x.dtype !== 'float32' && x.dtype !== 'float64') {
      throw new DTypeError(`${this.name}: ids have dtype ${x.dtype}, expected int32 or float32`);
    }
    // Checked here rather than left to gather, so that the error names the layer and its inputDim.
    for (const id of x.values) {
      if (!Number.isInteger(id)) {
        throw new ValueError(
          `${this.name}: id ${id} is not a whole number; ids index the ${this.inputDim} embeddings, ` +
            'so pass int32 or float32 holding integers',
        );
      }
      if (id < 0 || id >= this.inputDim) {
        throw new ValueError(
          `${this.name}: id ${id} is out of range for inputDim ${this.inputDim} (expected 0..${this.inputDim - 1}); ` +
            'raise inputDim to the vocabulary size, or map unknown ids to a reserved one',
        );
      }
    }
    // (batch, …) ids → (batch, …, outputDim): rows of the table, whose gradient is a scatter-add.
    return gather(this.embeddings!.value, cast(x, 'int32'), 0);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(this.name, inputShape), this.outputDim];
  }

  protected layerConfig(): Record<string, unknown> {
    const c = this.#config;
    const config: Record<string, unknown> = {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeId(c.embeddingsInitializer ?? DEFAULT_INITIALIZER),
      embeddingsRegularizer: serializeId(c.embeddingsRegularizer),
      maskZero: this.maskZero,
    };
    if (this.inputLength !== undefined) config.inputLength = this.inputLength;
    return config;
  }
}

export const embedding = (config: EmbeddingConfig): Embedding => new Embedding(config);
