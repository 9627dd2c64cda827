import { reshape as reshapeOp } from '../../ops/reshape.js';
import { ShapeError, ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  formatShape,
  Layer,
  type LayerConfig,
  ownOptions,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';

export interface ReshapeConfig extends LayerConfig {
  /** The shape of one sample after the layer, without the batch; one dimension may be -1. */
  targetShape: readonly number[];
}

const OPTIONS = ownOptions<ReshapeConfig>({ targetShape: true });

/** Gives each sample another shape with the same number of values: (batch, …) → (batch, …targetShape). */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(config: ReshapeConfig) {
    super(config, 'Reshape', OPTIONS);
    const target = config.targetShape;
    const valid =
      Array.isArray(target) &&
      target.every((d) => d === -1 || (Number.isInteger(d) && d >= 1)) &&
      target.filter((d) => d === -1).length <= 1;
    if (!valid) {
      throw new ValueError(
        `${this.name}: targetShape is ${JSON.stringify(target)}, expected an array of positive integers ` +
          'with at most one -1 (the dimension to infer), without the batch dimension',
      );
    }
    this.targetShape = [...target];
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    const [batch, ...sample] = this.computeOutputShape(x.shape);
    return reshapeOp(x, [batch as number, ...(sample as number[])]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, ...sample] = singleShape(this.name, inputShape);
    if (sample.some((d) => d === null)) {
      // Unknown sample dimensions leave the inferred one unknown, and nothing to check yet.
      return [batch, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    }
    const size = (sample as number[]).reduce((n, d) => n * d, 1);
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const infers = this.targetShape.includes(-1);
    if (infers ? size % known !== 0 : size !== known) {
      throw new ShapeError(
        `${this.name}: cannot reshape samples of shape ${formatShape(sample)} (${size} values) into ` +
          `targetShape ${formatShape(this.targetShape)}` +
          (infers ? `: ${size} is not a multiple of ${known}` : ` (${known} values)`),
      );
    }
    const inferred = size / known;
    return [batch, ...this.targetShape.map((d) => (d === -1 ? inferred : d))];
  }

  protected layerConfig(): Record<string, unknown> {
    return { targetShape: this.targetShape };
  }
}

export const reshape = (config: ReshapeConfig): Reshape => new Reshape(config);
