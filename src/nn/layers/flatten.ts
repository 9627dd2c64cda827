import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type CallContext, Layer, type LayerConfig, type Shape, singleInput, singleShape } from '../layer.js';

/** Flattens each sample to one dimension: (batch, …) → (batch, features). */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(config: LayerConfig = {}) {
    super(config, 'Flatten', []);
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    return reshape(x, [x.shape[0], -1]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, ...rest] = singleShape(this.name, inputShape);
    const features = rest.some((d) => d === null)
      ? null
      : rest.reduce<number>((n, d) => n * (d as number), 1);
    return [batch, features];
  }

  protected layerConfig(): Record<string, unknown> {
    return {};
  }
}

export const flatten = (config?: LayerConfig): Flatten => new Flatten(config);
