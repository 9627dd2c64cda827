import * as arithmetic from '../../ops/arithmetic.js';
import { concat } from '../../ops/concat.js';
import { matMul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduce.js';
import { reshape } from '../../ops/reshape.js';
import { transpose } from '../../ops/transpose.js';
import { rsqrt, square } from '../../ops/unary.js';
import { ShapeError, ValueError } from '../../tensor/errors.js';
import { normalizeAxis } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type CallContext, formatShape, Layer, type LayerConfig, ownOptions, type Shape } from '../layer.js';

const formatShapes = (shapes: readonly Shape[]): string => shapes.map(formatShape).join(', ');

/**
 * What every merge layer shares: a list of inputs, checked for count and shape compatibility
 * with errors naming the layer and every shape, both when wired and when run.
 */
abstract class Merge extends Layer {
  constructor(
    config: LayerConfig,
    className: string,
    options: readonly string[],
    /** How many inputs the layer combines: exactly, or at least when `max` is Infinity. */
    private readonly arity: { min: number; max: number } = { min: 2, max: Number.POSITIVE_INFINITY },
  ) {
    super(config, className, options);
  }

  /** The output shape for a list of input shapes already checked for count. */
  protected abstract mergedShape(shapes: readonly Shape[]): Shape;

  protected abstract merge(xs: readonly Tensor[]): Tensor;

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(xs.map((x) => x.shape));
    return this.merge(xs);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const isList = inputShape.length > 0 && inputShape.every((s) => Array.isArray(s));
    const shapes = isList ? (inputShape as Shape[]) : [inputShape as Shape];
    const { min, max } = this.arity;
    if (!isList || shapes.length < min || shapes.length > max) {
      const expected = min === max ? `${min}` : `at least ${min}`;
      throw new ValueError(
        `${this.name}: expected a list of ${expected} inputs, got ${isList ? shapes.length : 'a single input'}` +
          (isList ? ` (shapes ${formatShapes(shapes)})` : ''),
      );
    }
    return this.mergedShape(shapes);
  }

  protected incompatible(shapes: readonly Shape[], why: string): ShapeError {
    return new ShapeError(`${this.name}: inputs of shapes ${formatShapes(shapes)} cannot be merged: ${why}`);
  }
}

type Combine = (a: Tensor, b: Tensor) => Tensor;

/**
 * Merges inputs element by element. Shapes broadcast as Keras allows: the per-sample shapes,
 * aligned from the right, are equal or 1 (so (batch, 4) combines with (batch, 3, 4)); batch
 * sizes must agree.
 */
abstract class ElementwiseMerge extends Merge {
  protected abstract readonly combine: Combine;

  protected mergedShape(shapes: readonly Shape[]): Shape {
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null));
    if (batches.size > 1) throw this.incompatible(shapes, 'batch sizes differ');
    const rank = Math.max(...shapes.map((s) => s.length));
    const sample: (number | null)[] = [];
    for (let i = 1; i < rank; i++) {
      // Shorter shapes count as padded with 1s right after their batch dimension.
      const dims = shapes.map((s) => (s.length - rank + i >= 1 ? s[s.length - rank + i] : 1));
      sample.push(broadcastDim(dims, () => this.incompatible(shapes, `dimension ${i} differs`)));
    }
    return [batches.size === 1 ? [...batches][0] : null, ...sample];
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    const rank = Math.max(...xs.map((x) => x.rank));
    // New axes go right after the batch, so the batch dimension stays aligned (Keras's expand_dims(x, 1)).
    const aligned = xs.map((x) =>
      x.rank === rank
        ? x
        : reshape(x, [x.shape[0], ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)]),
    );
    return aligned.reduce((a, b) => this.combine(a, b));
  }

  protected layerConfig(): Record<string, unknown> {
    return {};
  }
}

/** One broadcast dimension: 1 gives way to anything; an unknown one leaves the result unknown. */
function broadcastDim(dims: readonly (number | null)[], error: () => Error): number | null {
  const known = [...new Set(dims.filter((d): d is number => d !== null && d !== 1))];
  if (known.length > 1) throw error();
  if (dims.includes(null)) return known.length === 1 ? known[0] : null;
  return known.length === 1 ? known[0] : 1;
}

