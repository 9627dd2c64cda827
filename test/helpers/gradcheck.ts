import { cast, grad, mul, noGrad, randomNormal, sum, type Tensor, tensor } from 'deepline';

/**
 * Checks the gradient of `f` at `inputs` against central finite differences computed in float64.
 *
 * f's output is reduced to a scalar with fixed random weights, so every output element's
 * gradient is exercised. Two comparisons are made:
 * - the engine's analytic gradient in float64 against the numerical one: this checks the rule
 *   itself, tightly (|analytic − numeric| ≤ 1e-6 + 1e-5·|numeric|);
 * - the analytic gradient in float32 (what training uses) against the same numbers, within
 *   float32 rounding (≤ 2e-3 + 2e-3·|numeric|).
 */
export const FLOAT64_TOLERANCE = { atol: 1e-6, rtol: 1e-5 };
export const FLOAT32_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };
const EPSILON = 1e-6;

export function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], seed = 7): void {
  const out = noGrad(() => f(...inputs.map((x) => cast(x, 'float64'))));
  const weights64 = cast(randomNormal(out.shape, { seed }), 'float64');
  const weights32 = cast(weights64, 'float32');
  const objective =
    (weights: Tensor) =>
    (...xs: Tensor[]) =>
      sum(mul(f(...xs), weights));

  const inputs64 = inputs.map((x) => cast(x, 'float64'));
  const numeric = numericalGradients(objective(weights64), inputs64);
  const analytic64 = grad(objective(weights64))(...inputs64);
  const analytic32 = grad(objective(weights32))(...inputs.map((x) => cast(x, 'float32')));

  inputs.forEach((_, i) => {
    compare(`float64 gradient of input ${i}`, analytic64[i], numeric[i], FLOAT64_TOLERANCE);
    compare(`float32 gradient of input ${i}`, analytic32[i], numeric[i], FLOAT32_TOLERANCE);
  });
}

function numericalGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Float64Array[] {
  return noGrad(() =>
    inputs.map((x, i) => {
      const base = x.data() as Float64Array;
      const g = new Float64Array(base.length);
      const at = (j: number, delta: number) => {
        const moved = base.slice();
        moved[j] += delta;
        const args = inputs.slice();
        args[i] = tensor(moved, { shape: x.shape, dtype: 'float64' });
        return f(...args).item();
      };
      for (let j = 0; j < base.length; j++) g[j] = (at(j, EPSILON) - at(j, -EPSILON)) / (2 * EPSILON);
      return g;
    }),
  );
}

function compare(
  what: string,
  analytic: Tensor,
  numeric: Float64Array,
  { atol, rtol }: { atol: number; rtol: number },
): void {
  const a = analytic.data();
  if (a.length !== numeric.length) throw new Error(`${what}: ${a.length} values, expected ${numeric.length}`);
  for (let j = 0; j < a.length; j++) {
    const error = Math.abs(a[j] - numeric[j]);
    if (!(error <= atol + rtol * Math.abs(numeric[j]))) {
      throw new Error(`${what}, element ${j}: analytic ${a[j]}, numeric ${numeric[j]} (|error| ${error})`);
    }
  }
}