/** The sum of its inputs. */
export class Add extends ElementwiseMerge {
  readonly className = 'Add';
  protected readonly combine = arithmetic.add;

  constructor(config: LayerConfig = {}) {
    super(config, 'Add', []);
  }
}

/** The first input minus the second. */
export class Subtract extends ElementwiseMerge {
  readonly className = 'Subtract';
  protected readonly combine = arithmetic.sub;

  constructor(config: LayerConfig = {}) {
    super(config, 'Subtract', [], { min: 2, max: 2 });
  }
}

/** The element-wise product of its inputs. */
export class Multiply extends ElementwiseMerge {
  readonly className = 'Multiply';
  protected readonly combine = arithmetic.mul;

  constructor(config: LayerConfig = {}) {
    super(config, 'Multiply', []);
  }
}

/** The element-wise mean of its inputs. */
export class Average extends ElementwiseMerge {
  readonly className = 'Average';
  protected readonly combine = arithmetic.add;

  constructor(config: LayerConfig = {}) {
    super(config, 'Average', []);
  }

  protected override merge(xs: readonly Tensor[]): Tensor {
    return arithmetic.div(super.merge(xs), xs.length);
  }
}

/** The element-wise largest of its inputs. */
export class Maximum extends ElementwiseMerge {
  readonly className = 'Maximum';
  protected readonly combine = arithmetic.maximum;

  constructor(config: LayerConfig = {}) {
    super(config, 'Maximum', []);
  }
}

/** The element-wise smallest of its inputs. */
export class Minimum extends ElementwiseMerge {
  readonly className = 'Minimum';
  protected readonly combine = arithmetic.minimum;

  constructor(config: LayerConfig = {}) {
    super(config, 'Minimum', []);
  }
}

export interface ConcatenateConfig extends LayerConfig {
  /** The axis to join along; the last by default. */
  axis?: number;
}

/** Joins its inputs along `axis`; they must agree on every other dimension. */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(config: ConcatenateConfig = {}) {
    super(config, 'Concatenate', ownOptions<ConcatenateConfig>({ axis: true }));
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new ValueError(`${this.name}: axis is ${JSON.stringify(config.axis)}, expected an integer`);
    }
  }

  protected mergedShape(shapes: readonly Shape[]): Shape {
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) throw this.incompatible(shapes, 'ranks differ');
    if (this.axis < -rank || this.axis >= rank) {
      throw this.incompatible(shapes, `axis ${this.axis} is out of range for rank ${rank}`);
    }
    const axis = this.#resolve(rank);
    return shapes[0].map((_, i) => {
      const dims = shapes.map((s) => s[i]);
      if (i === axis) return dims.includes(null) ? null : (dims as number[]).reduce((n, d) => n + d, 0);
      const known = [...new Set(dims.filter((d) => d !== null))];
      if (known.length > 1) {
        throw this.incompatible(shapes, `dimension ${i} differs, and only axis ${this.axis} may`);
      }
      return known.length === 1 ? known[0] : null;
    });
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return concat(xs, this.#resolve(xs[0].rank));
  }

  #resolve(rank: number): number {
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  protected layerConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

export interface DotConfig extends LayerConfig {
  /**
   * The axis summed over, counted with the batch as axis 0: one for both inputs, or one each.
   * (batch, n)·(batch, n) with axes 1 gives (batch, 1); (batch, m, k)·(batch, k, n) with
   * axes [2, 1] gives (batch, m, n).
   */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along their axes first, so that the result is the cosine similarity. */
  normalize?: boolean;
}

/** The dot product of each sample of the first input with the same sample of the second. */
export class Dot extends Merge {
  readonly className = 'Dot';
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(config: DotConfig) {
    super(config, 'Dot', ownOptions<DotConfig>({ axes: true, normalize: true }), { min: 2, max: 2 });
    const axes = config.axes;
    const valid =
      Number.isInteger(axes) ||
      (Array.isArray(axes) && axes.length === 2 && axes.every((a) => Number.isInteger(a)));
    if (!valid) {
      throw new ValueError(
        `${this.name}: axes is ${JSON.stringify(axes)}, expected an integer or a pair of integers`,
      );
    }
    this.axes = typeof axes === 'number' ? axes : [axes[0], axes[1]];
    this.normalize = config.normalize ?? false;
  }

  protected mergedShape(shapes: readonly Shape[]): Shape {
    const [a, b] = shapes;
    if (a.length < 2 || b.length < 2) throw this.incompatible(shapes, 'each input needs rank ≥ 2');
    const [i, j] = this.#resolve(shapes);
    if (a[0] !== null && b[0] !== null && a[0] !== b[0])
      throw this.incompatible(shapes, 'batch sizes differ');
    if (a[i] !== null && b[j] !== null && a[i] !== b[j]) {
      throw this.incompatible(
        shapes,
        `axis ${i} of the first (${a[i]}) differs from axis ${j} of the second (${b[j]})`,
      );
    }
    const rest = [...a.filter((_, k) => k !== i), ...b.filter((_, k) => k !== j && k !== 0)];
    // Two vectors per sample give one number per sample, kept as (batch, 1) as Keras does.
    return rest.length === 1 ? [...rest, 1] : rest;
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    let [a, b] = xs;
    const [i, j] = this.#resolve([a.shape, b.shape]);
    if (this.normalize) {
      a = l2Normalize(a, i);
      b = l2Normalize(b, j);
    }
    // (B, …, K) × (B, K, …) as one batched matMul: (B, M, K) · (B, K, N) → (B, M, N).
    const batch = a.shape[0];
    const k = a.shape[i];
    const left = reshape(moveAxis(a, i, a.rank - 1), [batch, -1, k]);
    const right = reshape(moveAxis(b, j, 1), [batch, k, -1]);
    return reshape(matMul(left, right), this.mergedShape([a.shape, b.shape]) as number[]);
  }

  #resolve(shapes: readonly Shape[]): [number, number] {
    const [p, q] = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axis = (given: number, shape: Shape, which: string) => {
      const rank = shape.length;
      if (given < -rank || given >= rank) {
        throw this.incompatible(shapes, `axis ${given} is out of range for the ${which} input`);
      }
      const resolved = normalizeAxis(this.name, given, shape as readonly number[]);
      if (resolved === 0) {
        throw this.incompatible(
          shapes,
          `axis ${given} of the ${which} input is the batch axis, which Dot keeps`,
        );
      }
      return resolved;
    };
    return [axis(p, shapes[0], 'first'), axis(q, shapes[1], 'second')];
  }

  protected layerConfig(): Record<string, unknown> {
    return { axes: this.axes, normalize: this.normalize };
  }
}

/** x / ‖x‖ along `axis`; the floor on the squared norm keeps a zero vector at zero, not NaN. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return arithmetic.mul(x, rsqrt(arithmetic.maximum(sum(square(x), axis, { keepDims: true }), 1e-12)));
}

function moveAxis(x: Tensor, from: number, to: number): Tensor {
  const order = x.shape.map((_, d) => d).filter((d) => d !== from);
  order.splice(to, 0, from);
  return transpose(x, order);
}

// Factories, TensorFlow.js style: add(), concatenate({axis: 1}), dot({axes: 1}).
export const add = (config?: LayerConfig): Add => new Add(config);
export const subtract = (config?: LayerConfig): Subtract => new Subtract(config);
export const multiply = (config?: LayerConfig): Multiply => new Multiply(config);
export const average = (config?: LayerConfig): Average => new Average(config);
export const maximum = (config?: LayerConfig): Maximum => new Maximum(config);
export const minimum = (config?: LayerConfig): Minimum => new Minimum(config);
export const concatenate = (config?: ConcatenateConfig): Concatenate => new Concatenate(config);
export const dot = (config: DotConfig): Dot => new Dot(config);
